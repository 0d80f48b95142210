/**
 * The outpatient clinic list: the surgical outpatient appointments of one week (Monday to Sunday,
 * UK time), and the appointments already passed whose re-assessment (B6, X4) is still outstanding,
 * grouped by the episode's responsible consultant. Every clinical value on a row is read from
 * getFollowupState (the rule engine's answers for the episode), never worked out here.
 */
import type { Db } from "../db/knex.ts";
import { toInstant, toInstantOrNull } from "../db/values.ts";
import { addDays } from "../followup/state.ts";
import { type FollowupState, getFollowupState } from "../followup/index.ts";
import { toEpisode, toPatient } from "../patients/repository.ts";
import type { Episode, Patient } from "../patients/model.ts";
import { londonLocalToInstant } from "../time.ts";
import { dueState, type DueState } from "../reminders/queries.ts";

export interface ClinicWeek {
  /** London dates, Monday and Sunday. */
  monday: string;
  sunday: string;
  /** UTC instants: Monday 00:00 and the next Monday 00:00, UK time. */
  startsAt: string;
  endsAt: string;
}

/** The Monday-to-Sunday week (UK time) that holds a London date. */
export function clinicWeek(date: string): ClinicWeek {
  const weekday = (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday 0 ... Sunday 6
  const monday = addDays(date, -weekday);
  const midnight = (day: string) => {
    const at = londonLocalToInstant(day, "00:00");
    // UK clocks change at 01:00 or 02:00, so midnight always exists.
    if (!at.ok) throw new Error(`No midnight on ${day}`);
    return at.instant;
  };
  return { monday, sunday: addDays(monday, 6), startsAt: midnight(monday), endsAt: midnight(addDays(monday, 7)) };
}

export interface ClinicRow {
  episode: Episode;
  patient: Patient;
  appointmentAt: string;
  clinic: string | null;
  /** The appointment time has passed and B6 or X4 is still outstanding. */
  overdue: boolean;
  followup: FollowupState;
  /** The clinician's P4 check (the GP drug review reminder): its state now, or when it was marked done; null when there is none. */
  gpReviewCheck: GpReviewCheck | null;
}

export type GpReviewCheck = { state: "done"; at: string } | { state: DueState };

export interface ConsultantGroup {
  consultantUserId: number | null;
  consultant: string;
  rows: ClinicRow[];
}

export interface ClinicList {
  week: ClinicWeek;
  thisWeek: ConsultantGroup[];
  overdue: ConsultantGroup[];
  count: { thisWeek: number; overdue: number };
}

type Row = Record<string, unknown>;

/** The appointments of the week, and passed ones with a full re-assessment (bowel and sexual) not yet recorded. */
async function candidateRows(db: Db, week: ClinicWeek, nowIso: string, consultantUserId: number | null): Promise<Row[]> {
  const query = db("outpatient_appointments as a")
    .join("episodes as e", "e.id", "a.episode_id")
    .join("patients as p", "p.id", "e.patient_id")
    .leftJoin("users as u", "u.id", "e.consultant_user_id")
    .where((q) =>
      q
        .where((w) => w.where("a.appointment_at", ">=", week.startsAt).andWhere("a.appointment_at", "<", week.endsAt))
        .orWhere((w) =>
          w
            .where("a.appointment_at", "<", nowIso)
            .whereNotExists((r) => r.select(db.raw("1")).from("outpatient_reassessments as r").whereRaw("r.episode_id = e.id").where({ "r.bowel_reassessed": true, "r.sexual_reassessed": true })),
        ),
    )
    .orderBy("a.appointment_at", "asc")
    .orderBy("e.id", "asc")
    .select("e.*", db.raw("p.id as p_id"), "a.appointment_at", "a.clinic", db.raw("u.display_name as consultant_name"));
  if (consultantUserId !== null) query.where("e.consultant_user_id", consultantUserId);
  return query;
}

/** Each episode's latest P4 check reminder, as the episode page and /due show it: done, or overdue / due / upcoming by its times. */
async function gpReviewChecks(db: Db, episodeIds: number[], nowIso: string): Promise<Map<number, GpReviewCheck>> {
  if (episodeIds.length === 0) return new Map();
  const rows: Row[] = await db("reminders")
    .whereIn("episode_id", [...new Set(episodeIds)])
    .andWhere("kind", "gp-drug-review")
    .whereIn("status", ["scheduled", "done"])
    .orderBy("id")
    .select("episode_id", "status", "due_at", "overdue_at", "done_at");
  const now = Date.parse(nowIso);
  const checks = new Map<number, GpReviewCheck>();
  for (const row of rows) {
    if (row.status === "done") {
      checks.set(row.episode_id as number, { state: "done", at: toInstant(row.done_at) });
      continue;
    }
    checks.set(row.episode_id as number, { state: dueState(toInstant(row.due_at), toInstantOrNull(row.overdue_at), now) });
  }
  return checks;
}

async function patientsById(db: Db, ids: number[]): Promise<Map<number, Patient>> {
  if (ids.length === 0) return new Map();
  const rows: Row[] = await db("patients").whereIn("id", [...new Set(ids)]);
  return new Map(rows.map((r) => [r.id as number, toPatient(r)]));
}

/** Groups by consultant, by name, with "no responsible consultant recorded" last. */
function byConsultant(rows: (ClinicRow & { consultantName: string | null })[]): ConsultantGroup[] {
  const groups = new Map<string, ConsultantGroup>();
  for (const { consultantName, ...row } of rows) {
    const key = String(row.episode.consultantUserId ?? "none");
    const group = groups.get(key) ?? { consultantUserId: row.episode.consultantUserId, consultant: consultantName ?? "No responsible consultant recorded", rows: [] };
    group.rows.push(row);
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => (a.consultantUserId === null ? 1 : b.consultantUserId === null ? -1 : a.consultant.localeCompare(b.consultant)));
}

/**
 * The clinic list for the week holding `date` (a London date), at the moment `nowIso`; only one
 * consultant's patients when `consultantUserId` is given.
 */
export async function clinicList(db: Db, date: string, nowIso: string, consultantUserId: number | null = null): Promise<ClinicList> {
  const week = clinicWeek(date);
  const candidates = await candidateRows(db, week, nowIso, consultantUserId);
  const patients = await patientsById(db, candidates.map((r) => r.p_id as number));
  const checks = await gpReviewChecks(db, candidates.map((r) => r.id as number), nowIso);
  const rows = [];
  for (const row of candidates) {
    const episode = toEpisode(row);
    const followup = await getFollowupState(db, episode.id, nowIso, { episode });
    const appointmentAt = toInstant(row.appointment_at);
    const overdue = appointmentAt < nowIso && followup.reassessmentOutstanding.length > 0;
    const inWeek = appointmentAt >= week.startsAt && appointmentAt < week.endsAt;
    if (!inWeek && !overdue) continue;
    rows.push({ episode, patient: patients.get(row.p_id as number)!, appointmentAt, clinic: (row.clinic as string) ?? null, overdue, followup, gpReviewCheck: checks.get(episode.id) ?? null, inWeek, consultantName: (row.consultant_name as string) ?? null });
  }
  const thisWeek = rows.filter((r) => r.inWeek).map(({ inWeek: _w, ...r }) => r);
  const overdue = rows.filter((r) => !r.inWeek).map(({ inWeek: _w, ...r }) => r);
  return { week, thisWeek: byConsultant(thisWeek), overdue: byConsultant(overdue), count: { thisWeek: thisWeek.length, overdue: overdue.length } };
}
