/** What admins change (wards, users, API tokens): every change and its audit row are one transaction. */
import type { Knex } from "knex";
import { type Actor, writeAudit } from "../audit/audit.ts";
import { createApiToken, revokeApiToken } from "../auth/api-tokens.ts";
import { createUser, type NewUser, setDisabled, setPassword } from "../auth/users.ts";
import type { Db } from "../db/knex.ts";
import { isUniqueViolation, toInstantOrNull } from "../db/values.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import { wardNameKey } from "../patients/model.ts";
import type { Role } from "../web/routing.ts";
import type { InputReader } from "../web/validation.ts";

type Conn = Db | Knex.Transaction;

export interface WardInput {
  name: string;
  email: string | null;
  phone: string | null;
}

export interface Ward extends WardInput {
  id: number;
  retiredAt: string | null;
}

export interface WardListItem extends Ward {
  /** Current inpatients pointing to the ward. */
  inpatients: number;
}

function toWard(row: Record<string, unknown>): Ward {
  return {
    id: row.id as number,
    name: row.name as string,
    email: (row.email as string) ?? null,
    phone: (row.phone as string) ?? null,
    retiredAt: toInstantOrNull(row.retired_at),
  };
}

/** Every ward, retired ones too, in name order, each with its number of current inpatients. */
export async function listWards(db: Conn): Promise<WardListItem[]> {
  const counts = db("episodes").whereNull("discharged_at").whereNotNull("ward_id").groupBy("ward_id").select("ward_id").count({ n: "*" }).as("c");
  const rows: Record<string, unknown>[] = await db("wards").leftJoin(counts, "c.ward_id", "wards.id").select("wards.*", "c.n");
  return rows
    .map((row) => ({ ...toWard(row), inpatients: Number(row.n ?? 0) }))
    .sort((a, b) => a.name.localeCompare(b.name, "en-GB", { numeric: true }));
}

export async function findWard(db: Conn, id: number): Promise<Ward | null> {
  const row = await db("wards").where({ id }).first();
  return row ? toWard(row) : null;
}

export function readWard(input: InputReader): WardInput {
  const name = input.text("name", { label: "Ward name", required: true, max: 120, line: true });
  const email = input.email("email", { label: "Ward email address" });
  const phone = input.text("phone", { label: "Ward phone number", max: 40 });
  // The number goes into patients' emails, which carry no clinical words: digits and phone punctuation only.
  if (phone && !/^\+?[0-9][0-9 ()-]*(\s*(ext\.?|extension|x)\s*[0-9]+)?$/i.test(phone)) {
    input.fail("phone", "Enter the ward phone number as digits, for example 0113 000 0003 or 0113 000 0003 ext 1234");
  }
  return input.result({ name: name === null ? "" : name.replace(/\s+/g, " "), email, phone });
}

/** Ward names are told apart ignoring case and spaces, as the episode form and migration 010 match them. */
async function refuseClash(trx: Knex.Transaction, name: string, exceptId: number | null): Promise<void> {
  const rows: { id: number; name: string }[] = await trx("wards").select("id", "name");
  const clash = rows.find((w) => w.id !== exceptId && wardNameKey(w.name) === wardNameKey(name));
  if (clash) throw new ConflictError(`There is already a ward called "${clash.name}"${exceptId === null ? "" : ": choose another name"}`, "name");
}

async function uniquely<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError("There is already a ward with this name", "name");
    throw err;
  }
}

export async function addWard(db: Db, actor: Actor, input: WardInput, now: string): Promise<Ward> {
  return uniquely(() =>
    db.transaction(async (trx) => {
      await refuseClash(trx, input.name, null);
      const [row] = await trx("wards").insert({ ...input, created_at: now, updated_at: now }).returning("*");
      const ward = toWard(row);
      await writeAudit(trx, { at: now, actor, patientId: null, entity: "ward", entityId: ward.id, action: "add", before: null, after: input });
      return ward;
    }),
  );
}

/** Renames a ward or changes its contact details. Episodes point to the ward, so they follow the new name. */
export async function updateWard(db: Db, actor: Actor, id: number, input: WardInput, now: string): Promise<Ward> {
  return uniquely(() =>
    db.transaction(async (trx) => {
      const before = await findWard(trx, id);
      if (!before) throw new NotFoundError("Ward");
      await refuseClash(trx, input.name, id);
      const [row] = await trx("wards").where({ id }).update({ ...input, updated_at: now }).returning("*");
      const { id: _id, retiredAt: _r, ...was } = before;
      await writeAudit(trx, { at: now, actor, patientId: null, entity: "ward", entityId: id, action: before.name === input.name ? "correct" : "rename", before: was, after: input });
      return toWard(row);
    }),
  );
}

/**
 * Retires a ward (it is no longer offered for new episodes; its episodes keep it) or brings it
 * back. Wards are never deleted. Answers false when the ward was already in that state.
 */
export async function setWardRetired(db: Db, actor: Actor, id: number, retire: boolean, now: string): Promise<boolean> {
  return db.transaction(async (trx) => {
    const before = await findWard(trx, id);
    if (!before) throw new NotFoundError("Ward");
    if ((before.retiredAt !== null) === retire) return false;
    await trx("wards").where({ id }).update({ retired_at: retire ? now : null, updated_at: now });
    await writeAudit(trx, { at: now, actor, patientId: null, entity: "ward", entityId: id, action: retire ? "retire" : "reinstate", before: { retiredAt: before.retiredAt }, after: { retiredAt: retire ? now : null } });
    return true;
  });
}

// ---------------------------------------------------------------- users and API tokens
// The account changes of src/auth, each with its audit row in the same transaction.

export async function createUserAudited(db: Db, actor: Actor, user: NewUser, now: string): Promise<number> {
  return db.transaction(async (trx) => {
    const id = await createUser(trx, user, now);
    const { password: _p, ...shown } = user;
    await writeAudit(trx, { at: now, actor, patientId: null, entity: "user", entityId: id, action: "create", before: null, after: shown });
    return id;
  });
}

export async function resetPasswordAudited(db: Db, actor: Actor, userId: number, password: string, now: string): Promise<void> {
  await db.transaction(async (trx) => {
    await setPassword(trx, userId, password, now);
    await writeAudit(trx, { at: now, actor, patientId: null, entity: "user", entityId: userId, action: "reset-password", before: null, after: null });
  });
}

export async function setDisabledAudited(db: Db, actor: Actor, userId: number, disabled: boolean, now: string): Promise<void> {
  await db.transaction(async (trx) => {
    await setDisabled(trx, userId, disabled, now);
    await writeAudit(trx, { at: now, actor, patientId: null, entity: "user", entityId: userId, action: disabled ? "disable" : "enable", before: null, after: null });
  });
}

export async function createApiTokenAudited(db: Db, actor: Actor, input: { name: string; role: Role; createdBy: number | null }, now: string): Promise<{ id: number; token: string }> {
  return db.transaction(async (trx) => {
    const created = await createApiToken(trx, input, now);
    await writeAudit(trx, { at: now, actor, patientId: null, entity: "api-token", entityId: created.id, action: "create", before: null, after: { name: input.name, role: input.role } });
    return created;
  });
}

/** Revokes a token with its audit row; a token that does not exist is a NotFoundError, and nothing is written. */
export async function revokeApiTokenAudited(db: Db, actor: Actor, id: number, now: string): Promise<"revoked" | "already-revoked"> {
  return db.transaction(async (trx) => {
    const outcome = await revokeApiToken(trx, id, now);
    if (outcome === "not-found") throw new NotFoundError("Token");
    if (outcome === "revoked") {
      await writeAudit(trx, { at: now, actor, patientId: null, entity: "api-token", entityId: id, action: "revoke", before: null, after: null });
    }
    return outcome;
  });
}
