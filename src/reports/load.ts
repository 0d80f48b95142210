/**
 * What the reports classify: episodes (those whose surgery, the start of anaesthesia, falls in a
 * period, or given ones) with the parts of their record the figures need, in one query per table
 * (each filtered by the episodes asked for, so the cost follows them, not the whole history).
 */
import type { Knex } from "knex";
import { type Db, readAll } from "../db/knex.ts";
import { toBool, toInstant, toInstantOrNull } from "../db/values.ts";
import { FOLLOWUP_DOMAINS, type FollowupDomain } from "../followup/model.ts";
import type { Episode } from "../patients/model.ts";
import { toEpisode } from "../patients/repository.ts";
import type { FlipFlowScheduleRow, StoredEvent, WardEvent } from "../ward/model.ts";
import { toSchedule, toStoredEvent } from "../ward/repository.ts";
import { toWardEvents } from "../ward/state.ts";
import type { Period } from "./period.ts";

type Row = Record<string, unknown>;

export interface ReportPatient {
  nhsNumber: string;
  familyName: string;
  givenName: string;
  dateOfBirth: string;
  sex: string;
}

/** One episode's record as the reports read it. All instants UTC ISO. */
export interface EpisodeRecord {
  episode: Episode;
  patient: ReportPatient;
  /** The ward record's current name (null when the episode points to none). */
  wardName: string | null;
  events: WardEvent[];
  schedules: FlipFlowScheduleRow[];
  /** The failed-TWOC checklist ticks (U5, U7, U8), oldest first: the latest of each is its state. */
  actions: { action: string; done: boolean; recordedAt: string }[];
  ongoing: Partial<Record<FollowupDomain, boolean>>;
  appointmentAt: string | null;
  reassessments: { bowelReassessed: boolean; sexualReassessed: boolean; recordedAt: string }[];
  /** The first version of each letter kind marked sent. */
  sciReferralSentAt: string | null;
  gpLetterSentAt: string | null;
  /**
   * When R1 first applied with no referral sent: the earliest due time of the "SCI referral
   * outstanding" reminders (discharge, or when ongoing symptoms were recorded if later), not when
   * a reminder row was written, so a record keyed in late does not look prompt.
   */
  sciOutstandingSince: string | null;
  /** The clinician's P4 check (the GP drug review reminder) marked done, when. */
  gpReviewCheckedAt: string | null;
  /** The earliest event recorded ahead of `now` (left out of `events` until it is due). */
  laterEventAt?: string | null;
}

/** The patient's fields a report shows, from a row joined with the patient (nhs_number, family_name, ...). */
export function toReportPatient(row: Row): ReportPatient {
  return {
    nhsNumber: row.nhs_number as string,
    familyName: row.family_name as string,
    givenName: row.given_name as string,
    dateOfBirth: typeof row.date_of_birth === "string" ? row.date_of_birth.slice(0, 10) : toInstant(row.date_of_birth).slice(0, 10),
    sex: row.sex as string,
  };
}

export const episodeIdsIn = (db: Db, period: Period) =>
  db("episodes").select("id").where("anaesthesia_start_at", ">=", period.startUtc).andWhere("anaesthesia_start_at", "<", period.endUtc);

/** The period's episodes in hospital, ward and surgery order, each with its record. `now` drops events recorded ahead of it. */
export function loadPeriod(db: Db, period: Period, now: string): Promise<EpisodeRecord[]> {
  return loadEpisodes(db, () => episodeIdsIn(db, period), now);
}

/** Given episodes (ids, or a query of ids) in hospital, ward and surgery order, each with its record, as loadPeriod. */
export async function loadEpisodes(db: Db, episodeIds: number[] | (() => Knex.QueryBuilder), now: string): Promise<EpisodeRecord[]> {
  const ids = typeof episodeIds === "function" ? episodeIds : () => episodeIds;
  const [episodeRows, eventRows, scheduleRows, actionRows, issueRows, appointmentRows, reassessmentRows, letterRows, reminderRows] = await readAll(
    db as Knex,
    () =>
      db("episodes as e")
        .join("patients as p", "p.id", "e.patient_id")
        .leftJoin("wards as w", "w.id", "e.ward_id")
        .whereIn("e.id", ids())
        .orderBy([{ column: "e.hospital" }, { column: "w.name" }, { column: "e.anaesthesia_start_at" }, { column: "e.id" }])
        .select("e.*", "w.name as ward_name", "p.nhs_number", "p.family_name", "p.given_name", "p.date_of_birth", "p.sex") as Promise<Row[]>,
    () => activeEventsOf(db, ids()),
    () => db("flip_flow_schedules").whereIn("episode_id", ids()).orderBy("id") as Promise<Row[]>,
    () => db("twoc_actions").whereIn("episode_id", ids()).orderBy("id").select("episode_id", "action", "done", "recorded_at") as Promise<Row[]>,
    () => db("followup_issues").whereIn("episode_id", ids()).select("episode_id", "domain", "ongoing") as Promise<Row[]>,
    () => db("outpatient_appointments").whereIn("episode_id", ids()).select("episode_id", "appointment_at") as Promise<Row[]>,
    () => db("outpatient_reassessments").whereIn("episode_id", ids()).orderBy("id").select("episode_id", "bowel_reassessed", "sexual_reassessed", "recorded_at") as Promise<Row[]>,
    () =>
      db("letter_versions as v")
        .join("letters as l", "l.id", "v.letter_id")
        .whereIn("l.episode_id", ids())
        .andWhere("v.status", "sent")
        .groupBy("l.episode_id", "l.kind")
        .select("l.episode_id", "l.kind", db.raw("min(v.sent_at) as sent_at")) as Promise<Row[]>,
    () =>
      db("reminders")
        .whereIn("episode_id", ids())
        .whereIn("kind", ["gp-drug-review", "sci-referral-outstanding"])
        .orderBy("id")
        .select("episode_id", "kind", "status", "due_at", "done_at") as Promise<Row[]>,
  );

  const records = new Map<number, EpisodeRecord>();
  for (const row of episodeRows) {
    records.set(row.id as number, {
      episode: toEpisode(row),
      patient: toReportPatient(row),
      wardName: (row.ward_name as string) ?? null,
      events: [],
      schedules: [],
      actions: [],
      ongoing: {},
      appointmentAt: null,
      reassessments: [],
      sciReferralSentAt: null,
      gpLetterSentAt: null,
      sciOutstandingSince: null,
      gpReviewCheckedAt: null,
      laterEventAt: null,
    });
  }
  const of = (row: Row) => records.get(row.episode_id as number);

  const nowMs = Date.parse(now);
  const eventsByEpisode = new Map<number, typeof eventRows>();
  for (const e of eventRows) {
    if (Date.parse(e.at) > nowMs) {
      const record = records.get(e.episodeId);
      if (record && (!record.laterEventAt || Date.parse(e.at) < Date.parse(record.laterEventAt))) record.laterEventAt = e.at;
      continue;
    }
    const list = eventsByEpisode.get(e.episodeId) ?? [];
    list.push(e);
    eventsByEpisode.set(e.episodeId, list);
  }
  for (const [id, list] of eventsByEpisode) {
    const record = records.get(id);
    if (record) record.events = toWardEvents(list);
  }
  for (const row of scheduleRows) of(row)?.schedules.push(toSchedule(row));
  for (const row of actionRows) of(row)?.actions.push({ action: row.action as string, done: toBool(row.done), recordedAt: toInstant(row.recorded_at) });
  for (const row of issueRows) {
    const record = of(row);
    const domain = row.domain as FollowupDomain;
    if (record && FOLLOWUP_DOMAINS.includes(domain)) record.ongoing[domain] = toBool(row.ongoing);
  }
  for (const row of appointmentRows) {
    const record = of(row);
    if (record) record.appointmentAt = toInstant(row.appointment_at);
  }
  for (const row of reassessmentRows) {
    of(row)?.reassessments.push({ bowelReassessed: toBool(row.bowel_reassessed), sexualReassessed: toBool(row.sexual_reassessed), recordedAt: toInstant(row.recorded_at) });
  }
  for (const row of letterRows) {
    const record = of(row);
    if (!record) continue;
    if (row.kind === "sci-referral") record.sciReferralSentAt = toInstant(row.sent_at);
    if (row.kind === "gp") record.gpLetterSentAt = toInstant(row.sent_at);
  }
  for (const row of reminderRows) {
    const record = of(row);
    if (!record) continue;
    if (row.kind === "sci-referral-outstanding") record.sciOutstandingSince = earliest(record.sciOutstandingSince, toInstant(row.due_at));
    if (row.kind === "gp-drug-review" && row.status === "done") record.gpReviewCheckedAt ??= toInstantOrNull(row.done_at);
  }
  return [...records.values()];
}

/** The episodes' current (not superseded) bladder events, read into the ward's own shape. */
async function activeEventsOf(db: Db, ids: Knex.QueryBuilder | number[]): Promise<StoredEvent[]> {
  const rows: Row[] = await db("bladder_events")
    .select("id", "episode_id", "type", "at", "phase", "volume_ml", "sensation_to_void", "catheter_type")
    .whereIn("episode_id", ids)
    .whereNull("superseded_by")
    // Valve openings count only against a schedule (flip-flow figures); the TWOC reads none of them.
    .andWhere((q) => q.whereNot("type", "flip-flow-opening").orWhereIn("episode_id", db("flip_flow_schedules").select("episode_id")))
    .orderBy([{ column: "episode_id" }, { column: "at" }, { column: "id" }]);
  return rows.map(toStoredEvent);
}

const earliest = (a: string | null, b: string): string => (a !== null && Date.parse(a) <= Date.parse(b) ? a : b);
