import type { Actor } from "../audit/audit.ts";
import { writeAudit } from "../audit/audit.ts";
import type { Db } from "../db/knex.ts";
import { ConflictError, NotFoundError, ValidationError } from "../errors.ts";
import { formatDateTime } from "../time.ts";
import { changeEpisode, createEpisode, rederiveEpisodes, type Trx } from "./change.ts";
import type { Discharge, Episode, EpisodeInput, Patient, PatientInput } from "./model.ts";
import { episodeIdsOfPatient, findPatient, insertEpisode, insertPatient, lastBladderRecordAt, nhsNumberTaken, updateDischarge, updateEpisode, updatePatient } from "./repository.ts";

/** Registers a patient, with its audit row, in one transaction. 409 when the NHS number is already registered. */
export async function registerPatient(db: Db, actor: Actor, input: PatientInput, now: string): Promise<Patient> {
  return db.transaction(async (trx) => {
    if (await nhsNumberTaken(trx, input.nhsNumber)) throw new ConflictError("A patient with this NHS number is already registered", "nhsNumber");
    const patient = await insertPatient(trx, input, now);
    await writeAudit(trx, { at: now, actor, patientId: patient.id, entity: "patient", entityId: patient.id, action: "register", before: null, after: input });
    return patient;
  });
}

/** Corrects a patient's details. The previous values stay in the audit history. */
export async function correctPatient(db: Db, actor: Actor, id: number, input: PatientInput, now: string): Promise<Patient> {
  return db.transaction((trx) => correctPatientWithin(db, trx, actor, id, input, now));
}

/** correctPatient inside a transaction the caller holds (the hospital feed stores its message in it too). */
export async function correctPatientWithin(db: Db, trx: Trx, actor: Actor, id: number, input: PatientInput, now: string): Promise<Patient> {
  const before = await findPatient(trx, id);
  if (!before) throw new NotFoundError("Patient");
  if (await nhsNumberTaken(trx, input.nhsNumber, id)) throw new ConflictError("Another patient already has this NHS number", "nhsNumber");
  const patient = await updatePatient(trx, id, input, now);
  await writeAudit(trx, { at: now, actor, patientId: id, entity: "patient", entityId: id, action: "correct", before: inputOf(before), after: input });
  // Email, mobile and consents decide which reminders the patient gets, so each episode re-derives.
  await rederiveEpisodes(db, await episodeIdsOfPatient(trx, id), now, trx);
  return patient;
}

/**
 * Merges one patient's record into another's (the PAS found them to be one person, HL7 A40):
 * the episodes move to the surviving patient, the merged patient is marked as merged (never
 * deleted; its details and history stay), and the moved episodes re-derive their reminders with
 * the surviving patient's email and consent. The survivor's details are not changed. Answers the
 * ids of the episodes moved.
 */
export async function mergePatientWithin(db: Db, trx: Trx, actor: Actor, mergedId: number, survivorId: number, now: string): Promise<number[]> {
  const moved = await episodeIdsOfPatient(trx, mergedId);
  for (const episodeId of moved) {
    await writeAudit(trx, { at: now, actor, patientId: survivorId, entity: "episode", entityId: episodeId, action: "move-on-merge", before: { patientId: mergedId }, after: { patientId: survivorId } });
  }
  await trx("episodes").where({ patient_id: mergedId }).update({ patient_id: survivorId, updated_at: now });
  // Reminders not yet sent follow their episode to the surviving patient; sent ones stay as history.
  await trx("reminders").where({ patient_id: mergedId, status: "scheduled" }).update({ patient_id: survivorId });
  await trx("patients").where({ id: mergedId }).update({ merged_into_patient_id: survivorId, merged_at: now, updated_at: now });
  await writeAudit(trx, { at: now, actor, patientId: mergedId, entity: "patient", entityId: mergedId, action: "merge", before: { mergedIntoPatientId: null }, after: { mergedIntoPatientId: survivorId, episodesMoved: moved } });
  await writeAudit(trx, { at: now, actor, patientId: survivorId, entity: "patient", entityId: survivorId, action: "merge-in", before: null, after: { mergedPatientId: mergedId, episodesMoved: moved } });
  await rederiveEpisodes(db, moved, now, trx);
  return moved;
}

/** Registers an episode; with a `clientKey` (an API caller's clientId) at most one per patient and key (a unique index). */
export async function registerEpisode(db: Db, actor: Actor, patientId: number, input: EpisodeInput, now: string, clientKey: string | null = null): Promise<Episode> {
  return createEpisode(db, now, async (trx) => {
    if (!(await findPatient(trx, patientId))) throw new NotFoundError("Patient");
    const episode = await insertEpisode(trx, patientId, input, now, clientKey);
    await writeAudit(trx, { at: now, actor, patientId, entity: "episode", entityId: episode.id, action: "register", before: null, after: input });
    return episode;
  });
}

export async function correctEpisode(db: Db, actor: Actor, id: number, input: EpisodeInput, now: string): Promise<Episode> {
  return changeEpisode(db, actor, id, now, async (trx, { episode: before, audit }) => {
    if (before.discharge && Date.parse(input.anaesthesiaStartAt) > Date.parse(before.discharge.dischargedAt)) {
      throw new ValidationError([{ field: "anaesthesiaStartAt", message: `Start of anaesthesia must be before the discharge recorded at ${formatDateTime(before.discharge.dischargedAt)}` }]);
    }
    const episode = await updateEpisode(trx, id, input, now);
    await audit({ entity: "episode", entityId: id, action: "correct", before: episodeInputOf(before), after: input });
    return episode;
  });
}

/** What recordDischarge may be asked besides the discharge. */
export interface DischargeOptions {
  /**
   * Only a first discharge: when the episode is already discharged, the same discharge again stores
   * nothing (`repeated`), a different one is a ConflictError. Decided with the episode locked, so of
   * two first discharges sent at once, one is recorded and the other sees it.
   */
  onlyIfNotDischarged: true;
}

/** Records (or corrects) the discharge that ends the inpatient part of an episode. */
export async function recordDischarge(db: Db, actor: Actor, id: number, discharge: Discharge, now: string): Promise<Episode>;
/** Records a first discharge (see DischargeOptions); `repeated` when this discharge was already recorded. */
export async function recordDischarge(db: Db, actor: Actor, id: number, discharge: Discharge, now: string, options: DischargeOptions): Promise<{ episode: Episode; repeated: boolean }>;
export async function recordDischarge(db: Db, actor: Actor, id: number, discharge: Discharge, now: string, options?: DischargeOptions): Promise<Episode | { episode: Episode; repeated: boolean }> {
  const result = await changeEpisode(db, actor, id, now, async (trx, { episode: before, audit }) => {
    if (options?.onlyIfNotDischarged && before.discharge) {
      if (sameDischarge(before.discharge, discharge)) return { episode: before, repeated: true };
      throw new ConflictError(
        `This episode's discharge is already recorded (${before.discharge.dischargedAt}, ${before.discharge.destination}): correct it on the episode's discharge page`,
        "dischargedAt",
      );
    }
    const tooEarly = await dischargeBeforeLastBladderRecord(trx, id, discharge.dischargedAt);
    if (tooEarly) throw new ValidationError([{ field: "dischargedAt", message: tooEarly }]);
    const episode = await updateDischarge(trx, id, discharge, now);
    await audit({ entity: "episode", entityId: id, action: before.discharge ? "correct-discharge" : "discharge", before: before.discharge, after: discharge });
    return { episode, repeated: false };
  });
  return options ? result : result.episode;
}

/**
 * Why a discharge at `dischargedAt` would contradict the bladder record (it is dated before the
 * latest current bladder record), or null. Read with the episode locked, so a bladder record
 * arriving at the same moment cannot slip in between; the typed form, the API and the hospital
 * feed all ask this.
 */
export async function dischargeBeforeLastBladderRecord(trx: Trx, episodeId: number, dischargedAt: string): Promise<string | null> {
  const last = await lastBladderRecordAt(trx, episodeId);
  if (last === null || Date.parse(dischargedAt) >= Date.parse(last)) return null;
  if (formatDateTime(dischargedAt) === formatDateTime(last)) {
    // A typed time has no seconds: the record was taken later in the same minute.
    return `The discharge time (${formatDateTime(dischargedAt)}) is in the same minute as the last bladder record, which was taken ${Math.round((Date.parse(last) - Date.parse(dischargedAt)) / 1000)} seconds later: enter the next minute or later`;
  }
  return `The discharge time (${formatDateTime(dischargedAt)}) is before the last bladder record (${formatDateTime(last)}): enter the time the patient left, or correct that record first`;
}

/** The same discharge: the same instant (whatever its offset), destination and catheter status. */
function sameDischarge(a: Discharge, b: Discharge): boolean {
  return Date.parse(a.dischargedAt) === Date.parse(b.dischargedAt) && a.destination === b.destination && a.catheterStatus === b.catheterStatus;
}

function inputOf(p: Patient): PatientInput {
  return { nhsNumber: p.nhsNumber, familyName: p.familyName, givenName: p.givenName, dateOfBirth: p.dateOfBirth, sex: p.sex, email: p.email, emailConsent: p.emailConsent, mobile: p.mobile, smsConsent: p.smsConsent, gp: p.gp };
}

function episodeInputOf(e: Episode): EpisodeInput {
  const { id: _id, patientId: _p, discharge: _d, createdAt: _c, updatedAt: _u, ...input } = e;
  return input;
}
