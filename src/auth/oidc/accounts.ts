import { createHash } from "node:crypto";
import { type Actor, SYSTEM_ACTOR, writeAudit } from "../../audit/audit.ts";
import type { Db } from "../../db/knex.ts";
import { isUniqueViolation, toInstantOrNull } from "../../db/values.ts";
import type { Role } from "../../web/routing.ts";
import { findUser, type User, userActor } from "../users.ts";
import type { ProviderIdentity } from "./client.ts";

/** A provider role claim value (a CIS2 national RBAC role code, an Entra app role or group) and the app role it gives. */
export interface RoleMap {
  id: number;
  claimValue: string;
  role: Role;
  description: string | null;
  createdAt: string;
}

/** An account never signed in with a password: no password hash verifies against it. */
export const NO_PASSWORD = "!identity-provider-only";

/**
 * When a person's claims map to several roles, the first of these wins: clinical access before
 * administration, as the people who sign in this way are mostly clinical staff. An admin who is
 * also a clinician keeps a separate admin account.
 */
const ROLE_PRECEDENCE: Role[] = ["clinician", "nurse", "admin"];

export async function listRoleMaps(db: Db): Promise<RoleMap[]> {
  const rows = await db("oidc_role_maps").whereNull("retired_at").orderBy("claim_value");
  return rows.map((r) => ({ id: r.id, claimValue: r.claim_value, role: r.role, description: r.description, createdAt: toInstantOrNull(r.created_at)! }));
}

/**
 * Every value the configured claims hold: strings as they are; CIS2's role objects by their
 * role_code ("S8000:G8000:R8001") and each part of it, so an admin may map the job role (R8001).
 */
export function claimValues(claims: Record<string, unknown>, roleClaims: string[]): string[] {
  const values = new Set<string>();
  const add = (value: unknown): void => {
    if (typeof value === "string" && value.trim()) {
      values.add(value.trim());
      if (value.includes(":")) for (const part of value.split(":")) if (part.trim()) values.add(part.trim());
    } else if (Array.isArray(value)) value.forEach(add);
    else if (value && typeof value === "object" && "role_code" in value) add((value as { role_code: unknown }).role_code);
  };
  for (const claim of roleClaims) add(claims[claim]);
  return [...values];
}

export function roleFromClaims(values: string[], maps: RoleMap[]): Role | null {
  const granted = new Set(maps.filter((m) => values.includes(m.claimValue)).map((m) => m.role));
  return ROLE_PRECEDENCE.find((role) => granted.has(role)) ?? null;
}

export type ProviderSignIn =
  | { outcome: "signed-in"; user: User }
  | { outcome: "no-role" }
  | { outcome: "disabled" };

/**
 * A person the provider vouched for: found by issuer and subject, else linked to an account an
 * admin pre-created (by email or CIS2 user id), else created when their claims map to a role.
 * The role follows the claims at every sign-in. Every sign-in, link, refusal and role change is audited.
 */
export async function signInWithProvider(db: Db, identity: ProviderIdentity, roleClaims: string[], now: string): Promise<ProviderSignIn> {
  try {
    return await db.transaction((trx) => signIn(trx, identity, roleClaims, now));
  } catch (err) {
    // Two first sign-ins of one person at once: the second finds the account the first made.
    if (!isUniqueViolation(err)) throw err;
    return db.transaction((trx) => signIn(trx, identity, roleClaims, now));
  }
}

async function signIn(trx: Db, identity: ProviderIdentity, roleClaims: string[], now: string): Promise<ProviderSignIn> {
  const role = roleFromClaims(claimValues(identity.claims, roleClaims), await listRoleMaps(trx));
  const provider: Actor = { ...SYSTEM_ACTOR, name: `Identity provider ${identity.issuer}` };
  const audit = (actor: Actor, entityId: number | null, action: string, before: unknown, after: unknown) =>
    writeAudit(trx, { at: now, actor, patientId: null, entity: "user", entityId, action, before, after });
  const who = { issuer: identity.issuer, subject: identity.subject, email: stringClaim(identity.claims, "email"), name: stringClaim(identity.claims, "name") };

  let userId: number | null = (await trx("users").where({ oidc_issuer: identity.issuer, oidc_subject: identity.subject }).first("id"))?.id ?? null;
  if (userId === null) {
    userId = await linkPreCreated(trx, identity, now);
    if (userId !== null) await audit(provider, userId, "link-identity", null, who);
  }
  if (role === null) {
    await audit(provider, userId, "sign-in-refused", null, { ...who, reason: "no mapped role", claimValues: claimValues(identity.claims, roleClaims) });
    return { outcome: "no-role" };
  }
  if (userId === null) {
    userId = await createProviderUser(trx, identity, role, now);
    await audit(provider, userId, "create-from-identity-provider", null, { ...who, role });
  }
  let user = (await findUser(trx, userId))!;
  if (user.disabledAt) {
    await audit(provider, userId, "sign-in-refused", null, { ...who, reason: "account disabled" });
    return { outcome: "disabled" };
  }
  if (user.role !== role) {
    await trx("users").where({ id: userId }).update({ role, updated_at: now });
    await audit(provider, userId, "role-change", { role: user.role }, { role, from: "identity provider claims" });
    user = { ...user, role };
  }
  await audit(userActor(user), userId, "sign-in", null, { method: "identity provider", issuer: identity.issuer, acr: stringClaim(identity.claims, "acr") });
  return { outcome: "signed-in", user };
}

/** An unlinked account an admin pre-created with this person's email or CIS2 user id (uid). */
async function linkPreCreated(trx: Db, identity: ProviderIdentity, now: string): Promise<number | null> {
  const email = stringClaim(identity.claims, "email")?.toLowerCase() ?? null;
  const uid = stringClaim(identity.claims, "uid");
  if (!email && !uid) return null;
  const row = await trx("users")
    .whereNull("oidc_subject")
    .where((q) => {
      if (email) q.orWhereRaw("lower(link_email) = ?", [email]);
      if (uid) q.orWhere({ link_cis2_uid: uid });
    })
    .orderBy("id")
    .first("id");
  if (!row) return null;
  await trx("users").where({ id: row.id }).update({ oidc_issuer: identity.issuer, oidc_subject: identity.subject, updated_at: now });
  return row.id;
}

async function createProviderUser(trx: Db, identity: ProviderIdentity, role: Role, now: string): Promise<number> {
  const base = (stringClaim(identity.claims, "email") ?? stringClaim(identity.claims, "preferred_username") ?? "staff").slice(0, 60);
  const suffix = createHash("sha256").update(`${identity.issuer} ${identity.subject}`).digest("hex").slice(0, 8);
  const taken = await trx("users").whereRaw("lower(username) = ?", [base.toLowerCase()]).first("id");
  const [row] = await trx("users")
    .insert({
      username: taken ? `${base}-${suffix}` : base,
      display_name: (stringClaim(identity.claims, "name") ?? base).slice(0, 200),
      role,
      email: stringClaim(identity.claims, "email"),
      password_hash: NO_PASSWORD,
      oidc_issuer: identity.issuer,
      oidc_subject: identity.subject,
      created_at: now,
      updated_at: now,
    })
    .returning("id");
  return typeof row === "object" ? row.id : row;
}

function stringClaim(claims: Record<string, unknown>, name: string): string | null {
  const value = claims[name];
  return typeof value === "string" && value.trim() ? value.trim() : null;
}

/** Admin: a claim value gives a role from the next sign-in on. */
export async function addRoleMap(db: Db, actor: Actor, input: { claimValue: string; role: Role; description: string | null }, now: string): Promise<void> {
  await db.transaction(async (trx) => {
    const existing = await trx("oidc_role_maps").where({ claim_value: input.claimValue }).first();
    if (existing) {
      await trx("oidc_role_maps").where({ id: existing.id }).update({ role: input.role, description: input.description, retired_at: null });
      await writeAudit(trx, { at: now, actor, patientId: null, entity: "sign-in-role-map", entityId: existing.id, action: "change", before: { claimValue: existing.claim_value, role: existing.role, retired: Boolean(existing.retired_at) }, after: input });
      return;
    }
    const [row] = await trx("oidc_role_maps").insert({ claim_value: input.claimValue, role: input.role, description: input.description, created_at: now }).returning("id");
    await writeAudit(trx, { at: now, actor, patientId: null, entity: "sign-in-role-map", entityId: typeof row === "object" ? row.id : row, action: "add", before: null, after: input });
  });
}

/** Admin: a claim value stops giving a role (kept, retired, for the audit trail). */
export async function retireRoleMap(db: Db, actor: Actor, id: number, now: string): Promise<boolean> {
  return db.transaction(async (trx) => {
    const existing = await trx("oidc_role_maps").where({ id }).whereNull("retired_at").first();
    if (!existing) return false;
    await trx("oidc_role_maps").where({ id }).update({ retired_at: now });
    await writeAudit(trx, { at: now, actor, patientId: null, entity: "sign-in-role-map", entityId: id, action: "retire", before: { claimValue: existing.claim_value, role: existing.role }, after: null });
    return true;
  });
}

/** Admin: an account to be linked at its owner's first sign-in through the provider. */
export async function preCreateAccount(db: Db, actor: Actor, input: { displayName: string; role: Role; linkEmail: string | null; linkCis2Uid: string | null }, now: string): Promise<number> {
  return db.transaction(async (trx) => {
    const username = (input.linkEmail ?? `cis2-${input.linkCis2Uid}`).slice(0, 80);
    const [row] = await trx("users")
      .insert({ username, display_name: input.displayName, role: input.role, email: input.linkEmail, password_hash: NO_PASSWORD, link_email: input.linkEmail, link_cis2_uid: input.linkCis2Uid, created_at: now, updated_at: now })
      .returning("id");
    const id = typeof row === "object" ? row.id : row;
    await writeAudit(trx, { at: now, actor, patientId: null, entity: "user", entityId: id, action: "pre-create-for-identity-provider", before: null, after: { ...input, username } });
    return id;
  });
}

