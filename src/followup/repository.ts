import type { Knex } from "knex";
import type { Db } from "../db/knex.ts";
import { toBool, toInstant, toInstantOrNull } from "../db/values.ts";
import type { Appointment, FollowupDomain, FunctionFinding, Medication, OngoingIssue, Reassessment, Referral, Tick } from "./model.ts";

type Conn = Db | Knex.Transaction;
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
