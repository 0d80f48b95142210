// Bench data for the ward: inpatients with bladder events, and a large discharged history, written
// straight into SQLite (recursive CTEs: millions of rows in seconds, no round trips).
import type { Db } from "../src/db/knex.ts";

export const BENCH_WARD = "Bench ward";

/** `count` inpatients on the bench ward, each with `perEpisode` events: a failed TWOC then flip-flow openings. */
export async function addInpatients(db: Db, now: Date, count: number, perEpisode: number): Promise<number[]> {
  const iso = (ms: number) => new Date(ms).toISOString();
  const nowMs = now.getTime();
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    const [patient] = await db("patients")
      .insert({ nhs_number: `7${String(i).padStart(9, "0")}`, family_name: `Inpatient${i}`, given_name: "Bench", date_of_birth: "1970-01-01", sex: "female", email_consent: false, search_name: `inpatient${i} bench`, created_at: iso(nowMs), updated_at: iso(nowMs) })
      .returning("id");
    const [episode] = await db("episodes")
      .insert({ patient_id: patient.id ?? patient, presentation: "CES-I", mri_at: iso(nowMs - 60 * 3600_000), anaesthesia_start_at: iso(nowMs - 54 * 3600_000), procedure: "laminotomy", ward: BENCH_WARD, bed: String(i + 1), created_at: iso(nowMs), updated_at: iso(nowMs) })
      .returning("id");
    const episodeId = episode.id ?? episode;
    ids.push(episodeId);
    const start = nowMs - 40 * 3600_000;
    const base = { episode_id: episodeId, source: "system", recorded_by: "bench", recorded_at: iso(nowMs) };
    const rows: Record<string, unknown>[] = [
      { ...base, type: "catheter-removed", at: iso(start), idempotency_key: "b0" },
      { ...base, type: "scan", phase: "pre-void", volume_ml: 620, sensation_to_void: false, at: iso(start + 3600_000), idempotency_key: "b1" },
      { ...base, type: "recatheterised", catheter_type: "long-term-flip-flow", at: iso(start + 2 * 3600_000), idempotency_key: "b2" },
    ];
    for (let k = 3; k < perEpisode; k++) {
      rows.push({ ...base, type: "flip-flow-opening", volume_ml: 250 + ((k * 37) % 300), at: iso(start + 2 * 3600_000 + (k - 2) * 45 * 60_000), idempotency_key: `b${k}` });
    }
    await db.batchInsert("bladder_events", rows, 100);
    await db("flip_flow_schedules").insert({ episode_id: episodeId, interval_minutes: 240, first_opening_at: iso(start + 6 * 3600_000 + i * 60_000), reason: "started", idempotency_key: "s0", recorded_by: "bench", recorded_at: iso(start) });
  }
  return ids;
}

const DAY_MS = 24 * 3600_000;
/** The history's surgeries run from 24 months before now to 10 days before now, so every past stay is over. */
const HISTORY_FROM_DAYS = 730;
const HISTORY_TO_DAYS = 10;

/**
 * A discharged history: `episodes` past episodes on the bench ward and others, their surgeries
 * spread evenly over the 24 months before `now` (so a 12-month period holds about half of them),
 * and `events` bladder events among them (valve openings every 4 hours from the day after surgery).
 */
export async function addHistory(db: Db, episodes: number, events: number, now: Date = new Date()): Promise<void> {
  const perEpisode = Math.ceil(events / episodes);
  const start = new Date(now.getTime() - HISTORY_FROM_DAYS * DAY_MS).toISOString();
  const stepSeconds = ((HISTORY_FROM_DAYS - HISTORY_TO_DAYS) * 86_400) / episodes;
  const created = start;
  await db.transaction(async (trx) => {
    await trx.raw(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
       INSERT INTO patients (nhs_number, family_name, given_name, date_of_birth, sex, email_consent, search_name, created_at, updated_at)
       SELECT printf('6%09d', i), 'Past' || i, 'Patient', '1960-01-01', 'male', 0, 'past' || i || ' patient', ?, ? FROM n`,
      [created, created],
    );
    const { first } = (await trx("patients").where("nhs_number", "like", "6%").min({ first: "id" }).first()) as { first: number };
    const before = ((await trx("episodes").max({ m: "id" }).first()) as { m: number | null }).m ?? 0;
    // Episode i: surgery at start + i steps, MRI 6 hours before, discharged home 1 to 4 days after.
    const at = (seconds: string) => `strftime('%Y-%m-%dT%H:%M:%fZ', ?, (${seconds}) || ' seconds')`;
    await trx.raw(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
       INSERT INTO episodes (patient_id, presentation, mri_at, anaesthesia_start_at, procedure, ward, bed, discharged_at, discharge_destination, catheter_status_at_discharge, created_at, updated_at)
       SELECT ? + (i % 1000), 'CES-I', ${at("i * ? - 21600")}, ${at("i * ?")}, 'laminotomy',
              CASE i % 3 WHEN 0 THEN 'Other ward' ELSE ? END, CAST(i % 30 AS TEXT),
              ${at("i * ? + 86400 * (1 + i % 4)")}, 'Home', 'none', ?, ?
       FROM n`,
      [episodes - 1, first, start, stepSeconds, start, stepSeconds, BENCH_WARD, start, stepSeconds, created, created],
    );
    await trx.raw(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
       INSERT INTO bladder_events (episode_id, type, at, volume_ml, idempotency_key, source, recorded_by, recorded_at)
       SELECT episode_id, 'flip-flow-opening', at, 300, key, 'system', 'bench', at
       FROM (SELECT ? + 1 + (i / ?) AS episode_id, ${at("(i / ?) * ? + 86400 + (i % ?) * 14400")} AS at, 'h' || i AS key FROM n)`,
      [events - 1, before, perEpisode, start, perEpisode, stepSeconds, perEpisode],
    );
  });
}
