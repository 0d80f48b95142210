/**
 * One tick of the reminder scheduler (node-cron calls it every minute; tests call it directly with
 * their clock): fire due email reminders into the outbox, queue the 08:00 digests, then send what is
 * queued. Re-running a tick never duplicates: reminders and outbox rows have unique keys, and each
 * message is leased to one dispatcher before it is sent.
 */
import { createHash, randomBytes } from "node:crypto";
import os from "node:os";
import type Mail from "nodemailer/lib/mailer/index.js";
import type { Db } from "../db/knex.ts";
import { londonDate } from "../time.ts";
import { toInstantOrNull } from "../db/values.ts";
import { APPOINTMENT_NOTICE_MS, DAY_REMINDER_TIME, type ReminderKind, londonInstant } from "./derive.ts";
import { wardNameKey } from "../patients/model.ts";
import { type DigestItem, type EmailSettings, type OutboxMessage, type ReminderForEmail, digestEmail, wardAlert } from "./emails.ts";
import type { MailTransport, TextTransport } from "./mailer.ts";
import { type PatientContact, patientEmail, patientText } from "./messages.ts";
import { notifyErrorIsPermanent } from "./notify.ts";
import { forbiddenWordsIn } from "./words.ts";
import { digestUsefulUntil } from "./expiry.ts";
import { isInDoubt } from "./smtp-sender.ts";
import {
  DEFAULT_RETRY,
  type OutboxRow,
  type RetryPolicy,
  claimBatch,
  enqueue,
  enqueueMany,
  closeClaimedUnsent,
  markAttemptFailed,
  markInDoubt,
  markSending,
  markSent,
  sendChecks,
  unmarkSending,
  recoverExpiredLeases,
  releaseClaims,
} from "./outbox.ts";
import { rederiveEpisodes } from "../patients/change.ts";

export interface DispatcherOptions {
  db: Db;
  transport: MailTransport;
  /** Text messages (patients' mobiles). Without one, a text message fails and is listed for staff. */
  texts?: TextTransport;
  clock: () => Date;
  settings: EmailSettings & { from: string };
  instanceId?: string;
  /** How long a claim lasts before another dispatcher may recover it. */
  leaseMs?: number;
  batchSize?: number;
  retry?: RetryPolicy;
  /** For tests: runs after the transport accepted a message and before it is recorded as sent. */
  afterSend?: (row: OutboxRow) => void | Promise<void>;
  /** Re-derive episodes whose reminders fired (off in benchmarks that have no ward data). */
  refreshAfterFiring?: boolean;
}

export interface TickReport {
  fired: number;
  skipped: number;
  digests: number;
  sent: number;
  retrying: number;
  failed: number;
  requeued: number;
  inDoubt: number;
  /** Messages closed unsent because they were no longer useful. */
  expired: number;
}

/** Patients are not told about a flip-flow opening more than an hour late (e.g. after downtime). */
const PATIENT_LATE_LIMIT_MS = 3600_000;

export class Dispatcher {
  readonly instanceId: string;
  private stopping = false;
  private running: Promise<TickReport> | null = null;
  private readonly leaseMs: number;
  private readonly batchSize: number;
  private readonly retry: RetryPolicy;

  constructor(private readonly o: DispatcherOptions) {
    this.instanceId = o.instanceId ?? `${os.hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
    this.leaseMs = o.leaseMs ?? 5 * 60_000;
    this.batchSize = o.batchSize ?? 50;
    this.retry = o.retry ?? DEFAULT_RETRY;
  }

  private now(): string {
    return this.o.clock().toISOString();
  }

  /** One tick; a tick already running is joined rather than overlapped. */
  tick(): Promise<TickReport> {
    if (this.running) return this.running;
    this.running = this.runTick().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Stops after the message in hand; claimed messages not yet started go back to the queue. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.running?.catch(() => undefined);
    await releaseClaims(this.o.db, this.instanceId, this.now());
  }

  private async runTick(): Promise<TickReport> {
    const report: TickReport = { fired: 0, skipped: 0, digests: 0, sent: 0, retrying: 0, failed: 0, requeued: 0, inDoubt: 0, expired: 0 };
    const recovered = await recoverExpiredLeases(this.o.db, this.now());
    report.requeued = recovered.requeued;
    report.inDoubt = recovered.inDoubt;
    if (this.stopping) return report;
    await this.fireDueReminders(report);
    report.digests = await queueDigests(this.o.db, this.now(), this.o.settings);
    await this.dispatch(report);
    return report;
  }

  /** Due email and text reminders become outbox rows, in one transaction per batch. */
  private async fireDueReminders(report: TickReport): Promise<void> {
    const { db } = this.o;
    const touched = new Set<number>();
    for (;;) {
      const nowIso = this.now();
      const done = await db.transaction(async (trx) => {
        const rows = await trx("reminders as r")
          .join("episodes as e", "e.id", "r.episode_id")
          .join("patients as p", "p.id", "r.patient_id")
          // The episode's ward record; an episode linked to no ward, by the ward its text names.
          .leftJoin("wards as w", (j) => {
            j.on("w.id", "e.ward_id").orOn((o) => o.onNull("e.ward_id").andOn("w.name", "e.ward"));
          })
          .leftJoin("outpatient_appointments as a", "a.episode_id", "e.id")
          .where("r.status", "scheduled")
          .whereIn("r.channel", ["email", "sms"])
          .andWhere("r.due_at", "<=", nowIso)
          .orderBy("r.due_at")
          .limit(500)
          .select(
            "r.*", "e.ward as episode_ward", "e.bed as episode_bed", "e.hospital as episode_hospital", "a.clinic as appointment_clinic",
            "p.given_name", "p.email as patient_email", "p.email_consent", "p.email_opted_out_at", "p.mobile as patient_mobile", "p.sms_consent", "p.sms_opted_out_at",
            "w.email as ward_email", "w.phone as ward_phone",
          );
        if (rows.length === 0) return true;
        const clinics = await trx("clinics").whereNull("retired_at").select("name", "address", "phone");
        const messages: OutboxMessage[] = [];
        const firedIds: number[] = [];
        const skippedByReason = new Map<string, number[]>();
        for (const row of rows) {
          const r: ReminderForEmail = {
            id: row.id,
            key: row.key,
            kind: row.kind as ReminderKind,
            episodeId: row.episode_id,
            patientId: row.patient_id,
            dueAt: new Date(row.due_at).toISOString(),
            rules: JSON.parse(row.rules),
            reason: row.reason,
          };
          const message = buildMessage(r, row.channel === "sms" ? "sms" : "email", row, clinics, this.o.settings, nowIso);
          touched.add(r.episodeId);
          if ("skip" in message) {
            skippedByReason.set(message.skip, [...(skippedByReason.get(message.skip) ?? []), r.id]);
            continue;
          }
          messages.push(message);
          firedIds.push(r.id);
        }
        // A few statements per batch rather than several per reminder. A reminder's message carries
        // the reminder's key, so each reminder finds its outbox row by key.
        for (const [reason, ids] of skippedByReason) {
          await trx("reminders").whereIn("id", ids).update({ status: "skipped", status_reason: reason, updated_at: nowIso });
          report.skipped += ids.length;
        }
        await enqueueMany(trx, messages, nowIso);
        if (firedIds.length > 0) {
          await trx("reminders")
            .whereIn("id", firedIds)
            .update({ status: "fired", outbox_id: trx.raw("(select o.id from outbox o where o.key = reminders.key)"), updated_at: nowIso });
          report.fired += firedIds.length;
        }
        return rows.length < 500;
      });
      if (done) break;
    }
    if (this.o.refreshAfterFiring === false) return;
    for (const episodeId of touched) {
      try {
        await rederiveEpisodes(db, [episodeId], this.now());
      } catch (err) {
        console.error(`Reminders: could not re-derive episode ${episodeId}:`, err);
      }
    }
  }

  /** Hands one message to its channel's transport. */
  private send(row: OutboxRow) {
    if (row.channel === "sms") {
      if (!this.o.texts) throw Object.assign(new Error("No text message transport is configured"), { permanent: true });
      return this.o.texts.send({ to: row.recipient, body: row.text, reference: String(row.id) }, `${row.id}.sms.txt`);
    }
    return this.o.transport.send(toMail(row, this.o.settings.from), `${row.id}.eml`, String(row.id));
  }

  private async dispatch(report: TickReport): Promise<void> {
    const { db } = this.o;
    while (!this.stopping) {
      const batch = await claimBatch(db, { instanceId: this.instanceId, nowIso: this.now(), leaseMs: this.leaseMs, limit: this.batchSize });
      if (batch.length === 0) return;
      const reasonNotToSend = await sendChecks(db, batch);
      // A message is marked "sending" just before it goes to the transport; recording one as sent
      // marks the next as sending in the same transaction (nextStarted), so at most one is ever
      // in doubt after a crash.
      let nextStarted = false;
      for (const [i, row] of batch.entries()) {
        if (this.stopping) {
          if (nextStarted) await unmarkSending(db, row.id, this.instanceId, this.now());
          await releaseClaims(db, this.instanceId, this.now());
          return;
        }
        // Past its useful-until (e.g. the next flip-flow opening already due), or its patient stopped the channel: closed, never sent.
        const notToSend = reasonNotToSend(row, this.now());
        if (notToSend) {
          if (await closeClaimedUnsent(db, row, notToSend, this.instanceId, this.now())) report.expired++;
          nextStarted = false;
          continue;
        }
        const started = nextStarted || (await markSending(db, row.id, this.instanceId, this.now(), this.leaseMs));
        nextStarted = false;
        if (!started) continue;
        let result;
        try {
          refuseClinicalWords(row);
          result = await this.send(row);
        } catch (err) {
          // Lost after the body was sent: maybe delivered, so staff check it; never retried automatically.
          if (isInDoubt(err)) {
            if (await markInDoubt(db, row, this.instanceId, err, this.now())) report.inDoubt++;
            continue;
          }
          const permanent = isPermanent(err);
          const status = await markAttemptFailed(db, row, this.instanceId, err, this.now(), this.retry, permanent);
          if (status === "failed") report.failed++;
          else report.retrying++;
          continue;
        }
        if (this.o.afterSend) await this.o.afterSend(row);
        const next = this.stopping ? undefined : batch[i + 1];
        const outcome = await markSent(db, row, this.instanceId, result, this.now(), next && { id: next.id, leaseMs: this.leaseMs });
        if (outcome.recorded) report.sent++;
        nextStarted = outcome.nextStarted;
      }
    }
  }
}

/**
 * A failure that will not succeed on a retry: SMTP 5xx replies (mailbox unavailable, rejected),
 * Notify's 4xx answers, and messages refused before sending.
 */
function isPermanent(err: unknown): boolean {
  if ((err as { permanent?: boolean }).permanent === true) return true;
  const notify = notifyErrorIsPermanent(err);
  if (notify !== null) return notify;
  const code = (err as { responseCode?: number }).responseCode;
  return typeof code === "number" && code >= 500 && code < 600;
}

/**
 * The last check before a patient message leaves: a clinical word anywhere in it (subject, text,
 * HTML, attachment) and it is not sent, but listed with the words found for staff to see.
 */
function refuseClinicalWords(row: OutboxRow): void {
  if (row.patientId === null) return;
  const found = forbiddenWordsIn([row.subject, row.text, row.html ?? "", ...(row.attachments ?? []).map((a) => a.content)].join("\n"));
  if (found.length > 0) {
    throw Object.assign(new Error(`Not sent: a message to a patient may not contain clinical words (found: ${found.join(", ")})`), { permanent: true });
  }
}

/** An id for a message that says nothing about it (its key may name the kind of reminder). */
export function opaqueKey(key: string): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 32);
}

export function toMail(row: OutboxRow, from: string): Mail.Options {
  const hash = createHash("sha256").update(row.key).digest("hex").slice(0, 16);
  return {
    from,
    to: row.recipient,
    subject: row.subject,
    text: row.text,
    html: row.html ?? undefined,
    headers: { ...(row.headers ?? {}), "X-Outbox-Key": opaqueKey(row.key) },
    messageId: `<outbox-${row.id}-${hash}@reminders.local>`,
    attachments: row.attachments?.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
  };
}

type Joined = Record<string, unknown>;

type Clinic = { name: string; address: string | null; phone: string | null };
const NEUTRAL_PLACE = "the place named on your appointment letter";
const yes = (v: unknown) => v === true || v === 1;

/**
 * Where an appointment is and who to call: the clinic record whose name the appointment's clinic
 * matches (admins keep its address and number), else the clinic as typed (or the hospital) and
 * the ward's number.
 */
function patientContact(r: ReminderForEmail, row: Joined, clinics: Clinic[]): PatientContact {
  const wardPhone = (row.ward_phone as string | null) || null;
  const givenName = String(row.given_name ?? "");
  if (r.kind !== "outpatient-appointment-patient") return { givenName, phone: wardPhone ?? "", place: null };
  const typed = (row.appointment_clinic as string | null) ?? null;
  const clinic = typed ? clinics.find((c) => wardNameKey(c.name) === wardNameKey(typed)) : undefined;
  const named = clinic ? [clinic.name, clinic.address].filter(Boolean).join(", ") : typed ?? (row.episode_hospital as string | null);
  // A place named with a clinical word ("Spinal surgery outpatients") would stop the message at the last check: say it neutrally instead.
  const place = named && forbiddenWordsIn(named).length === 0 ? named : NEUTRAL_PLACE;
  return { givenName, phone: clinic?.phone || wardPhone || "", place };
}

function buildMessage(r: ReminderForEmail, channel: "email" | "sms", row: Joined, clinics: Clinic[], settings: EmailSettings, nowIso: string): OutboxMessage | { skip: string } {
  if (r.kind === "flipflow-opening-patient" || r.kind === "outpatient-appointment-patient") {
    if (channel === "sms") {
      if (!row.patient_mobile) return { skip: "The patient has no mobile number" };
      if (!yes(row.sms_consent)) return { skip: "The patient has not consented to reminder texts" };
      if (row.sms_opted_out_at) return { skip: "The patient has stopped reminder texts" };
    } else {
      if (!row.patient_email) return { skip: "The patient has no email address" };
      if (!yes(row.email_consent)) return { skip: "The patient has not consented to reminder emails" };
      if (row.email_opted_out_at) return { skip: "The patient has stopped reminder emails" };
    }
    if (r.kind === "flipflow-opening-patient" && Date.parse(nowIso) - Date.parse(r.dueAt) > PATIENT_LATE_LIMIT_MS) {
      return { skip: "Not sent: more than an hour late" };
    }
    const contact = patientContact(r, row, clinics);
    if (!contact.phone) return { skip: "No phone number to give the patient: add the ward's phone number (Admin, Wards) or the clinic's (Admin, Clinics)" };
    const appointmentAt = r.kind === "outpatient-appointment-patient" ? new Date(Date.parse(r.dueAt) + APPOINTMENT_NOTICE_MS).toISOString() : undefined;
    const message = channel === "sms"
      ? patientText(r, row.patient_mobile as string, contact, settings, appointmentAt)
      : patientEmail(r, row.patient_email as string, contact, settings, appointmentAt);
    // As derived (derive.ts): an opening reminder until the next opening is due, an appointment
    // reminder until the appointment.
    return { ...message, usefulUntil: toInstantOrNull(row.useful_until) ?? appointmentAt ?? null };
  }
  if (!row.ward_email) return { skip: "The ward has no email address" };
  // Ward alerts (no-void deadline passed, opening missed) do not expire: each asks the ward to
  // check a patient now, and a late alert still says what the ward has not yet done.
  return wardAlert(r, row.ward_email as string, { ward: row.episode_ward as string | null, bed: row.episode_bed as string | null }, settings);
}

/**
 * From 08:00 Europe/London each day, one digest per ward and per clinician of their overdue
 * items. The key holds the London date, so each goes once a day whatever the clock change.
 * A clinician's digest has the items of the episodes they are the responsible consultant for
 * (the episode's consultant_user_id, whatever the surgeon's name says). A ward gets its
 * inpatients' items (by the episode's ward_id; an episode linked to no ward by the ward name it
 * carries), never a discharged patient's: those are outpatient items (R1, P4, P5-P8, B6/X4) for
 * the responsible consultant, and on /due for everyone when no consultant is recorded.
 */
export async function queueDigests(db: Db, nowIso: string, settings: EmailSettings): Promise<number> {
  const today = londonDate(nowIso);
  if (Date.parse(nowIso) < Date.parse(londonInstant(today, DAY_REMINDER_TIME))) return 0;
  const rows = await db("reminders as r")
    .join("episodes as e", "e.id", "r.episode_id")
    .leftJoin("wards as w", "w.id", "e.ward_id")
    .where("r.status", "scheduled")
    .whereIn("r.audience", ["ward", "clinician", "gp"])
    .andWhere((q) => q.where("r.overdue_at", "<=", nowIso).orWhere((q2) => q2.whereNull("r.overdue_at").andWhere("r.due_at", "<=", nowIso)))
    .orderBy("r.due_at")
    .select("r.kind", "r.episode_id", "r.due_at", "r.rules", "r.audience", "e.ward", "e.ward_id", "w.name as ward_name", "e.bed", "e.consultant_user_id", "e.discharged_at");
  if (rows.length === 0) return 0;
  const items = rows.map((row) => ({
    item: { kind: row.kind, episodeId: row.episode_id, dueAt: new Date(row.due_at).toISOString(), rules: JSON.parse(row.rules), place: { ward: row.ward_name ?? row.ward, bed: row.bed } } as DigestItem,
    wardId: (row.ward_id as number | null) ?? null,
    wardText: row.ward as string | null,
    consultantId: (row.consultant_user_id as number | null) ?? null,
    audience: row.audience as string,
    inpatient: row.discharged_at === null,
  }));
  let queued = 0;
  // A digest is superseded by the next day's (digestUsefulUntil).
  const usefulUntil = digestUsefulUntil(today);
  await db.transaction(async (trx) => {
    const clinicians = await trx("users").where({ role: "clinician" }).whereNull("disabled_at").whereNotNull("email").select("id", "display_name", "email");
    for (const ward of await trx("wards").whereNotNull("email").select("id", "name", "email")) {
      const onWard = (i: (typeof items)[number]) => (i.wardId !== null ? i.wardId === ward.id : i.wardText === ward.name);
      const list = items.filter((i) => onWard(i) && i.inpatient).map((i) => i.item);
      if (list.length && (await enqueue(trx, { ...digestEmail(`digest:ward:${ward.id}:${today}`, ward.email, ward.name, today, list, settings), usefulUntil }, nowIso))) queued++;
    }
    for (const user of clinicians) {
      const list = items.filter((i) => i.audience !== "ward" && i.consultantId === user.id).map((i) => i.item);
      if (list.length && (await enqueue(trx, { ...digestEmail(`digest:clinician:${user.id}:${today}`, user.email, user.display_name, today, list, settings), usefulUntil }, nowIso))) queued++;
    }
  });
  return queued;
}
