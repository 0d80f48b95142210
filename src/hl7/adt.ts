/**
 * What each ADT message does to the record. Every change goes through the one change path
 * (changeEpisode, or the patients service inside one transaction), with the feed as the audited
 * actor, so a fed change re-derives reminders exactly as a typed one. In the same transaction the
 * message is stored with its applied key (sender + MSH-10): a resent message finds it and changes
 * nothing; two copies at once wait for each other on the key's unique index.
 *
 * Outcomes: applied (AA), ignored (AA: nothing to do here, e.g. a patient not registered),
 * superseded (AA: older than what is applied), failed (AE: readable, not applicable) and
 * rejected (AR: unreadable).
 */
import type { Actor } from "../audit/audit.ts";
import type { Db } from "../db/knex.ts";
import { isPostgres } from "../db/knex.ts";
import { isValidNhsNumber } from "../pathway/index.ts";
import { changeEpisode, type ChangeContext, type Trx } from "../patients/change.ts";
import { CATHETER_NOT_RECORDED, type Discharge, type Episode, type Patient, type Sex } from "../patients/model.ts";
import { clearDischarge, episodesForPatient, findPatient, findPatientByNhsNumber, updateDischarge, updateEpisodeLocation } from "../patients/repository.ts";
import { correctPatientWithin, dischargeBeforeLastBladderRecord, mergePatientWithin } from "../patients/service.ts";
import { formatDateTime } from "../time.ts";
import { dischargeDestination } from "./destinations.ts";
import { type AckCode, ERROR_CODES, type ErrorCode, hl7Date, hl7Instant, type ReadMessage, repetitions, segment, value } from "./message.ts";
import { claimAppliedKey, type FeedMessageFields, type FeedStatus, finishAppliedMessage, lastLocationEventAt, latestApplied, markCancelled, messageWithAppliedKey, wardForCode } from "./store.ts";

/** Who the audit trail names for every change the feed makes. */
export const FEED_ACTOR: Actor = { type: "system", id: null, name: "hospital feed (HL7 v2 ADT)" };

/** A PAS clock a little ahead of ours is not a discharge "in the future". */
const CLOCK_SKEW_MS = 5 * 60_000;

export interface Outcome {
  status: FeedStatus;
  ack: AckCode;
  text: string;
  error?: ErrorCode;
  patientId?: number | null;
  episodeId?: number | null;
  changes?: unknown;
}

/** A message that is not applied: the transaction rolls back and the outcome is stored on its own. */
export class NotApplied extends Error {
  constructor(readonly outcome: Outcome) {
    super(outcome.text);
  }
}

const ignored = (text: string, ids: { patientId?: number; episodeId?: number } = {}): NotApplied => new NotApplied({ status: "ignored", ack: "AA", text, ...ids });
const failed = (text: string, error: ErrorCode, ids: { patientId?: number; episodeId?: number } = {}): NotApplied => new NotApplied({ status: "failed", ack: "AE", text, error, ...ids });

/** A message read far enough to act on: the header, when it happened and its applied key. */
export interface Received {
  message: ReadMessage;
  receivedAt: string;
  eventAt: string | null;
  appliedKey: string;
}

export function messageFields(r: Received, outcome: Pick<Outcome, "status" | "ack" | "text">): FeedMessageFields {
  return { receivedAt: r.receivedAt, controlId: r.message.controlId, sender: r.message.sender, event: r.message.event, eventAt: r.eventAt, status: outcome.status, ackCode: outcome.ack, reason: outcome.status === "applied" ? null : outcome.text, raw: r.message.text };
}

/** EVN-6 (when it happened), else EVN-2 (when recorded), else MSH-7. */
export function eventTime(message: ReadMessage): string | null {
  const evn = segment(message, "EVN");
  for (const text of [value(evn, 6), value(evn, 2), value(segment(message, "MSH"), 7)]) {
    const at = hl7Instant(text);
    if (at && at !== "invalid") return at;
  }
  return null;
}

export const HANDLED_EVENTS = ["A01", "A02", "A03", "A08", "A11", "A13", "A40"] as const;

/** Applies one readable ADT message; NotApplied for every other outcome. */
export async function applyAdt(db: Db, r: Received): Promise<Outcome> {
  const earlier = await messageWithAppliedKey(db, r.appliedKey);
  if (earlier !== null) throw ignored(`Resent: already applied as message ${earlier.id}; nothing changed`, { patientId: earlier.patientId, episodeId: earlier.episodeId });
  switch (r.message.event) {
    case "A01":
    case "A02":
      return moveToWard(db, r);
    case "A03":
      return discharge(db, r);
    case "A08":
      return updateDemographics(db, r);
    case "A11":
      return cancelAdmission(db, r);
    case "A13":
      return cancelDischarge(db, r);
    case "A40":
      return mergePatients(db, r);
    default:
      throw ignored(`ADT ${r.message.event || "(no event)"} is not used by this app: acknowledged, nothing changed`);
  }
}

// ---------------------------------------------------------------- finding the patient and episode

/** The NHS number in a patient identifier list (PID-3 or MRG-1): the repetition of identifier type NH. */
function nhsNumberIn(message: ReadMessage, segmentName: string, field: number): string {
  const seg = segment(message, segmentName);
  const where = `${segmentName}-${field}`;
  if (!seg) throw failed(`The message has no ${segmentName} segment`, ERROR_CODES.requiredFieldMissing);
  for (let rep = 1; rep <= repetitions(seg, field); rep++) {
    if (value(seg, field, 5, rep).toUpperCase() !== "NH") continue;
    const nhsNumber = value(seg, field, 1, rep).replace(/\s/g, "");
    if (!isValidNhsNumber(nhsNumber)) throw failed(`The NHS number in ${where} (${nhsNumber.slice(0, 20)}) is not valid`, ERROR_CODES.dataTypeError);
    return nhsNumber;
  }
  throw failed(`${where} has no NHS number (identifier type NH)`, ERROR_CODES.requiredFieldMissing);
}

/** The registered patient of an NHS number, following a merge to the surviving patient. */
async function registeredPatient(db: Db, nhsNumber: string): Promise<Patient> {
  const patient = await findPatientByNhsNumber(db, nhsNumber);
  if (!patient) throw ignored(`No patient with NHS number ${nhsNumber} is registered here; the feed never registers patients or episodes`);
  if (patient.mergedIntoPatientId) return (await findPatient(db, patient.mergedIntoPatientId))!;
  return patient;
}

async function openEpisode(db: Db, patient: Patient): Promise<Episode> {
  const open = (await episodesForPatient(db, patient.id)).find((e) => e.discharge === null);
  if (!open) throw ignored("The patient has no open CES episode (none registered, or every one discharged); the feed never creates an episode", { patientId: patient.id });
  return open;
}

/**
 * Runs a change to one episode on the change path, storing the message (with its applied key) in
 * the same transaction. `apply` answers what changed, or throws NotApplied to roll back.
 */
async function changeWithMessage(
  db: Db,
  r: Received,
  episode: Episode,
  apply: (trx: Trx, context: ChangeContext, messageId: number) => Promise<unknown>,
): Promise<Outcome> {
  const ids = { patientId: episode.patientId, episodeId: episode.id };
  return changeEpisode(db, FEED_ACTOR, episode.id, r.receivedAt, async (trx, context) => {
    const messageId = await claimAppliedKey(trx, { ...messageFields(r, { status: "applied", ack: "AA", text: "" }), ...ids, appliedKey: r.appliedKey });
    if (messageId === null) throw ignored("Resent: already applied by a copy that arrived at the same moment; nothing changed", ids);
    const changes = await apply(trx, context, messageId);
    await finishAppliedMessage(trx, messageId, changes, episode.patientId, episode.id);
    return { status: "applied", ack: "AA", text: "Applied", changes, ...ids } satisfies Outcome;
  });
}

// ---------------------------------------------------------------- A01 admit, A02 transfer

async function moveToWard(db: Db, r: Received): Promise<Outcome> {
  const patient = await registeredPatient(db, nhsNumberIn(r.message, "PID", 3));
  const episode = await openEpisode(db, patient);
  const ids = { patientId: patient.id, episodeId: episode.id };
  const pv1 = segment(r.message, "PV1");
  const code = value(pv1, 3, 1).trim();
  if (code === "") throw failed("PV1-3.1 (the ward code) is empty", ERROR_CODES.requiredFieldMissing, ids);
  const ward = await wardForCode(db, code);
  if (!ward) throw failed(`Unknown ward code ${code}: an admin maps PAS ward codes to wards at /admin/feed/ward-codes`, ERROR_CODES.tableValueNotFound, ids);
  const bed = value(pv1, 3, 3).trim().slice(0, 40) || null;
  return changeWithMessage(db, r, episode, async (trx, { episode: before, audit }) => {
    if (before.discharge) throw ignored("The episode was discharged meanwhile; the feed does not move a discharged patient", ids);
    const last = await lastLocationEventAt(trx, episode.id);
    if (last && r.eventAt && r.eventAt < last) {
      throw new NotApplied({ status: "superseded", ack: "AA", text: `Superseded: this ${r.message.event} happened at ${formatDateTime(r.eventAt)}, before the ward move already applied (${formatDateTime(last)}); the patient stays where they are`, ...ids });
    }
    const was = { wardId: before.wardId, ward: before.ward, bed: before.bed };
    const now = { wardId: ward.id, ward: ward.name, bed };
    if (JSON.stringify(was) === JSON.stringify(now)) return { before: was, after: now, unchanged: true };
    await updateEpisodeLocation(trx, episode.id, now, r.receivedAt);
    await audit({ entity: "episode", entityId: episode.id, action: r.message.event === "A01" ? "admit" : "transfer", before: was, after: now });
    return { before: was, after: now };
  });
}

// ---------------------------------------------------------------- A03 discharge

async function discharge(db: Db, r: Received): Promise<Outcome> {
  const patient = await registeredPatient(db, nhsNumberIn(r.message, "PID", 3));
  const episode = await openEpisode(db, patient);
  const ids = { patientId: patient.id, episodeId: episode.id };
  const pv1 = segment(r.message, "PV1");
  const dischargedAt = hl7Instant(value(pv1, 45)) ?? r.eventAt;
  if (dischargedAt === "invalid") throw failed(`PV1-45 (discharge time) "${value(pv1, 45).slice(0, 30)}" is not an HL7 time`, ERROR_CODES.dataTypeError, ids);
  if (dischargedAt === null) throw failed("PV1-45 (discharge time) is empty and the message has no event time", ERROR_CODES.requiredFieldMissing, ids);
  if (Date.parse(dischargedAt) < Date.parse(episode.anaesthesiaStartAt)) {
    throw failed(`Discharge before admission: the discharge time ${formatDateTime(dischargedAt)} is before the surgery (${formatDateTime(episode.anaesthesiaStartAt)})`, ERROR_CODES.dataTypeError, ids);
  }
  const admittedAt = hl7Instant(value(pv1, 44));
  if (admittedAt && admittedAt !== "invalid" && dischargedAt < admittedAt) {
    throw failed(`Discharge before admission: PV1-45 (${formatDateTime(dischargedAt)}) is before PV1-44 (${formatDateTime(admittedAt)})`, ERROR_CODES.dataTypeError, ids);
  }
  if (Date.parse(dischargedAt) > Date.parse(r.receivedAt) + CLOCK_SKEW_MS) throw failed(`The discharge time ${formatDateTime(dischargedAt)} is in the future`, ERROR_CODES.dataTypeError, ids);
  const record: Discharge = { dischargedAt, destination: dischargeDestination(value(pv1, 36, 1), value(pv1, 36, 2)), catheterStatus: CATHETER_NOT_RECORDED };
  return changeWithMessage(db, r, episode, async (trx, { episode: before, audit }) => {
    if (before.discharge) throw failed(`The episode was discharged meanwhile (${formatDateTime(before.discharge.dischargedAt)}): correct it on the episode's discharge page`, ERROR_CODES.internalError, ids);
    const tooEarly = await dischargeBeforeLastBladderRecord(trx, episode.id, dischargedAt);
    if (tooEarly) throw failed(tooEarly, ERROR_CODES.dataTypeError, ids);
    await updateDischarge(trx, episode.id, record, r.receivedAt);
    // The same audit entry as a typed discharge.
    await audit({ entity: "episode", entityId: episode.id, action: "discharge", before: null, after: record });
    return { before: null, after: record };
  });
}

// ---------------------------------------------------------------- A11 cancel admit, A13 cancel discharge

async function cancelAdmission(db: Db, r: Received): Promise<Outcome> {
  const patient = await registeredPatient(db, nhsNumberIn(r.message, "PID", 3));
  const episode = await openEpisode(db, patient);
  const ids = { patientId: patient.id, episodeId: episode.id };
  return changeWithMessage(db, r, episode, async (trx, { episode: before, audit }, messageId) => {
    const admission = await latestApplied(trx, episode.id, ["A01"]);
    if (!admission) throw ignored("No admission (A01) from the feed is applied to this episode: nothing to cancel", ids);
    type Location = { wardId: number | null; ward: string | null; bed: string | null };
    const set = admission.changes as { before: Location; after: Location };
    const was: Location = { wardId: before.wardId, ward: before.ward, bed: before.bed };
    // Only the admission's own ward and bed are taken back: a later transfer or a nurse's correction stays.
    if (was.wardId !== set.after.wardId || was.bed !== set.after.bed) {
      throw failed(`The ward or bed changed after the admission (message ${admission.id}): correct it on the episode page`, ERROR_CODES.internalError, ids);
    }
    await updateEpisodeLocation(trx, episode.id, set.before, r.receivedAt);
    await markCancelled(trx, admission.id, messageId);
    await audit({ entity: "episode", entityId: episode.id, action: "cancel-admission", before: was, after: { ...set.before, cancelledMessage: admission.id } });
    return { before: was, after: set.before, cancelledMessage: admission.id };
  });
}

async function cancelDischarge(db: Db, r: Received): Promise<Outcome> {
  const patient = await registeredPatient(db, nhsNumberIn(r.message, "PID", 3));
  const episodes = await episodesForPatient(db, patient.id); // newest first
  const latest = episodes[0];
  if (!latest || !latest.discharge) throw ignored("The patient's latest CES episode is not discharged: nothing to cancel", { patientId: patient.id });
  const ids = { patientId: patient.id, episodeId: latest.id };
  return changeWithMessage(db, r, latest, async (trx, { episode: before, audit }, messageId) => {
    if (!before.discharge) throw ignored("The discharge was cancelled meanwhile: nothing to cancel", ids);
    const fed = await latestApplied(trx, latest.id, ["A03"]);
    await clearDischarge(trx, latest.id, r.receivedAt);
    if (fed) await markCancelled(trx, fed.id, messageId);
    await audit({ entity: "episode", entityId: latest.id, action: "cancel-discharge", before: before.discharge, after: null });
    return { before: before.discharge, after: null, cancelledMessage: fed?.id ?? null };
  });
}

// ---------------------------------------------------------------- patient-level: A08, A40

/** HL7 table 0001 to the app's sexes; O (other) and N (not applicable) have no match and leave it as it is. */
const SEX_CODES: Record<string, Sex> = { F: "female", M: "male", U: "not-known", A: "indeterminate" };

/** One transaction for a change to a patient: the patient row locked (PostgreSQL), the message stored with its key. */
async function changePatientWithMessage(db: Db, r: Received, patientIds: number[], apply: (trx: Trx) => Promise<{ changes: unknown; patientId: number }>): Promise<Outcome> {
  return db.transaction(async (trx) => {
    if (isPostgres(db)) await trx("patients").whereIn("id", patientIds).orderBy("id").forUpdate().select("id");
    const messageId = await claimAppliedKey(trx, { ...messageFields(r, { status: "applied", ack: "AA", text: "" }), patientId: patientIds[0], appliedKey: r.appliedKey });
    if (messageId === null) throw ignored("Resent: already applied by a copy that arrived at the same moment; nothing changed", { patientId: patientIds[0] });
    const { changes, patientId } = await apply(trx);
    await finishAppliedMessage(trx, messageId, changes, patientId, null);
    return { status: "applied", ack: "AA", text: "Applied", changes, patientId } satisfies Outcome;
  });
}

async function updateDemographics(db: Db, r: Received): Promise<Outcome> {
  const patient = await registeredPatient(db, nhsNumberIn(r.message, "PID", 3));
  const ids = { patientId: patient.id };
  const pid = segment(r.message, "PID");
  const familyName = value(pid, 5, 1).trim() || patient.familyName;
  const givenName = value(pid, 5, 2).trim() || patient.givenName;
  if (familyName.length > 100 || givenName.length > 100) throw failed("PID-5 (name) is longer than 100 characters", ERROR_CODES.dataTypeError, ids);
  const birth = hl7Date(value(pid, 7));
  if (birth === "invalid") throw failed(`PID-7 (date of birth) "${value(pid, 7).slice(0, 20)}" is not an HL7 date`, ERROR_CODES.dataTypeError, ids);
  if (birth && birth > r.receivedAt.slice(0, 10)) throw failed("PID-7 (date of birth) is in the future", ERROR_CODES.dataTypeError, ids);
  const sex = SEX_CODES[value(pid, 8).toUpperCase()] ?? patient.sex;
  // Email, consent and GP are the app's own: a PAS update never overwrites them.
  const input = { nhsNumber: patient.nhsNumber, familyName, givenName, dateOfBirth: birth ?? patient.dateOfBirth, sex, email: patient.email, emailConsent: patient.emailConsent, gp: patient.gp };
  const before = { familyName: patient.familyName, givenName: patient.givenName, dateOfBirth: patient.dateOfBirth, sex: patient.sex };
  const after = { familyName, givenName, dateOfBirth: input.dateOfBirth, sex };
  if (JSON.stringify(before) === JSON.stringify(after)) throw ignored("The demographics sent are those already recorded: nothing changed", ids);
  return changePatientWithMessage(db, r, [patient.id], async (trx) => {
    await correctPatientWithin(db, trx, FEED_ACTOR, patient.id, input, r.receivedAt);
    return { changes: { before, after }, patientId: patient.id };
  });
}

async function mergePatients(db: Db, r: Received): Promise<Outcome> {
  const survivorNhs = nhsNumberIn(r.message, "PID", 3);
  const mergedNhs = nhsNumberIn(r.message, "MRG", 1);
  if (survivorNhs === mergedNhs) throw failed("PID-3 and MRG-1 carry the same NHS number: nothing to merge", ERROR_CODES.dataTypeError);
  const merged = await findPatientByNhsNumber(db, mergedNhs);
  if (!merged) throw ignored(`No patient with NHS number ${mergedNhs} (MRG-1) is registered here: nothing to merge`);
  const survivor = await findPatientByNhsNumber(db, survivorNhs);
  if (!survivor) throw ignored(`The surviving patient (NHS number ${survivorNhs}) is not registered here; the feed never registers patients. Merge by hand if needed`, { patientId: merged.id });
  if (merged.mergedIntoPatientId === survivor.id) throw ignored("Already merged: nothing changed", { patientId: survivor.id });
  if (merged.mergedIntoPatientId || survivor.mergedIntoPatientId) throw failed("One of the two patients was already merged into a third: review by hand", ERROR_CODES.internalError, { patientId: survivor.id });
  return changePatientWithMessage(db, r, [survivor.id, merged.id], async (trx) => {
    const now = await trx("patients").whereIn("id", [merged.id, survivor.id]).whereNotNull("merged_into_patient_id").first("id");
    if (now) throw ignored("One of the two patients was merged meanwhile: nothing changed", { patientId: survivor.id });
    const moved = await mergePatientWithin(db, trx, FEED_ACTOR, merged.id, survivor.id, r.receivedAt);
    return { changes: { mergedPatient: { id: merged.id, nhsNumber: mergedNhs }, survivingPatient: { id: survivor.id, nhsNumber: survivorNhs }, episodesMoved: moved }, patientId: survivor.id };
  });
}
