import type { Response } from "express";
import { listApiTokens } from "../auth/api-tokens.ts";
import { MIN_PASSWORD_LENGTH } from "../auth/passwords.ts";
import { findUser, listUsers, usernameTaken } from "../auth/users.ts";
import type { AppDeps } from "../deps.ts";
import { formPage } from "../web/forms.ts";
import { adminAuditRoutes } from "./audit-page.ts";
import { signInRoleRoutes } from "./sign-in-roles.ts";
import { NotFoundError } from "../errors.ts";
import { idParam } from "../web/form-values.ts";
import type { RoleRouter } from "../web/routing.ts";
import { ADMINS, ROLES } from "../web/routing.ts";
import { InputReader } from "../web/validation.ts";
import {
  addWard,
  createApiTokenAudited,
  createUserAudited,
  findWard,
  listWards,
  readWard,
  resetPasswordAudited,
  revokeApiTokenAudited,
  setDisabledAudited,
  setWardRetired,
  updateWard,
} from "./service.ts";

const ROLE_ITEMS = ROLES.map((value) => ({ value, text: value[0].toUpperCase() + value.slice(1) }));

export function adminRoutes(pages: RoleRouter, deps: AppDeps): void {
  const { db, clock } = deps;
  signInRoleRoutes(pages, deps);
  adminAuditRoutes(pages, deps);
  const now = () => clock().toISOString();

  pages.get("/admin/users", ADMINS, async (_req, res) => {
    res.render("admin/users", { title: "Users", users: await listUsers(db) });
  });

  formPage(pages, ADMINS, { form: "/admin/users/new", action: "/admin/users" }, {
    load: async () => null,
    initial: () => ({}),
    // A password typed is never sent back.
    render: (res, _none, values, errors) =>
      res.render("admin/user-form", { title: "Create a user", roleItems: ROLE_ITEMS, minLength: MIN_PASSWORD_LENGTH, values: errors ? { ...values, password: "" } : values, errors }),
    save: async (req, _none, actor) => {
      const input = new InputReader(req.body, "form");
      const username = input.text("username", { label: "Username", required: true, max: 80 });
      if (username && !/^[a-z0-9._-]+$/i.test(username)) input.fail("username", "Username can only contain letters, numbers, dots, dashes and underscores");
      else if (username && (await usernameTaken(db, username))) input.fail("username", "That username is already taken");
      const displayName = input.text("displayName", { label: "Full name", required: true, max: 200, name: true });
      const role = input.choice("role", ROLES, { label: "Role", required: true });
      const email = input.email("email", { label: "Email address" });
      const password = readNewPassword(input);
      input.result(null);
      await createUserAudited(db, actor, { username: username!, displayName: displayName!, role: role!, email, password: password! }, now());
      return { redirect: "/admin/users", flash: `User ${username} created` };
    },
  });

  formPage(pages, ADMINS, { form: "/admin/users/:userId/password" }, {
    load: (req) => loadUser(req.params.userId),
    initial: () => ({}),
    // The form shows no values: a password is never sent back.
    render: (res, user, _values, errors) => res.render("admin/password", { title: `Reset password for ${user.username}`, target: user, minLength: MIN_PASSWORD_LENGTH, errors }),
    save: async (req, user, actor) => {
      const input = new InputReader(req.body, "form");
      const password = readNewPassword(input);
      input.result(null);
      await resetPasswordAudited(db, actor, user.id, password!, now());
      return { redirect: "/admin/users", flash: `Password reset for ${user.username}; their sessions are signed out` };
    },
  });

  pages.post("/admin/users/:userId/disable", ADMINS, async (req, res, actor) => {
    const user = await loadUser(req.params.userId);
    const disable = (req.body as Record<string, unknown>).disable !== "no";
    if (disable && user.id === res.locals.user!.id) {
      return res.status(400).render("admin/users", {
        title: "Users",
        users: await listUsers(db),
        errors: [{ field: `disable-${user.id}`, message: "You cannot disable your own account: ask another administrator" }],
      });
    }
    await setDisabledAudited(db, actor, user.id, disable, now());
    req.session.flash = `${user.username} ${disable ? "disabled" : "enabled"}`;
    res.redirect(303, "/admin/users");
  });

  pages.get("/admin/api-tokens", ADMINS, async (_req, res) => {
    res.render("admin/api-tokens", { title: "API tokens", tokens: await listApiTokens(db), roleItems: ROLE_ITEMS, values: {} });
  });

  pages.post("/admin/api-tokens", ADMINS, async (req, res, actor) => {
    const input = new InputReader(req.body, "form");
    const name = input.text("name", { label: "Token name", required: true, max: 120 });
    const role = input.choice("role", ROLES, { label: "Role", required: true });
    if (input.errors.length) {
      return res.status(400).render("admin/api-tokens", { title: "API tokens", tokens: await listApiTokens(db), roleItems: ROLE_ITEMS, values: req.body, errors: input.errors });
    }
    const created = await createApiTokenAudited(db, actor, { name: name!, role: role!, createdBy: res.locals.user!.id }, now());
    res.render("admin/api-tokens", { title: "API tokens", tokens: await listApiTokens(db), roleItems: ROLE_ITEMS, values: {}, created: { name, role, token: created.token } });
  });

  pages.post("/admin/api-tokens/:tokenId/revoke", ADMINS, async (req, res, actor) => {
    const id = idParam(req.params.tokenId);
    if (!id) throw new NotFoundError("Token");
    const outcome = await revokeApiTokenAudited(db, actor, id, now());
    req.session.flash = outcome === "revoked" ? "Token revoked" : "That token was already revoked";
    res.redirect(303, "/admin/api-tokens");
  });

  // ---------------------------------------------------------------- wards
  pages.get("/admin/wards", ADMINS, async (_req, res) => {
    res.render("admin/wards", { title: "Wards", wards: await listWards(db) });
  });

  const renderWardForm = (res: Response, model: Record<string, unknown>) => res.render("admin/ward-form", { backLink: { href: "/admin/wards", text: "Wards" }, ...model });

  formPage(pages, ADMINS, { form: "/admin/wards/new", action: "/admin/wards" }, {
    load: async () => null,
    initial: () => ({}),
    render: (res, _none, values, errors) => renderWardForm(res, { title: "Add a ward", action: "/admin/wards", values, errors }),
    save: async (req, _none, actor) => {
      const ward = await addWard(db, actor, readWard(new InputReader(req.body, "form")), now());
      return { redirect: "/admin/wards", flash: `${ward.name} added` };
    },
  });

  formPage(pages, ADMINS, { form: "/admin/wards/:wardId/edit" }, {
    load: (req) => loadWard(req.params.wardId),
    initial: (ward) => ({ name: ward.name, email: ward.email ?? "", phone: ward.phone ?? "" }),
    render: (res, ward, values, errors) => renderWardForm(res, { title: `Rename or correct ${ward.name}`, action: `/admin/wards/${ward.id}/edit`, ward, values, errors }),
    save: async (req, ward, actor) => {
      const updated = await updateWard(db, actor, ward.id, readWard(new InputReader(req.body, "form")), now());
      return { redirect: "/admin/wards", flash: updated.name === ward.name ? `${ward.name} corrected` : `${ward.name} is now called ${updated.name}; its episodes follow it` };
    },
  });

  pages.post("/admin/wards/:wardId/retire", ADMINS, async (req, res, actor) => {
    const ward = await loadWard(req.params.wardId);
    const retire = (req.body as Record<string, unknown>).retire !== "no";
    await setWardRetired(db, actor, ward.id, retire, now());
    req.session.flash = retire ? `${ward.name} retired: it is no longer offered for new episodes` : `${ward.name} is offered again`;
    res.redirect(303, "/admin/wards");
  });

  async function loadWard(param: unknown) {
    const id = idParam(param);
    const ward = id ? await findWard(db, id) : null;
    if (!ward) throw new NotFoundError("Ward");
    return ward;
  }

  async function loadUser(param: unknown) {
    const id = idParam(param);
    const user = id ? await findUser(db, id) : null;
    if (!user) throw new NotFoundError("User");
    return user;
  }
}

function readNewPassword(input: InputReader): string | null {
  const password = input.text("password", { label: "Password", required: true, max: 200 });
  if (password && password.length < MIN_PASSWORD_LENGTH) input.fail("password", `Password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  return password;
}
