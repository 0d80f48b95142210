import type { Actor } from "../audit/audit.ts";
import type { Db } from "../db/knex.ts";
import type { ChecklistItem } from "../pathway/index.ts";
import type { Episode } from "../patients/model.ts";
import { changeEpisode, type ChangeContext, type Trx } from "../patients/change.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import { DOMAINS, type FollowupDomain, type MedicationInput, type ReassessmentInput } from "./model.ts";
import {
  appointmentFor,
  findMedication,
  insertAppointment,
  insertIssue,
  insertMedication,
  insertReassessment,
  insertTick,
  issuesFor,
  latestTicks,
  markMedicationStopped,
  updateAppointment,
  updateIssue,
} from "./repository.ts";

/** Ticks (done = true) or un-ticks a checklist item. Each change is a new row, so un-ticking keeps the history. */
export async function setTick(db: Db, actor: Actor, episode: Episode, item: ChecklistItem, done: boolean, now: string): Promise<void> {
  await setTicks(db, actor, episode, [{ item, done }], now);
}

/** Several ticks and un-ticks in one change to the episode: each is its own row and audit row. */
export async function setTicks(db: Db, actor: Actor, episode: Episode, changes: { item: ChecklistItem; done: boolean }[], now: string): Promise<void> {
  await changeEpisode(db, actor, episode.id, now, async (trx, context) => {
    for (const { item, done } of changes) await recordTick(trx, context, item, done);
  });
}

async function recordTick(trx: Trx, { episode, actor, now, audit }: ChangeContext, item: Pick<ChecklistItem, "id" | "rule">, done: boolean): Promise<void> {
  const before = (await latestTicks(trx, episode.id)).get(item.id);
  if ((before?.done ?? false) === done) return; // already in that state: nothing to record
  const id = await insertTick(trx, episode.id, { itemId: item.id, rule: item.rule, done, at: now, byUserId: actor.id, byName: actor.name });
  await audit({
    entity: "followup-checklist",
    entityId: id,
    action: done ? "tick" : "untick",
    before: { item: item.id, rule: item.rule, done: before?.done ?? false },
    after: { item: item.id, rule: item.rule, done },
  });
}

/** Records whether a section has an ongoing issue, with free text. The previous answer stays in the audit trail. */
export async function setIssue(db: Db, actor: Actor, episode: Episode, domain: FollowupDomain, ongoing: boolean, details: string | null, now: string): Promise<void> {
  await changeEpisode(db, actor, episode.id, now, async (trx, context) => {
    await writeIssue(trx, context, domain, ongoing, details);
  });
}

async function writeIssue(trx: Trx, { episode, actor, now, audit }: ChangeContext, domain: FollowupDomain, ongoing: boolean, details: string | null): Promise<void> {
  const before = (await issuesFor(trx, episode.id)).get(domain) ?? null;
  const values = { ongoing, details, updatedAt: now, updatedBy: actor.name };
  const id = before ? await updateIssue(trx, episode.id, domain, values) : await insertIssue(trx, episode.id, domain, values);
  await audit({
    entity: "followup-issue",
    entityId: id,
    action: before ? "correct" : "record",
    before: before ? { section: domain, issue: DOMAINS[domain].issue, ongoing: before.ongoing, details: before.details } : null,
    after: { section: domain, issue: DOMAINS[domain].issue, ongoing, details },
  });
}

/** Records (or moves) the surgical outpatient appointment. */
export async function setAppointment(db: Db, actor: Actor, episode: Episode, at: string, clinic: string | null, now: string): Promise<void> {
  await changeEpisode(db, actor, episode.id, now, async (trx, { audit }) => {
    const before = await appointmentFor(trx, episode.id);
    const values = { at, clinic, updatedAt: now, updatedBy: actor.name };
    if (before) await updateAppointment(trx, episode.id, values);
    else await insertAppointment(trx, episode.id, values);
    await audit({
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
  return changeEpisode(db, actor, episode.id, now, async (trx, context) => {
    const id = await insertReassessment(trx, episode.id, { ...input, recordedAt: now, recordedById: actor.id, recordedBy: actor.name });
    await context.audit({ entity: "outpatient-reassessment", entityId: id, action: "record", before: null, after: input });
    const issues = await issuesFor(trx, episode.id);
    for (const [domain, finding, item] of [
      ["bowel", input.bowel, { id: "bowel-b6-outpatient-reassessment", rule: "B6" }],
      ["sexual", input.sexual, { id: "sexual-x4-outpatient-reassessment", rule: "X4" }],
    ] as const) {
      if (finding === "not-assessed") continue;
      await recordTick(trx, context, item, true);
      const previous = issues.get(domain);
      if (previous?.ongoing !== (finding === "yes")) {
        const details = finding === "yes" ? `Found at the outpatient re-assessment on ${input.appointmentDate}: ${input.outcome}` : previous?.details ?? null;
        await writeIssue(trx, context, domain, finding === "yes", details);
      }
    }
    return id;
  });
}

export async function addMedication(db: Db, actor: Actor, episode: Episode, input: MedicationInput, now: string): Promise<number> {
  return changeEpisode(db, actor, episode.id, now, async (trx, { audit }) => {
    const medication = await insertMedication(trx, episode.id, { name: input.name, dose: input.dose, startedOn: input.startedOn, createdAt: now, createdBy: actor.name });
    await audit({ entity: "medication", entityId: medication.id, action: "start", before: null, after: input });
    return medication.id;
  });
}

/** Stopping a medicine is a record on it (date and reason); nothing is deleted. */
export async function stopMedication(db: Db, actor: Actor, episode: Episode, medicationId: number, stoppedOn: string, reason: string | null, now: string): Promise<void> {
  await changeEpisode(db, actor, episode.id, now, async (trx, { audit }) => {
    const before = await findMedication(trx, episode.id, medicationId);
    if (!before) throw new NotFoundError("Medicine");
    if (before.stoppedOn) throw new ConflictError(`${before.name} was already recorded as stopped`, "stoppedOn");
    await markMedicationStopped(trx, medicationId, { stoppedOn, stopReason: reason, stoppedAt: now, stoppedBy: actor.name });
    await audit({
      entity: "medication",
      entityId: medicationId,
      action: "stop",
      before: { name: before.name, stoppedOn: null },
      after: { name: before.name, stoppedOn, stopReason: reason },
    });
  });
}
