/**
 * The outbox: every email is a row before it is sent. States:
 *   queued -> claimed (leased by one dispatcher) -> sending -> sent
 *   sending with an expired lease -> in-doubt (a crash between sending and recording: staff check)
 *   claimed with an expired lease -> queued (never handed to the transport, safe to send)
 *   a failed attempt -> queued again after a backoff, or failed after the last attempt
 */
import type { Knex } from "knex";
import type { Actor } from "../audit/audit.ts";
import { writeAudit } from "../audit/audit.ts";
import { type Db, isPostgres } from "../db/knex.ts";
import { toInstant, toInstantOrNull } from "../db/values.ts";
import type { OutboxMessage } from "./emails.ts";
import { describeNotifyError } from "./notify.ts";

type Conn = Db | Knex.Transaction;

export type OutboxStatus = "queued" | "claimed" | "sending" | "sent" | "failed" | "in-doubt";
/** What the provider (GOV.UK Notify) later reported about a sent message. */
export const DELIVERY_STATUSES = ["delivered", "permanent-failure", "temporary-failure", "technical-failure"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface OutboxRow extends OutboxMessage {
  id: number;
  channel: "email" | "sms";
  status: OutboxStatus;
  deliveryStatus: DeliveryStatus | null;
  deliveryStatusAt: string | null;
  deliveryDetail: string | null;
  attempts: number;
  nextAttemptAt: string;
  claimedBy: string | null;
  lastError: string | null;
  messageId: string | null;
  emlFile: string | null;
  sentAt: string | null;
  createdAt: string;
}

export function toOutboxRow(row: Record<string, unknown>): OutboxRow {
  return {
    id: row.id as number,
    key: row.key as string,
    reminderId: (row.reminder_id as number) ?? null,
    patientId: (row.patient_id as number) ?? null,
    episodeId: (row.episode_id as number) ?? null,
    kind: row.kind as string,
    recipient: row.recipient as string,
    channel: row.channel === "sms" ? "sms" : "email",
    subject: row.subject as string,
    text: row.body_text as string,
    html: (row.body_html as string) ?? null,
    headers: row.headers ? JSON.parse(row.headers as string) : null,
    attachments: row.attachments ? JSON.parse(row.attachments as string) : null,
    status: row.status as OutboxStatus,
    deliveryStatus: (row.delivery_status as DeliveryStatus) ?? null,
    deliveryStatusAt: toInstantOrNull(row.delivery_status_at),
    deliveryDetail: (row.delivery_detail as string) ?? null,
    attempts: Number(row.attempts),
    nextAttemptAt: toInstant(row.next_attempt_at),
    claimedBy: (row.claimed_by as string) ?? null,
    lastError: (row.last_error as string) ?? null,
    messageId: (row.message_id as string) ?? null,
    emlFile: (row.eml_file as string) ?? null,
    sentAt: toInstantOrNull(row.sent_at),
    createdAt: toInstant(row.created_at),
  };
}

function outboxColumns(m: OutboxMessage, nowIso: string) {
  return {
    key: m.key,
    reminder_id: m.reminderId,
    patient_id: m.patientId,
    episode_id: m.episodeId,
    kind: m.kind,
    recipient: m.recipient,
    channel: m.channel ?? "email",
    subject: m.subject,
    body_text: m.text,
    body_html: m.html,
    headers: m.headers ? JSON.stringify(m.headers) : null,
    attachments: m.attachments ? JSON.stringify(m.attachments) : null,
    status: "queued",
    attempts: 0,
    next_attempt_at: nowIso,
    created_at: nowIso,
    updated_at: nowIso,
  };
}

/** Adds a message unless one with its key exists. Returns the new row's id, or null if it was already there. */
export async function enqueue(trx: Conn, m: OutboxMessage, nowIso: string): Promise<number | null> {
  const rows = await trx("outbox").insert(outboxColumns(m, nowIso)).onConflict("key").ignore().returning("id");
  const first = rows[0] as { id: number } | number | undefined;
  return first === undefined ? null : typeof first === "number" ? first : first.id;
}

/** Adds many messages, skipping keys already there: a few statements instead of one per message. */
export async function enqueueMany(trx: Conn, messages: OutboxMessage[], nowIso: string): Promise<void> {
  // 50 rows of 17 columns stay well inside both databases' limits on bound parameters.
  for (let i = 0; i < messages.length; i += 50) {
    await trx("outbox").insert(messages.slice(i, i + 50).map((m) => outboxColumns(m, nowIso))).onConflict("key").ignore();
  }
}

/**
 * Leases up to `limit` queued messages to one dispatcher. PostgreSQL: row locks with SKIP LOCKED,
 * so concurrent dispatchers take different rows. SQLite: one writer at a time, and the
 * single UPDATE ... WHERE status = 'queued' is atomic.
 */
export async function claimBatch(db: Db, o: { instanceId: string; nowIso: string; leaseMs: number; limit: number }): Promise<OutboxRow[]> {
  const claim = { status: "claimed", claimed_by: o.instanceId, claimed_until: new Date(Date.parse(o.nowIso) + o.leaseMs).toISOString(), updated_at: o.nowIso };
  const candidates = (conn: Conn) => conn("outbox").select("id").where("status", "queued").andWhere("next_attempt_at", "<=", o.nowIso).orderBy("id").limit(o.limit);
  let rows: Record<string, unknown>[];
  if (isPostgres(db)) {
    // Lock the candidates first (a subquery inside the UPDATE may be re-run by the planner).
    rows = await db.transaction(async (trx) => {
      const ids = (await candidates(trx).forUpdate().skipLocked()).map((r: { id: number }) => r.id);
      return ids.length ? trx("outbox").whereIn("id", ids).andWhere("status", "queued").update(claim).returning("*") : [];
    });
  } else {
    rows = await db("outbox").whereIn("id", candidates(db)).andWhere("status", "queued").update(claim).returning("*");
  }
  return rows.map(toOutboxRow).sort((a, b) => a.id - b.id);
}

/** Just before handing a message to the transport. False if the lease was lost. */
export async function markSending(db: Conn, id: number, instanceId: string, nowIso: string, leaseMs: number): Promise<boolean> {
  const n = await db("outbox")
    .where({ id, status: "claimed", claimed_by: instanceId })
    .update({ status: "sending", attempts: db.raw("attempts + 1"), claimed_until: new Date(Date.parse(nowIso) + leaseMs).toISOString(), updated_at: nowIso });
  return n === 1;
}

/**
 * Records a delivered message. Its audit row against the patient is written by the database in
 * the same statement (trigger outbox_sent_audit, migration 006). With `next`, the next message of
 * the batch is marked sending only after this delivery is recorded: a crash between the two
 * leaves the next one merely claimed (sent later, once), never two messages in doubt.
 */
export async function markSent(
  db: Db,
  row: OutboxRow,
  instanceId: string,
  result: { messageId: string; emlFile: string | null },
  nowIso: string,
  next?: { id: number; leaseMs: number },
): Promise<{ recorded: boolean; nextStarted: boolean }> {
  const n = await db("outbox")
    .where({ id: row.id, status: "sending", claimed_by: instanceId })
    .update({ status: "sent", sent_at: nowIso, message_id: result.messageId, eml_file: result.emlFile, claimed_by: null, claimed_until: null, last_error: null, updated_at: nowIso });
  const nextStarted = next ? await markSending(db, next.id, instanceId, nowIso, next.leaseMs) : false;
  return { recorded: n === 1, nextStarted };
}

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 60_000 };

/** The wait before attempt n+1 after n failed attempts: base, 2 x base, 4 x base ... */
export function backoffMs(attempts: number, policy: RetryPolicy): number {
  return policy.baseDelayMs * 2 ** Math.max(0, attempts - 1);
}

/** A failed attempt: queued again after a backoff, or failed for good (shown to staff). */
export async function markAttemptFailed(db: Db, row: OutboxRow, instanceId: string, error: unknown, nowIso: string, policy: RetryPolicy, permanent: boolean): Promise<OutboxStatus> {
  const current = await db("outbox").where({ id: row.id }).first("attempts");
  const attempts = Number(current?.attempts ?? row.attempts + 1);
  const giveUp = permanent || attempts >= policy.maxAttempts;
  const status: OutboxStatus = giveUp ? "failed" : "queued";
  await db("outbox")
    .where({ id: row.id, status: "sending", claimed_by: instanceId })
    .update({
      status,
      next_attempt_at: new Date(Date.parse(nowIso) + (giveUp ? 0 : backoffMs(attempts, policy))).toISOString(),
      last_error: describeError(error).slice(0, 1000),
      claimed_by: null,
      claimed_until: null,
      updated_at: nowIso,
    });
  return status;
}

export function describeError(error: unknown): string {
  const notify = describeNotifyError(error);
  if (notify) return notify;
  if (error instanceof Error) {
    const code = (error as { responseCode?: number; code?: string }).responseCode ?? (error as { code?: string }).code;
    return code ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

/** Gives back the messages this dispatcher claimed but never started (graceful stop). */
/** A message marked sending that was never handed to the transport (the dispatcher is stopping) goes back to claimed. */
export async function unmarkSending(db: Db, id: number, instanceId: string, nowIso: string): Promise<void> {
  await db("outbox")
    .where({ id, status: "sending", claimed_by: instanceId })
    .update({ status: "claimed", attempts: db.raw("attempts - 1"), updated_at: nowIso });
}

export async function releaseClaims(db: Db, instanceId: string, nowIso: string): Promise<number> {
  return db("outbox").where({ status: "claimed", claimed_by: instanceId }).update({ status: "queued", claimed_by: null, claimed_until: null, updated_at: nowIso });
}

/**
 * After a crash: a claimed message whose lease ran out was never handed to the transport, so it
 * is queued again; one left "sending" may or may not have gone, so it is marked in-doubt for
 * staff to check, never silently resent.
 */
export async function recoverExpiredLeases(db: Db, nowIso: string): Promise<{ requeued: number; inDoubt: number }> {
  const requeued = await db("outbox").where("status", "claimed").andWhere("claimed_until", "<", nowIso)
    .update({ status: "queued", claimed_by: null, claimed_until: null, updated_at: nowIso });
  const inDoubt = await db("outbox").where("status", "sending").andWhere("claimed_until", "<", nowIso)
    .update({ status: "in-doubt", last_error: "The app stopped while this message was being sent: it may or may not have been delivered.", claimed_by: null, claimed_until: null, updated_at: nowIso });
  return { requeued, inDoubt };
}

/** Staff: send a failed or in-doubt message again (audited). */
export async function resend(db: Db, id: number, actor: Actor, nowIso: string): Promise<boolean> {
  return db.transaction(async (trx) => {
    const before = await trx("outbox").where({ id }).whereIn("status", ["failed", "in-doubt"]).first();
    if (!before) return false;
    await trx("outbox").where({ id }).update({ status: "queued", attempts: 0, next_attempt_at: nowIso, last_error: null, updated_at: nowIso });
    await writeAudit(trx, { at: nowIso, actor, patientId: before.patient_id ?? null, entity: "email", entityId: id, action: "resend", before: { status: before.status, lastError: before.last_error }, after: { status: "queued" } });
    return true;
  });
}

/** Staff: an in-doubt message was checked and had been delivered (audited). */
export async function confirmDelivered(db: Db, id: number, actor: Actor, nowIso: string): Promise<boolean> {
  return db.transaction(async (trx) => {
    const before = await trx("outbox").where({ id, status: "in-doubt" }).first();
    if (!before) return false;
    await trx("outbox").where({ id }).update({ status: "sent", sent_at: nowIso, last_error: "Confirmed delivered by staff", updated_at: nowIso });
    await writeAudit(trx, { at: nowIso, actor, patientId: before.patient_id ?? null, entity: "email", entityId: id, action: "confirm-delivered", before: { status: "in-doubt" }, after: { status: "sent" } });
    return true;
  });
}
