import { type Actor, writeAudit } from "../audit/audit.ts";
import type { Db } from "../db/knex.ts";
import { rederiveEpisodes } from "../patients/change.ts";
import { episodeIdsOfPatient } from "../patients/repository.ts";
import { MARKABLE_KINDS } from "./queries.ts";
import { closeStoppedChannel } from "./outbox.ts";

const PATIENT_LINK: Actor = { type: "system", id: null, name: "patient (unsubscribe link)" };
const PATIENT_TEXT_LINK: Actor = { type: "system", id: null, name: "patient (link in a text message)" };
export const PATIENT_STOP_REPLY: Actor = { type: "system", id: null, name: "patient (replied STOP to a text message)" };

/** A clinician marks an open reminder done (audited), and its episode re-derives. False when there is no such open reminder. */
export async function markReminderDone(db: Db, actor: Actor, reminderId: number, now: string): Promise<boolean> {
  return db.transaction(async (trx) => {
    const before = await trx("reminders").where({ id: reminderId, status: "scheduled" }).whereIn("kind", MARKABLE_KINDS).first();
    if (!before) return false;
    await trx("reminders").where({ id: reminderId }).update({ status: "done", done_at: now, done_by: actor.name, updated_at: now });
    await writeAudit(trx, { at: now, actor, patientId: before.patient_id, entity: "reminder", entityId: reminderId, action: "done", before: { status: "scheduled", kind: before.kind }, after: { status: "done" } });
    // What is derived from the record reads the check (the reports count the P4 review done): re-derive.
    await rederiveEpisodes(db, [before.episode_id as number], now, trx);
    return true;
  });
}

/**
 * The patient stops reminder emails from the link in one. Their episodes re-derive in the same
 * transaction, so the emails already scheduled for them are cancelled, not merely skipped later.
 */
export async function optOutOfEmails(db: Db, patientId: number, now: string): Promise<"stopped" | "already"> {
  return optOut(db, patientId, "email", now, PATIENT_LINK);
}

/** The patient stops reminder texts (the link in a text, or a STOP reply): as for emails. */
export async function optOutOfTexts(db: Db, patientId: number, now: string, actor: Actor = PATIENT_TEXT_LINK): Promise<"stopped" | "already"> {
  return optOut(db, patientId, "sms", now, actor);
}

async function optOut(db: Db, patientId: number, channel: "email" | "sms", now: string, actor: Actor): Promise<"stopped" | "already"> {
  const column = channel === "sms" ? "sms_opted_out_at" : "email_opted_out_at";
  const field = channel === "sms" ? "smsOptedOutAt" : "emailOptedOutAt";
  return db.transaction(async (trx) => {
    const n = await trx("patients").where({ id: patientId }).whereNull(column).update({ [column]: now, updated_at: now });
    if (n === 0) return "already";
    await writeAudit(trx, { at: now, actor, patientId, entity: "patient", entityId: patientId, action: `${channel}-opt-out`, before: { [field]: null }, after: { [field]: now } });
    await rederiveEpisodes(db, await episodeIdsOfPatient(trx, patientId), now, trx);
    await closeStoppedChannel(trx, patientId, channel, actor, now);
    return "stopped";
  });
}
