import type { Knex } from "knex";
import type { Actor } from "../audit/audit.ts";
import { writeAudit } from "../audit/audit.ts";
import type { Db } from "../db/knex.ts";
import type { ChecklistItem } from "../pathway/index.ts";
import type { Episode } from "../patients/model.ts";
import { changeEpisode } from "../patients/change.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import { DOMAINS, type FollowupDomain, type MedicationInput, type ReassessmentInput } from "./model.ts";
import { appointmentFor, findMedication, issuesFor, latestTicks, toMedication } from "./repository.ts";

type Trx = Knex.Transaction;

/** Ticks (done = true) or un-ticks a checklist item. Each change is a new row, so un-ticking keeps the history. */
export async function setTick(db: Db, actor: Actor, episode: Episode, item: ChecklistItem, done: boolean, now: string): Promise<void> {
  await changeEpisode(db, actor, episode.id, now, async (trx) => {
    await recordTick(trx, actor, episode, item, done, now);
  });
}

async function recordTick(trx: Trx, actor: Actor, episode: Episode, item: Pick<ChecklistItem, "id" | "rule">, done: boolean, now: string): Promise<void> {
  const before = (await latestTicks(trx, episode.id)).get(item.id);
  if ((before?.done ?? false) === done) return; // already in that state: nothing to record
  const [row] = await trx("followup_ticks")
    .insert({ episode_id: episode.id, item_id: item.id, rule: item.rule, done, at: now, by_user_id: actor.id, by_name: actor.name })
    .returning("id");
  await writeAudit(trx, {
    at: now,
    actor,
    patientId: episode.patientId,
    entity: "followup-checklist",
    entityId: typeof row === "object" ? (row as { id: number }).id : (row as number),
    action: done ? "tick" : "untick",
    before: { item: item.id, rule: item.rule, done: before?.done ?? false },
    after: { item: item.id, rule: item.rule, done },
  });
}

/** Records whether a section has an ongoing issue, with free text. The previous answer stays in the audit trail. */
export async function setIssue(db: Db, actor: Actor, episode: Episode, domain: FollowupDomain, ongoing: boolean, details: string | null, now: string): Promise<void> {
  await changeEpisode(db, actor, episode.id, now, async (trx) => {
    await writeIssue(trx, actor, episode, domain, ongoing, details, now);
  });
}

async function writeIssue(trx: Trx, actor: Actor, episode: Episode, domain: FollowupDomain, ongoing: boolean, details: string | null, now: string): Promise<void> {
  const before = (await issuesFor(trx, episode.id)).get(domain) ?? null;
  const values = { ongoing, details, updated_at: now, updated_by: actor.name };
  let id: number;
  if (before) {
    const row = await trx("followup_issues").where({ episode_id: episode.id, domain }).first("id");
    id = row.id as number;
    await trx("followup_issues").where({ id }).update(values);
  } else {
    const [row] = await trx("followup_issues").insert({ episode_id: episode.id, domain, ...values }).returning("id");
    id = typeof row === "object" ? (row as { id: number }).id : (row as number);
  }
  await writeAudit(trx, {
    at: now,
    actor,
    patientId: episode.patientId,
    entity: "followup-issue",
    entityId: id,
    action: before ? "correct" : "record",
    before: before ? { section: domain, issue: DOMAINS[domain].issue, ongoing: before.ongoing, details: before.details } : null,
    after: { section: domain, issue: DOMAINS[domain].issue, ongoing, details },
  });
}

/** Records (or moves) the surgical outpatient appointment. */
export async function setAppointment(db: Db, actor: Actor, episode: Episode, at: string, clinic: string | null, now: string): Promise<void> {
  await changeEpisode(db, actor, episode.id, now, async (trx) => {
    const before = await appointmentFor(trx, episode.id);
    const values = { appointment_at: at, clinic, updated_at: now, updated_by: actor.name };
    if (before) await trx("outpatient_appointments").where({ episode_id: episode.id }).update(values);
    else await trx("outpatient_appointments").insert({ episode_id: episode.id, ...values });
    await writeAudit(trx, {
      at: now,
      actor,
      patientId: episode.patientId,
      entity: "outpatient-appointment",
      entityId: episode.id,
      action: before ? "move" : "book",
      before: before ? { appointmentAt: before.at, clinic: before.clinic } : null,
      after: { appointmentAt: at, clinic },
    });
  });
}

/**
 * Records the outpatient re-assessment (B6, X4). In the same transaction it records the bowel and
 * sexual findings as the sections' ongoing issues and ticks the B6 and X4 checklist items.
 */
export async function recordReassessment(db: Db, actor: Actor, episode: Episode, input: ReassessmentInput, now: string): Promise<number> {
  return changeEpisode(db, actor, episode.id, now, async (trx) => {
    const [row] = await trx("outpatient_reassessments")
      .insert({
        episode_id: episode.id,
        appointment_date: input.appointmentDate,
        bowel_reassessed: input.bowel !== "not-assessed",
        bowel_issue: input.bowel === "yes",
        sexual_reassessed: input.sexual !== "not-assessed",
        sexual_issue: input.sexual === "yes",
        outcome: input.outcome,
        referral: input.referral,
        recorded_at: now,
        recorded_by_id: actor.id,
        recorded_by: actor.name,
      })
      .returning("id");
    const id = typeof row === "object" ? (row as { id: number }).id : (row as number);
    await writeAudit(trx, { at: now, actor, patientId: episode.patientId, entity: "outpatient-reassessment", entityId: id, action: "record", before: null, after: input });
    const issues = await issuesFor(trx, episode.id);
    for (const [domain, finding, item] of [
      ["bowel", input.bowel, { id: "bowel-b6-outpatient-reassessment", rule: "B6" }],
      ["sexual", input.sexual, { id: "sexual-x4-outpatient-reassessment", rule: "X4" }],
    ] as const) {
      if (finding === "not-assessed") continue;
      await recordTick(trx, actor, episode, item, true, now);
      const previous = issues.get(domain);
      if (previous?.ongoing !== (finding === "yes")) {
        const details = finding === "yes" ? `Found at the outpatient re-assessment on ${input.appointmentDate}: ${input.outcome}` : previous?.details ?? null;
        await writeIssue(trx, actor, episode, domain, finding === "yes", details, now);
      }
    }
    return id;
  });
}

export async function addMedication(db: Db, actor: Actor, episode: Episode, input: MedicationInput, now: string): Promise<number> {
  return changeEpisode(db, actor, episode.id, now, async (trx) => {
    const [row] = await trx("medications")
      .insert({ episode_id: episode.id, name: input.name, dose: input.dose, started_on: input.startedOn, created_at: now, created_by: actor.name })
      .returning("*");
    const medication = toMedication(row);
    await writeAudit(trx, { at: now, actor, patientId: episode.patientId, entity: "medication", entityId: medication.id, action: "start", before: null, after: input });
    return medication.id;
  });
}

/** Stopping a medicine is a record on it (date and reason); nothing is deleted. */
export async function stopMedication(db: Db, actor: Actor, episode: Episode, medicationId: number, stoppedOn: string, reason: string | null, now: string): Promise<void> {
  await changeEpisode(db, actor, episode.id, now, async (trx) => {
    const before = await findMedication(trx, episode.id, medicationId);
    if (!before) throw new NotFoundError("Medicine");
    if (before.stoppedOn) throw new ConflictError(`${before.name} was already recorded as stopped`, "stoppedOn");
    await trx("medications").where({ id: medicationId }).update({ stopped_on: stoppedOn, stop_reason: reason, stopped_at: now, stopped_by: actor.name });
    await writeAudit(trx, {
      at: now,
      actor,
      patientId: episode.patientId,
      entity: "medication",
      entityId: medicationId,
      action: "stop",
      before: { name: before.name, stoppedOn: null },
      after: { name: before.name, stoppedOn, stopReason: reason },
    });
  });
}
