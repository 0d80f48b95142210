import express, { type Request, type Response } from "express";
import type { AppDeps } from "../../deps.ts";
import type { RoleRouter } from "../../web/routing.ts";
import { HOME_BY_ROLE, safeReturnTo, signInView } from "../sign-in-page.ts";
import { carryKeptForm } from "../kept-form.ts";
import { signInWithProvider } from "./accounts.ts";
import { type OidcClient, providerSessionKey } from "./client.ts";

/** A sign-in started more than this long ago is not finished: the person starts again. */
const PENDING_FOR_MS = 10 * 60_000;

/** Sign-in through the trust's identity provider: start, and the provider's answer. */
export function oidcRoutes(pages: RoleRouter, deps: AppDeps, client: OidcClient): void {
  const { db, clock } = deps;
  const refuse = (res: Response, status: number, message: string) =>
    res.status(status).render("auth/sign-in", { ...signInView(client, {}), errors: [{ field: "sign-in-oidc", message }] });

  pages.get("/auth/oidc/start", "public", async (req, res) => {
    let started;
    try {
      started = await client.start(safeReturnTo(req.query.returnTo), Date.now());
    } catch {
      return refuse(res, 503, "The identity provider cannot be reached just now. Try again in a minute, or ask the service desk.");
    }
    req.session.oidcPending = started.pending;
    await saveSession(req);
    res.redirect(303, started.url);
  });

  pages.get("/auth/oidc/callback", "public", async (req, res, next) => {
    const pending = req.session.oidcPending;
    delete req.session.oidcPending;
    if (!pending || Date.now() - pending.startedAt > PENDING_FOR_MS) {
      return refuse(res, 400, "That sign-in was not finished in time, or was started in another browser. Sign in again.");
    }
    if (typeof req.query.error === "string") {
      return refuse(res, 400, req.query.error === "access_denied" ? "Sign-in was cancelled at the identity provider." : "The identity provider did not sign you in. Try again, or ask the service desk.");
    }
    let identity;
    try {
      identity = await client.finish(new URL(req.originalUrl, client.settings.redirectUri), pending);
    } catch {
      // A wrong state or nonce, an expired or wrongly signed ID token: nothing from it is trusted.
      return refuse(res, 400, "The identity provider's answer could not be checked, so you are not signed in. Sign in again.");
    }
    const result = await signInWithProvider(db, identity, client.settings.roleClaims, clock().toISOString());
    if (result.outcome === "no-role") return res.status(403).render("auth/no-role", { title: "Ask your administrator for access" });
    if (result.outcome === "disabled") return refuse(res, 403, "Your account for this service is disabled. Ask your administrator.");
    // A form kept after a timeout comes back to the same person, as after a password sign-in.
    const keptForm = carryKeptForm(req.session.keptForm, result.user.id);
    req.session.regenerate((err) => {
      if (err) return next(err);
      req.session.userId = result.user.id;
      if (keptForm) req.session.keptForm = keptForm;
      req.session.oidcIdToken = identity.idToken;
      req.session.oidcSession = providerSessionKey(identity.issuer, identity.providerSession ?? identity.subject);
      res.redirect(303, pending.returnTo ?? HOME_BY_ROLE[result.user.role]);
    });
  });
}

/**
 * Back-channel sign-out: the provider tells the app that a person's provider session ended, and
 * the app ends theirs. Server to server, so it comes before sessions and CSRF (the logout token,
 * signed by the provider, is the proof).
 */
export function oidcBackChannelRoute(open: RoleRouter, deps: AppDeps, client: OidcClient): void {
  open.post("/auth/oidc/backchannel-logout", "public", express.urlencoded({ extended: false, limit: "20kb" }), async (req: Request, res: Response) => {
    const token = typeof req.body?.logout_token === "string" ? req.body.logout_token : "";
    let ended;
    try {
      ended = await client.verifyLogoutToken(token);
    } catch {
      return res.status(400).json({ error: "invalid_request", error_description: "The logout token could not be verified" });
    }
    const sessions = deps.db("sessions");
    if (ended.providerSession) await sessions.where({ oidc_session: providerSessionKey(ended.issuer, ended.providerSession) }).delete();
    else {
      const user = await deps.db("users").where({ oidc_issuer: ended.issuer, oidc_subject: ended.subject }).first("id");
      if (user) await sessions.where({ user_id: user.id }).whereNotNull("oidc_session").delete();
    }
    res.set("Cache-Control", "no-store").status(200).end();
  });
}

function saveSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.save((err) => (err ? reject(err) : resolve())));
}
