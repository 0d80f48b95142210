/** The feed's own records: the PAS ward-code map and every message received with what became of it. */
import type { Knex } from "knex";
import type { Actor } from "../audit/audit.ts";
import { writeAudit } from "../audit/audit.ts";
import type { Db } from "../db/knex.ts";
import { isUniqueViolation, toInstant, toInstantOrNull } from "../db/values.ts";
import { ConflictError, ValidationError } from "../errors.ts";

type Conn = Db | Knex.Transaction;
type Row = Record<string, unknown>;

export const FEED_STATUSES = ["applied", "ignored", "superseded", "failed", "rejected"] as const;
export type FeedStatus = (typeof FEED_STATUSES)[number];

export interface FeedMessage {
  id: number;
  receivedAt: string;
  controlId: string | null;
  sender: string | null;
  event: string | null;
  eventAt: string | null;
  status: FeedStatus;
  ackCode: string;
  reason: string | null;
  raw: string;
  changes: unknown;
  patientId: number | null;
  episodeId: number | null;
  cancelledByMessageId: number | null;
}

/** What a message row is written with. */
export type FeedMessageFields = Omit<FeedMessage, "id" | "changes" | "patientId" | "episodeId" | "cancelledByMessageId"> &
  Partial<Pick<FeedMessage, "changes" | "patientId" | "episodeId">> & { appliedKey?: string | null };

/** Longest raw text kept per message (a larger frame is refused before it gets here). */
const RAW_KEPT = 2_100_000;

function columns(f: FeedMessageFields): Row {
  return {
    received_at: f.receivedAt,
    control_id: f.controlId?.slice(0, 200) ?? null,
    sender: f.sender?.slice(0, 200) ?? null,
    event: f.event?.slice(0, 20) ?? null,
    event_at: f.eventAt,
    status: f.status,
    ack_code: f.ackCode,
    reason: f.reason,
    raw: f.raw.slice(0, RAW_KEPT),
    changes: f.changes === undefined || f.changes === null ? null : JSON.stringify(f.changes),
    patient_id: f.patientId ?? null,
    episode_id: f.episodeId ?? null,
    applied_key: f.appliedKey ?? null,
  };
}

export async function insertFeedMessage(conn: Conn, fields: FeedMessageFields): Promise<number> {
  const [row] = await conn("feed_messages").insert(columns(fields)).returning("id");
  return typeof row === "object" ? (row as { id: number }).id : (row as number);
}

/**
 * Inserts an applied message holding its applied key; null when a message with that key is
 * already stored (committed, or committing in another transaction, which this one then waits for).
 */
export async function claimAppliedKey(trx: Knex.Transaction, fields: FeedMessageFields & { appliedKey: string }): Promise<number | null> {
  const rows = await trx("feed_messages").insert(columns(fields)).onConflict("applied_key").ignore().returning("id");
  const row = rows[0] as { id: number } | number | undefined;
  if (row === undefined) return null;
  return typeof row === "object" ? row.id : row;
}

export async function finishAppliedMessage(trx: Knex.Transaction, id: number, changes: unknown, patientId: number, episodeId: number | null): Promise<void> {
  await trx("feed_messages").where({ id }).update({ changes: JSON.stringify(changes), patient_id: patientId, episode_id: episodeId });
}

export async function messageWithAppliedKey(conn: Conn, key: string): Promise<{ id: number; patientId?: number; episodeId?: number } | null> {
  const row = await conn("feed_messages").where({ applied_key: key }).first("id", "patient_id", "episode_id");
  return row ? { id: row.id as number, patientId: (row.patient_id as number) ?? undefined, episodeId: (row.episode_id as number) ?? undefined } : null;
}

/** The latest time of a location event (A01, A02) applied to the episode, or null. */
export async function lastLocationEventAt(conn: Conn, episodeId: number): Promise<string | null> {
  const row = await conn("feed_messages").where({ episode_id: episodeId, status: "applied" }).whereIn("event", ["A01", "A02"]).whereNull("cancelled_by_message_id").max({ at: "event_at" }).first();
  return row?.at ? toInstant(row.at) : null;
}

/** The latest applied, not cancelled, message of an event for an episode. */
export async function latestApplied(conn: Conn, episodeId: number, events: string[]): Promise<FeedMessage | null> {
  const row = await conn("feed_messages").where({ episode_id: episodeId, status: "applied" }).whereIn("event", events).whereNull("cancelled_by_message_id").orderBy("id", "desc").first();
  return row ? toFeedMessage(row) : null;
}

export async function markCancelled(trx: Knex.Transaction, id: number, byMessageId: number): Promise<void> {
  await trx("feed_messages").where({ id }).update({ cancelled_by_message_id: byMessageId });
}

function toFeedMessage(row: Row): FeedMessage {
  return {
    id: row.id as number,
    receivedAt: toInstant(row.received_at),
    controlId: (row.control_id as string) ?? null,
    sender: (row.sender as string) ?? null,
    event: (row.event as string) ?? null,
    eventAt: toInstantOrNull(row.event_at),
    status: row.status as FeedStatus,
    ackCode: row.ack_code as string,
    reason: (row.reason as string) ?? null,
    raw: row.raw as string,
    changes: row.changes ? (JSON.parse(row.changes as string) as unknown) : null,
    patientId: (row.patient_id as number) ?? null,
    episodeId: (row.episode_id as number) ?? null,
    cancelledByMessageId: (row.cancelled_by_message_id as number) ?? null,
  };
}

export async function findFeedMessage(db: Db, id: number): Promise<FeedMessage | null> {
  const row = await db("feed_messages").where({ id }).first();
  return row ? toFeedMessage(row) : null;
}

/** The newest messages, optionally of one status, with counts per status. */
export async function listFeedMessages(db: Db, options: { status?: FeedStatus; limit: number }): Promise<{ messages: FeedMessage[]; counts: Record<FeedStatus, number>; total: number }> {
  const rows: Row[] = await db("feed_messages")
    .modify((q) => (options.status ? q.where({ status: options.status }) : q))
    .orderBy("id", "desc")
    .limit(options.limit)
    .select("id", "received_at", "control_id", "sender", "event", "event_at", "status", "ack_code", "reason", db.raw("substr(raw, 1, 300) as raw"), "changes", "patient_id", "episode_id", "cancelled_by_message_id");
  const countRows: { status: FeedStatus; n: number | string }[] = await db("feed_messages").groupBy("status").select("status").count({ n: "*" });
  const counts = Object.fromEntries(FEED_STATUSES.map((s) => [s, 0])) as Record<FeedStatus, number>;
  for (const r of countRows) counts[r.status] = Number(r.n);
  return { messages: rows.map(toFeedMessage), counts, total: Object.values(counts).reduce((a, b) => a + b, 0) };
}

// ---------------------------------------------------------------- the PAS ward-code map

export interface WardCode {
  id: number;
  code: string;
  wardId: number;
  wardName: string;
}

/** A PAS ward code as stored and matched: trimmed, upper case. */
export function wardCodeKey(code: string): string {
  return code.trim().toUpperCase();
}

export async function listWardCodes(db: Conn): Promise<WardCode[]> {
  const rows: Row[] = await db("feed_ward_codes").join("wards", "wards.id", "feed_ward_codes.ward_id").orderBy("feed_ward_codes.code").select("feed_ward_codes.*", "wards.name as ward_name");
  return rows.map((r) => ({ id: r.id as number, code: r.code as string, wardId: r.ward_id as number, wardName: r.ward_name as string }));
}

export async function wardForCode(conn: Conn, code: string): Promise<{ id: number; name: string } | null> {
  const row = await conn("feed_ward_codes").join("wards", "wards.id", "feed_ward_codes.ward_id").where("feed_ward_codes.code", wardCodeKey(code)).first("wards.id", "wards.name");
  return row ? { id: row.id as number, name: row.name as string } : null;
}

/** Maps a PAS ward code to a ward (adding or changing the mapping), audited. */
export async function setWardCode(db: Db, actor: Actor, code: string, wardId: number, now: string): Promise<void> {
  const key = wardCodeKey(code);
  try {
    await db.transaction(async (trx) => {
      const ward = await trx("wards").where({ id: wardId }).first("id");
      if (!ward) throw new ValidationError([{ field: "wardId", message: "Choose a ward from the list" }]);
      const before = await trx("feed_ward_codes").where({ code: key }).first();
      if (before) {
        await trx("feed_ward_codes").where({ id: before.id }).update({ ward_id: wardId, updated_at: now });
      } else {
        await trx("feed_ward_codes").insert({ code: key, ward_id: wardId, created_at: now, updated_at: now });
      }
      const id = before ? (before.id as number) : ((await trx("feed_ward_codes").where({ code: key }).first("id")).id as number);
      await writeAudit(trx, { at: now, actor, patientId: null, entity: "feed-ward-code", entityId: id, action: before ? "remap" : "add", before: before ? { code: key, wardId: before.ward_id } : null, after: { code: key, wardId } });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError(`The ward code ${key} was added by someone else at the same moment: look at the list and try again`, "code");
    throw err;
  }
}
