import { randomBytes } from "node:crypto";
import { type Actor, writeAudit } from "../audit/audit.ts";
import { hashToken } from "../auth/api-tokens.ts";
import type { Db } from "../db/knex.ts";
import { toInstant, toInstantOrNull } from "../db/values.ts";

export const THEMES = ["light", "dark"] as const;
export type Theme = (typeof THEMES)[number];

/** A wall screen's display link: one ward, shown with names or initials only, in a theme. */
export interface WardDisplay {
  id: number;
  wardId: number;
  wardName: string;
  name: string;
  initialsOnly: boolean;
  theme: Theme;
  createdAt: string;
  revokedAt: string | null;
}

export interface DisplayInput {
  wardId: number;
  name: string;
  initialsOnly: boolean;
  theme: Theme;
}

/** Issues a display link's token and returns it once; only its hash is kept (as API tokens). Audited. */
export async function createDisplay(db: Db, actor: Actor, input: DisplayInput, now: string): Promise<{ id: number; token: string }> {
  return createDisplayWithToken(db, actor, input, `wall_${randomBytes(32).toString("base64url")}`, now);
}

/** The same with a given token: the demo data's display link, which `npm start` prints. */
export async function createDisplayWithToken(db: Db, actor: Actor, input: DisplayInput, token: string, now: string): Promise<{ id: number; token: string }> {
  return db.transaction(async (trx) => {
    const [row] = await trx("ward_displays")
      .insert({ ward_id: input.wardId, name: input.name, token_hash: hashToken(token), initials_only: input.initialsOnly, theme: input.theme, created_by: actor.type === "user" ? actor.id : null, created_at: now })
      .returning("id");
    const id = typeof row === "object" ? (row as { id: number }).id : (row as number);
    await writeAudit(trx, { at: now, actor, patientId: null, entity: "ward-display", entityId: id, action: "create", before: null, after: input });
    return { id, token };
  });
}

/** Revokes a display link: the screen shows nothing from its next refresh. Audited; revoking twice changes nothing. */
export async function revokeDisplay(db: Db, actor: Actor, id: number, now: string): Promise<boolean> {
  return db.transaction(async (trx) => {
    const changed = await trx("ward_displays").where({ id }).whereNull("revoked_at").update({ revoked_at: now });
    if (changed) await writeAudit(trx, { at: now, actor, patientId: null, entity: "ward-display", entityId: id, action: "revoke", before: { revokedAt: null }, after: { revokedAt: now } });
    return changed > 0;
  });
}

export async function listDisplays(db: Db): Promise<WardDisplay[]> {
  return (await selectDisplays(db).orderBy("ward_displays.id")).map(toDisplay);
}

/** The display a link opens, if it has not been revoked. */
export async function findActiveDisplay(db: Db, token: string): Promise<WardDisplay | null> {
  if (token.length > 200) return null;
  const row = await selectDisplays(db).where("ward_displays.token_hash", hashToken(token)).whereNull("ward_displays.revoked_at").first();
  return row ? toDisplay(row) : null;
}

function selectDisplays(db: Db) {
  return db("ward_displays")
    .join("wards", "wards.id", "ward_displays.ward_id")
    .select("ward_displays.*", "wards.name as ward_name");
}

function toDisplay(row: Record<string, unknown>): WardDisplay {
  return {
    id: row.id as number,
    wardId: row.ward_id as number,
    wardName: row.ward_name as string,
    name: row.name as string,
    initialsOnly: Boolean(row.initials_only),
    theme: row.theme === "dark" ? "dark" : "light",
    createdAt: toInstant(row.created_at),
    revokedAt: toInstantOrNull(row.revoked_at),
  };
}
