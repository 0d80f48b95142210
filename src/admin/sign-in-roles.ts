import type { Response } from "express";
import { addRoleMap, listRoleMaps, preCreateAccount, retireRoleMap } from "../auth/oidc/accounts.ts";
import { usernameTaken } from "../auth/users.ts";
import type { AppDeps } from "../deps.ts";
import { NotFoundError } from "../errors.ts";
import { idParam } from "../web/form-values.ts";
import { ADMINS, ROLES, type RoleRouter } from "../web/routing.ts";
import { InputReader } from "../web/validation.ts";

const ROLE_ITEMS = ROLES.map((value) => ({ value, text: value[0].toUpperCase() + value.slice(1) }));

/**
 * Admin: which identity-provider role claims give which role here, and accounts pre-created to be
 * linked at their owner's first sign-in through the provider.
 */
export function signInRoleRoutes(pages: RoleRouter, { db, clock, config }: AppDeps): void {
  const now = () => clock().toISOString();
  const render = async (status: number, res: Response, extra: Record<string, unknown> = {}) =>
    res.status(status).render("admin/sign-in-roles", {
      title: "Sign-in roles",
      providerOn: Boolean(config.oidc),
      roleClaims: config.oidc?.roleClaims.join(", ") ?? "",
      maps: await listRoleMaps(db),
      roleItems: ROLE_ITEMS,
      values: {},
      ...extra,
    });

  pages.get("/admin/sign-in-roles", ADMINS, async (_req, res) => render(200, res));

  pages.post("/admin/sign-in-roles", ADMINS, async (req, res, actor) => {
    const input = new InputReader(req.body, "form");
    const claimValue = input.text("claimValue", { label: "Role claim value", required: true, max: 200, line: true });
    const role = input.choice("role", ROLES, { label: "Role here", required: true });
    const description = input.text("description", { label: "What it is", max: 200, line: true });
    if (input.errors.length) return render(400, res, { values: req.body, errors: input.errors });
    await addRoleMap(db, actor, { claimValue: claimValue!, role: role!, description }, now());
    req.session.flash = `${claimValue} now gives the ${role} role, from each person's next sign-in`;
    res.redirect(303, "/admin/sign-in-roles");
  });

  pages.post("/admin/sign-in-roles/:mapId/retire", ADMINS, async (req, res, actor) => {
    const id = idParam(req.params.mapId);
    if (!id || !(await retireRoleMap(db, actor, id, now()))) throw new NotFoundError("Role mapping");
    req.session.flash = "Role mapping removed, from each person's next sign-in";
    res.redirect(303, "/admin/sign-in-roles");
  });

  pages.post("/admin/sign-in-roles/accounts", ADMINS, async (req, res, actor) => {
    const input = new InputReader(req.body, "form");
    const displayName = input.text("displayName", { label: "Full name", required: true, max: 200, name: true });
    const role = input.choice("accountRole", ROLES, { label: "Role", required: true });
    const linkEmail = input.email("linkEmail", { label: "Email address" })?.toLowerCase() ?? null;
    const linkCis2Uid = input.text("linkCis2Uid", { label: "NHS CIS2 user id", max: 64, line: true });
    if (linkCis2Uid && !/^\d{6,20}$/.test(linkCis2Uid)) input.fail("linkCis2Uid", "NHS CIS2 user id must be the digits of the smartcard user id");
    if (!linkEmail && !linkCis2Uid && !input.errors.some((e) => e.field === "linkEmail" || e.field === "linkCis2Uid")) {
      input.fail("linkEmail", "Enter an email address or an NHS CIS2 user id to link the account by");
    }
    const username = (linkEmail ?? `cis2-${linkCis2Uid}`).slice(0, 80);
    if (!input.errors.length && (await usernameTaken(db, username))) input.fail(linkEmail ? "linkEmail" : "linkCis2Uid", "An account with this email address or user id already exists");
    if (input.errors.length) return render(400, res, { values: req.body, errors: input.errors });
    await preCreateAccount(db, actor, { displayName: displayName!, role: role!, linkEmail, linkCis2Uid }, now());
    req.session.flash = `Account for ${displayName} created: it is linked when they first sign in through the identity provider`;
    res.redirect(303, "/admin/sign-in-roles");
  });
}
