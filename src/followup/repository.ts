import type { Knex } from "knex";
import { toBool, toInstant, toInstantOrNull } from "../db/values.ts";
import type { Appointment, FollowupDomain, FunctionFinding, Medication, MedicationInput, OngoingIssue, Reassessment, ReassessmentInput, Referral, Tick } from "./model.ts";

export type Conn = Knex | Knex.Transaction;
type Row = Record<string, unknown>;

const dateOf = (v: unknown): string => String(v).slice(0, 10);
const dateOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : dateOf(v));

/** The latest tick or un-tick of each checklist item of an episode (the full history stays in the table). */
export async function latestTicks(db: Conn, episodeId: number): Promise<Map<string, Tick>> {
  const rows: Row[] = await db("followup_ticks").where({ episode_id: episodeId }).orderBy("id", "asc");
  const latest = new Map<string, Tick>();
  for (const row of rows) {
    latest.set(row.item_id as string, {
      itemId: row.item_id as string,
      rule: row.rule as string,
      done: toBool(row.done),
      at: toInstant(row.at),
      by: row.by_name as string,
    });
  }
  return latest;
}

export async function issuesFor(db: Conn, episodeId: number): Promise<Map<FollowupDomain, OngoingIssue>> {
  const rows: Row[] = await db("followup_issues").where({ episode_id: episodeId });
  return new Map(rows.map((row) => [row.domain as FollowupDomain, toIssue(row)]));
}

export function toIssue(row: Row): OngoingIssue {
  return {
    domain: row.domain as FollowupDomain,
    ongoing: toBool(row.ongoing),
    details: (row.details as string) ?? null,
    updatedAt: toInstant(row.updated_at),
    updatedBy: row.updated_by as string,
  };
}

export async function appointmentFor(db: Conn, episodeId: number): Promise<Appointment | null> {
  const row = await db("outpatient_appointments").where({ episode_id: episodeId }).first();
  return row
    ? { at: toInstant(row.appointment_at), clinic: row.clinic ?? null, updatedAt: toInstant(row.updated_at), updatedBy: row.updated_by }
    : null;
}

/** Re-assessments, newest first. */
export async function reassessmentsFor(db: Conn, episodeId: number): Promise<Reassessment[]> {
  const rows: Row[] = await db("outpatient_reassessments").where({ episode_id: episodeId }).orderBy("id", "desc");
  const finding = (reassessed: unknown, issue: unknown): FunctionFinding => (!toBool(reassessed) ? "not-assessed" : toBool(issue) ? "yes" : "no");
  return rows.map((row) => ({
    id: row.id as number,
    appointmentDate: dateOf(row.appointment_date),
    bowel: finding(row.bowel_reassessed, row.bowel_issue),
    sexual: finding(row.sexual_reassessed, row.sexual_issue),
    outcome: row.outcome as string,
    referral: row.referral as Referral,
    recordedAt: toInstant(row.recorded_at),
    recordedBy: row.recorded_by as string,
  }));
}

export function toMedication(row: Row): Medication {
  return {
    id: row.id as number,
    name: row.name as string,
    dose: (row.dose as string) ?? null,
    startedOn: dateOf(row.started_on),
    stoppedOn: dateOrNull(row.stopped_on),
    stopReason: (row.stop_reason as string) ?? null,
    createdAt: toInstant(row.created_at),
    createdBy: row.created_by as string,
    stoppedAt: toInstantOrNull(row.stopped_at),
    stoppedBy: (row.stopped_by as string) ?? null,
  };
}

/** Every medicine recorded for the episode, current and stopped, in the order recorded. */
export async function medicationsFor(db: Conn, episodeId: number): Promise<Medication[]> {
  return (await db("medications").where({ episode_id: episodeId }).orderBy("id", "asc")).map(toMedication);
}

export async function findMedication(db: Conn, episodeId: number, id: number): Promise<Medication | null> {
  const row = await db("medications").where({ episode_id: episodeId, id }).first();
  return row ? toMedication(row) : null;
}

/** The first sent version of an episode's letters of a kind: when it was sent and by whom. */
export async function firstSentLetter(db: Conn, episodeId: number, kind: string): Promise<{ letterId: number; sentAt: string; sentBy: string } | null> {
  const row = await db("letter_versions")
    .join("letters", "letters.id", "letter_versions.letter_id")
    .where({ "letters.episode_id": episodeId, "letters.kind": kind, "letter_versions.status": "sent" })
    .orderBy("letter_versions.sent_at", "asc")
    .first("letters.id as letter_id", "letter_versions.sent_at", "letter_versions.sent_by");
  return row ? { letterId: row.letter_id as number, sentAt: toInstant(row.sent_at), sentBy: row.sent_by as string } : null;
}

// ---------------------------------------------------------------- writes (inside the episode's change)

const idOf = (row: unknown): number => (typeof row === "object" && row !== null ? (row as { id: number }).id : (row as number));

/** Appends a tick or un-tick of a checklist item (the history is never rewritten). */
export async function insertTick(conn: Conn, episodeId: number, t: { itemId: string; rule: string; done: boolean; at: string; byUserId: number | null; byName: string }): Promise<number> {
  const [row] = await conn("followup_ticks")
    .insert({ episode_id: episodeId, item_id: t.itemId, rule: t.rule, done: t.done, at: t.at, by_user_id: t.byUserId, by_name: t.byName })
    .returning("id");
  return idOf(row);
}

interface IssueValues {
  ongoing: boolean;
  details: string | null;
  updatedAt: string;
  updatedBy: string;
}

const issueColumns = (v: IssueValues) => ({ ongoing: v.ongoing, details: v.details, updated_at: v.updatedAt, updated_by: v.updatedBy });

/** Stores the first answer for a section of an episode. */
export async function insertIssue(conn: Conn, episodeId: number, domain: FollowupDomain, v: IssueValues): Promise<number> {
  const [row] = await conn("followup_issues").insert({ episode_id: episodeId, domain, ...issueColumns(v) }).returning("id");
  return idOf(row);
}

/** Replaces the stored answer for a section of an episode (one row per section); returns that row's id. */
export async function updateIssue(conn: Conn, episodeId: number, domain: FollowupDomain, v: IssueValues): Promise<number> {
  const row = (await conn("followup_issues").where({ episode_id: episodeId, domain }).first("id")) as { id: number };
  await conn("followup_issues").where({ id: row.id }).update(issueColumns(v));
  return row.id;
}

interface AppointmentValues {
  at: string;
  clinic: string | null;
  updatedAt: string;
  updatedBy: string;
}

const appointmentColumns = (a: AppointmentValues) => ({ appointment_at: a.at, clinic: a.clinic, updated_at: a.updatedAt, updated_by: a.updatedBy });

export async function insertAppointment(conn: Conn, episodeId: number, a: AppointmentValues): Promise<void> {
  await conn("outpatient_appointments").insert({ episode_id: episodeId, ...appointmentColumns(a) });
}

/** Moves the episode's appointment (one row per episode). */
export async function updateAppointment(conn: Conn, episodeId: number, a: AppointmentValues): Promise<void> {
  await conn("outpatient_appointments").where({ episode_id: episodeId }).update(appointmentColumns(a));
}

export async function insertReassessment(conn: Conn, episodeId: number, r: ReassessmentInput & { recordedAt: string; recordedById: number | null; recordedBy: string }): Promise<number> {
  const [row] = await conn("outpatient_reassessments")
    .insert({
      episode_id: episodeId,
      appointment_date: r.appointmentDate,
      bowel_reassessed: r.bowel !== "not-assessed",
      bowel_issue: r.bowel === "yes",
      sexual_reassessed: r.sexual !== "not-assessed",
      sexual_issue: r.sexual === "yes",
      outcome: r.outcome,
      referral: r.referral,
      recorded_at: r.recordedAt,
      recorded_by_id: r.recordedById,
      recorded_by: r.recordedBy,
    })
    .returning("id");
  return idOf(row);
}

export async function insertMedication(conn: Conn, episodeId: number, m: MedicationInput & { createdAt: string; createdBy: string }): Promise<Medication> {
  const [row] = await conn("medications")
    .insert({ episode_id: episodeId, name: m.name, dose: m.dose, started_on: m.startedOn, created_at: m.createdAt, created_by: m.createdBy })
    .returning("*");
  return toMedication(row);
}

/** Records on a medicine that it was stopped (the row stays). */
export async function markMedicationStopped(conn: Conn, id: number, s: { stoppedOn: string; stopReason: string | null; stoppedAt: string; stoppedBy: string }): Promise<void> {
  await conn("medications").where({ id }).update({ stopped_on: s.stoppedOn, stop_reason: s.stopReason, stopped_at: s.stoppedAt, stopped_by: s.stoppedBy });
}
