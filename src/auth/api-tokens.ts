import { createHash, randomBytes } from "node:crypto";
import type { Db } from "../db/knex.ts";
import { toInstant, toInstantOrNull } from "../db/values.ts";
import type { Role } from "../web/routing.ts";

export interface ApiToken {
  id: number;
  name: string;
  role: Role;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Creates a token and returns it once; only its hash is kept. */
export async function createApiToken(db: Db, input: { name: string; role: Role; createdBy: number | null }, now: string) {
  const token = `ces_${randomBytes(32).toString("base64url")}`;
  const [row] = await db("api_tokens")
    .insert({ name: input.name, role: input.role, token_hash: hashToken(token), created_by: input.createdBy, created_at: now })
    .returning("id");
  return { id: row.id as number, token };
}

export async function findActiveToken(db: Db, token: string): Promise<ApiToken | null> {
  const row = await db("api_tokens").where({ token_hash: hashToken(token) }).whereNull("revoked_at").first();
  return row ? toToken(row) : null;
}

export async function listApiTokens(db: Db): Promise<ApiToken[]> {
  return (await db("api_tokens").orderBy("id")).map(toToken);
}

/** Revokes a token: "not-found" when there is no such token, "already-revoked" when there is nothing to do. */
export async function revokeApiToken(db: Db, id: number, now: string): Promise<"revoked" | "already-revoked" | "not-found"> {
  const changed = await db("api_tokens").where({ id }).whereNull("revoked_at").update({ revoked_at: now });
  if (changed > 0) return "revoked";
  return (await db("api_tokens").where({ id }).first("id")) ? "already-revoked" : "not-found";
}

function toToken(row: Record<string, unknown>): ApiToken {
  return {
    id: row.id as number,
    name: row.name as string,
    role: row.role as Role,
    createdAt: toInstant(row.created_at),
    revokedAt: toInstantOrNull(row.revoked_at),
    lastUsedAt: toInstantOrNull(row.last_used_at),
  };
}
