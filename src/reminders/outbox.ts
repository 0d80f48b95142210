/**
 * The outbox: every email is a row before it is sent. States:
 *   queued -> claimed (leased by one dispatcher) -> sending -> sent
 *   sending with an expired lease -> in-doubt (a crash between sending and recording: staff check)
 *   claimed with an expired lease -> queued (never handed to the transport, safe to send)
 *   a failed attempt -> queued again after a backoff, or failed after the last attempt
 *   the connection lost after the message body was sent, before the server's answer -> in-doubt
 *   at or past its useful-until (e.g. the next flip-flow opening already due), or its patient
 *   stopped its channel -> expired (closed unsent, with the reason), never sent
 */
import type { Knex } from "knex";
import type { Actor } from "../audit/audit.ts";
import { writeAudit } from "../audit/audit.ts";
import { type Db, isPostgres } from "../db/knex.ts";
import { toBool, toInstant, toInstantOrNull } from "../db/values.ts";
import { formatDateTime } from "../time.ts";
import type { OutboxMessage } from "./emails.ts";
import { describeNotifyError } from "./notify.ts";
import { expiryReason, pastUseful } from "./expiry.ts";

type Conn = Db | Knex.Transaction;

export type OutboxStatus = "queued" | "claimed" | "sending" | "sent" | "failed" | "in-doubt" | "expired";
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
  /** Why an expired message was not sent (staff only, never in a patient message). */
  expiredReason: string | null;
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
    usefulUntil: toInstantOrNull(row.useful_until),
    expiredReason: (row.expired_reason as string) ?? null,
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
    useful_until: m.usefulUntil ?? null,
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
  // 50 rows of 18 columns stay well inside both databases' limits on bound parameters.
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
  /** The longest wait between two attempts (none: the wait keeps doubling). */
  maxDelayMs?: number;
}

/**
 * Waits of 1, 2, 4, 8 and 16 minutes, then every 30 minutes: 17 attempts span just over 6 hours
 * (retrySpanMs), so a mail outage of a few hours delays a message rather than failing it. A
 * message stops being retried sooner when it stops being useful (it is then expired, not sent).
 */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 17, baseDelayMs: 60_000, maxDelayMs: 30 * 60_000 };

/** The wait before attempt n+1 after n failed attempts: base, 2 x base, 4 x base ..., at most maxDelayMs. */
export function backoffMs(attempts: number, policy: RetryPolicy): number {
  return Math.min(policy.baseDelayMs * 2 ** Math.max(0, attempts - 1), policy.maxDelayMs ?? Infinity);
}

/** From the first attempt to the last: the sum of the waits between them. */
export function retrySpanMs(policy: RetryPolicy): number {
  let total = 0;
  for (let n = 1; n < policy.maxAttempts; n++) total += backoffMs(n, policy);
  return total;
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

/** The dispatcher, as named in the audit rows it writes (and the trigger of migration 006). */
export const DISPATCHER_ACTOR: Actor = { type: "system", id: null, name: "reminder dispatcher" };

/**
 * The connection to the mail server was lost (or timed out) after the message body was sent and
 * before the server's answer: it may have been delivered. Marked in-doubt for staff (audited),
 * never retried automatically.
 */
export async function markInDoubt(db: Db, row: OutboxRow, instanceId: string, error: unknown, nowIso: string): Promise<boolean> {
  const lastError = `The connection to the mail server was lost after the message was sent and before the server confirmed it: it may or may not have been delivered (${describeError(error)})`.slice(0, 1000);
  return db.transaction(async (trx) => {
    const n = await trx("outbox")
      .where({ id: row.id, status: "sending", claimed_by: instanceId })
      .update({ status: "in-doubt", last_error: lastError, claimed_by: null, claimed_until: null, updated_at: nowIso });
    if (n !== 1) return false;
    await writeAudit(trx, { at: nowIso, actor: DISPATCHER_ACTOR, patientId: row.patientId, entity: "email", entityId: row.id, action: "in-doubt", before: { status: "sending" }, after: { status: "in-doubt", lastError } });
    return true;
  });
}

type RawRow = Record<string, unknown> & { id: number; status: string; kind: string; patient_id: number | null; channel: unknown; useful_until: unknown };

/** A patient's reminder channels as the patients table holds them now. */
interface PatientChannels {
  email_consent: unknown;
  email_opted_out_at: unknown;
  sms_consent: unknown;
  sms_opted_out_at: unknown;
}
const CHANNEL_COLUMNS = ["email_consent", "email_opted_out_at", "sms_consent", "sms_opted_out_at"] as const;

/** Why a message on `channel` must not go to a patient with these channels: stopped, or consent no longer recorded; null when it may. */
function stoppedReason(p: PatientChannels, channel: unknown): string | null {
  const texts = channel === "sms";
  const stoppedAt = texts ? p.sms_opted_out_at : p.email_opted_out_at;
  const what = texts ? "reminder texts" : "reminder emails";
  if (stoppedAt) return `Not sent: the patient stopped ${what} on ${formatDateTime(toInstant(stoppedAt))}`;
  if (!toBool(texts ? p.sms_consent : p.email_consent)) return `Not sent: the patient's consent to ${what} is no longer recorded`;
  return null;
}

/**
 * Why a patient's message must not be sent now, or null: the patient has stopped that channel
 * (their link, a STOP reply) or their consent to it is no longer recorded.
 */
async function patientStoppedChannel(conn: Conn, before: Pick<RawRow, "patient_id" | "channel">): Promise<string | null> {
  if (before.patient_id === null || before.patient_id === undefined) return null;
  const p: PatientChannels | undefined = await conn("patients").where({ id: before.patient_id }).first(...CHANNEL_COLUMNS);
  return p ? stoppedReason(p, before.channel) : null;
}

/** Why a message is not to be sent now (staff-only words), or null: past its useful-until, or its patient stopped its channel. */
async function reasonNotToSend(conn: Conn, before: RawRow, nowIso: string): Promise<string | null> {
  const usefulUntil = toInstantOrNull(before.useful_until);
  if (pastUseful(usefulUntil, nowIso)) return expiryReason(before.kind, usefulUntil!);
  return patientStoppedChannel(conn, before);
}

/** Closes one message unsent ("expired") with its reason and an audit row. False if its status had changed. */
async function closeUnsent(trx: Knex.Transaction, before: RawRow, reason: string, actor: Actor, nowIso: string, claimedBy: string | null): Promise<boolean> {
  const q = trx("outbox").where({ id: before.id, status: before.status });
  if (claimedBy) q.andWhere({ claimed_by: claimedBy });
  const n = await q.update({ status: "expired", expired_reason: reason, claimed_by: null, claimed_until: null, updated_at: nowIso });
  if (n !== 1) return false;
  await writeAudit(trx, { at: nowIso, actor, patientId: before.patient_id ?? null, entity: "email", entityId: before.id, action: "expired", before: { status: before.status, usefulUntil: toInstantOrNull(before.useful_until) }, after: { status: "expired", reason } });
  return true;
}

/**
 * What the dispatcher checks before each send of a claimed batch: the patients' channels are read
 * once for the batch (a read per message would cost as much as the send), and each message is
 * checked at its moment of sending against its useful-until and its patient's channel. A stop
 * committed after the read closes the claimed rows itself (closeStoppedChannel), so markSending
 * then finds them gone.
 */
export async function sendChecks(db: Db, batch: OutboxRow[]): Promise<(row: OutboxRow, nowIso: string) => string | null> {
  const ids = [...new Set(batch.map((r) => r.patientId).filter((id): id is number => id !== null))];
  const rows: (PatientChannels & { id: number })[] = ids.length ? await db("patients").whereIn("id", ids).select("id", ...CHANNEL_COLUMNS) : [];
  const channels = new Map(rows.map((p) => [p.id, p]));
  return (row, nowIso) => {
    if (pastUseful(row.usefulUntil, nowIso)) return expiryReason(row.kind, row.usefulUntil!);
    const p = row.patientId === null ? undefined : channels.get(row.patientId);
    return p ? stoppedReason(p, row.channel) : null;
  };
}

/** Closes a message this dispatcher has claimed (or is about to send) unsent, with the reason sendChecks gave (audited). True when closed. */
export async function closeClaimedUnsent(db: Db, row: OutboxRow, reason: string, instanceId: string, nowIso: string): Promise<boolean> {
  return db.transaction(async (trx) => {
    const before = await trx("outbox").where({ id: row.id, claimed_by: instanceId }).whereIn("status", ["claimed", "sending"]).first();
    return before ? closeUnsent(trx, before, reason, DISPATCHER_ACTOR, nowIso, instanceId) : false;
  });
}

/**
 * The patient stopped a channel: their messages on it not yet sent (queued, claimed, failed, in
 * doubt) are closed unsent, in the stop's transaction, so no retry or resend can send them later.
 */
export async function closeStoppedChannel(trx: Knex.Transaction, patientId: number, channel: "email" | "sms", actor: Actor, nowIso: string): Promise<number> {
  let closed = 0;
  for (const before of await trx("outbox").where({ patient_id: patientId, channel }).whereIn("status", ["queued", "claimed", "failed", "in-doubt"]).orderBy("id")) {
    const reason = await patientStoppedChannel(trx, before);
    if (reason && (await closeUnsent(trx, before, reason, actor, nowIso, null))) closed++;
  }
  return closed;
}

export type ResendOutcome = "queued" | "expired";

/** One failed or in-doubt message: closed unsent if no longer to be sent (past its useful-until, its patient stopped), else queued again (audited either way). */
async function resendRow(trx: Knex.Transaction, before: RawRow, actor: Actor, nowIso: string): Promise<ResendOutcome | null> {
  const reason = await reasonNotToSend(trx, before, nowIso);
  if (reason) return (await closeUnsent(trx, before, reason, actor, nowIso, null)) ? "expired" : null;
  const n = await trx("outbox").where({ id: before.id, status: before.status }).update({ status: "queued", attempts: 0, next_attempt_at: nowIso, last_error: null, updated_at: nowIso });
  if (n !== 1) return null;
  await writeAudit(trx, { at: nowIso, actor, patientId: before.patient_id ?? null, entity: "email", entityId: before.id, action: "resend", before: { status: before.status, lastError: before.last_error }, after: { status: "queued" } });
  return "queued";
}

/**
 * Staff: send a failed or in-doubt message again (audited). One past its useful-until, or whose
 * patient has stopped its channel, is closed unsent with the reason instead. Null when there is no such message.
 */
export async function resend(db: Db, id: number, actor: Actor, nowIso: string): Promise<ResendOutcome | null> {
  return db.transaction(async (trx) => {
    const before = await trx("outbox").where({ id }).whereIn("status", ["failed", "in-doubt"]).first();
    return before ? resendRow(trx, before, actor, nowIso) : null;
  });
}

/**
 * Staff: send every failed message again in one go; those no longer to be sent are closed unsent
 * instead. One audit row per message. In-doubt messages are left alone: each may already have
 * arrived, so staff check them one by one.
 */
export async function resendAllFailed(db: Db, actor: Actor, nowIso: string): Promise<{ resent: number; expired: number }> {
  return db.transaction(async (trx) => {
    const counts = { resent: 0, expired: 0 };
    for (const before of await trx("outbox").where({ status: "failed" }).orderBy("id")) {
      const outcome = await resendRow(trx, before, actor, nowIso);
      if (outcome === "queued") counts.resent++;
      else if (outcome === "expired") counts.expired++;
    }
    return counts;
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
