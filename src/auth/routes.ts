import { createHash } from "node:crypto";
import type { Request, Response } from "express";
import { ipKeyGenerator, rateLimit } from "express-rate-limit";
import type { AppDeps } from "../deps.ts";
import { writeAudit } from "../audit/audit.ts";
import type { RoleRouter } from "../web/routing.ts";
import { STAFF } from "../web/routing.ts";
import { CONTROL_CHARACTERS } from "../web/validation.ts";
import { DbAttemptStore } from "./attempt-store.ts";
import { HOME_BY_ROLE, safeReturnTo, signInView } from "./sign-in-page.ts";
import type { OidcClient } from "./oidc/client.ts";
import { carryKeptForm } from "./kept-form.ts";
import { authenticate, userActor } from "./users.ts";


export function authRoutes(pages: RoleRouter, { db, clock, config }: AppDeps, oidcClient: OidcClient | null): void {
  // With OIDC_ONLY, passwords are for the break-glass admin alone (shown with ?local=1).
  const passwordsOff = Boolean(oidcClient?.settings.only);
  const signInPage = (extra: { returnTo?: string | null; showPasswords?: boolean; username?: string }) => signInView(oidcClient, extra);
  const tooMany = (_req: Request, res: Response) =>
    res.status(429).render("auth/sign-in", {
      ...signInPage({ showPasswords: true }),
      errors: [{ field: "username", message: "Too many failed sign-in attempts. Wait 15 minutes and try again." }],
    });
  // Failed sign-ins only: 10 per 15 minutes for one account whatever the address (addresses are
  // cheap to change), and 50 for any usernames from one address (guessing many usernames).
  // Counted in the database, across instances.
  const perAccount = rateLimit({
    store: new DbAttemptStore(db, "account:"),
    windowMs: 15 * 60_000,
    limit: 10,
    skipSuccessfulRequests: true,
    // The username as sign-in reads it (first 80 characters, trimmed, any case), hashed so that
    // whatever was typed (control characters included) makes a safe key.
    keyGenerator: (req) => createHash("sha256").update(String(req.body?.username ?? "").slice(0, 80).trim().toLowerCase()).digest("hex"),
    handler: tooMany,
  });
  const perAddress = rateLimit({
    store: new DbAttemptStore(db, "address:"),
    windowMs: 15 * 60_000,
    limit: 50,
    skipSuccessfulRequests: true,
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? ""),
    handler: tooMany,
  });

  pages.get("/", STAFF, (_req, res) => res.redirect(303, HOME_BY_ROLE[res.locals.user!.role]));

  pages.get("/sign-in", "public", (req, res) => {
    if (res.locals.user) return res.redirect(303, HOME_BY_ROLE[res.locals.user.role]);
    res.render("auth/sign-in", signInPage({ returnTo: safeReturnTo(req.query.returnTo), showPasswords: !passwordsOff || req.query.local === "1" }));
  });

  pages.post("/sign-in", "public", perAddress, perAccount, async (req, res, next) => {
    const body = req.body as Record<string, unknown>;
    const username = typeof body.username === "string" ? body.username.slice(0, 80) : "";
    const password = typeof body.password === "string" ? body.password.slice(0, 200) : "";
    const returnTo = safeReturnTo(body.returnTo);
    const readable = !CONTROL_CHARACTERS.test(username) && !CONTROL_CHARACTERS.test(password);
    const breakGlass = username.trim().toLowerCase() === oidcClient?.settings.breakGlassUsername?.toLowerCase();
    if (passwordsOff && !breakGlass) {
      return res.status(403).render("auth/sign-in", {
        ...signInPage({ showPasswords: true, username, returnTo }),
        errors: [{ field: "username", message: `Passwords are turned off for this service: use "${oidcClient!.settings.label}"` }],
      });
    }
    const user = username && password && readable ? await authenticate(db, username, password) : null;
    if (!user) {
      return res.status(401).render("auth/sign-in", {
        ...signInPage({ showPasswords: true }),
        username,
        returnTo,
        errors: [{ field: "username", message: "The username or password is not right, or the account is disabled" }],
      });
    }
    // A new session id on sign-in, so a session fixed before sign-in is worthless.
    const keptForm = carryKeptForm(req.session.keptForm, user.id);
    req.session.regenerate(async (err) => {
      if (err) return next(err);
      req.session.userId = user.id;
      if (keptForm) req.session.keptForm = keptForm;
      await writeAudit(db, {
        at: clock().toISOString(),
        actor: userActor(user),
        patientId: null,
        entity: "user",
        entityId: user.id,
        action: "sign-in",
        before: null,
        after: null,
      });
      res.redirect(303, returnTo ?? HOME_BY_ROLE[user.role]);
    });
  });

  // The user's colour theme (the header's switch): a preference, not a record, so not audited.
  pages.post("/account/theme", STAFF, async (req, res, actor) => {
    const theme = (req.body as Record<string, unknown>).theme === "dark" ? "dark" : "light";
    await db("users").where({ id: actor.id }).update({ theme });
    res.redirect(303, safeReturnTo((req.body as Record<string, unknown>).returnTo) ?? "/");
  });

  pages.post("/sign-out", STAFF, async (req, res) => {
    const idToken = req.session.oidcIdToken;
    await new Promise<void>((resolve, reject) => req.session.destroy((err) => (err ? reject(err) : resolve())));
    res.clearCookie("ces.sid");
    // Signed in through the provider: end the provider's session too, where it offers a sign-out page.
    const providerSignOut = idToken && oidcClient ? await oidcClient.endSessionUrl(idToken, new URL("/sign-in", config.baseUrl).href).catch(() => null) : null;
    res.redirect(303, providerSignOut ?? "/sign-in");
  });
}
