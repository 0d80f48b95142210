/**
 * The reports for a period: each episode's answers from the rule engine (classify.ts), as the record
 * keeps them (kept.ts, keep.ts), with the episode's hospital and ward.
 */
import { type Db, readAll } from "../db/knex.ts";
import { PathwayInputError } from "../pathway/index.ts";
import { PROCEDURE_NAMES } from "../patients/model.ts";
import { toEpisode } from "../patients/repository.ts";
import { classifyEpisode } from "./classify.ts";
import { type CsvCell, csvCalendarDate, csvDate, csvDateTime, csvPieces } from "./csv.ts";
import { type CountedEpisode, type Figure, hospitalOf, type ReportEpisode, wardOf, type WardTally } from "./figures.ts";
import { FACT_COLUMNS, FACTS_TABLE, factsOf } from "./kept.ts";
import { freshenPeriod, nextTurn } from "./keep.ts";
import { type EpisodeRecord, loadPeriod, toReportPatient } from "./load.ts";
import type { Period } from "./period.ts";
import { addValue, COUNTS, DISTRIBUTIONS, type DistributionKey, emptyTally, SUMS } from "./tally.ts";

export { nextTurn };

/** Rows turned into episodes between two turns of the event loop. */
const CHUNK = 2_000;

/** An episode the rule engine could not read (an inconsistent record, such as surgery before the MRI), left out of the figures. */
export interface Unassessed {
  episodeId: number;
  patientId: number;
  problem: string;
}

export interface Report<E extends CountedEpisode = CountedEpisode> {
  episodes: E[];
  unassessed: Unassessed[];
}

type Row = Record<string, unknown>;

/** The period's figures counted in SQL from the kept rows (after bringing any stale ones up to date), per ward, with the episodes left out. */
export async function reportTallies(db: Db, period: Period, now: string): Promise<Tallies> {
  await freshenPeriod(db, period, now);
  const [counted, mriHours, twocHours, sciDays, unassessed] = await readAll(
    db,
    () => countedRows(db, period),
    () => distributionRows(db, period, "mriHours"),
    () => distributionRows(db, period, "twocHours"),
    () => distributionRows(db, period, "sciDays"),
    () => unassessedRows(db, period),
  );
  const wards = new Map<string, WardTally>();
  const wardOfRow = (row: Row) => {
    const hospital = hospitalOf(row.hospital as string | null);
    const ward = wardOf(row.ward_name as string | null, row.ward as string | null);
    const key = JSON.stringify([hospital, ward]);
    if (!wards.has(key)) wards.set(key, { hospital, ward, tally: emptyTally() });
    return wards.get(key)!.tally;
  };
  for (const row of counted) {
    const t = wardOfRow(row);
    t.episodes += Number(row.n);
    for (const k of keysOf(COUNTS)) t.count[k] += Number(row[`c_${k}`]);
    for (const k of keysOf(SUMS)) t.sum[k] += Number(row[`s_${k}`] ?? 0);
  }
  for (const [kind, rows] of [["mriHours", mriHours], ["twocHours", twocHours], ["sciDays", sciDays]] as const) {
    for (const row of rows) addValue(wardOfRow(row).values[kind], Number(row.value), Number(row.n));
  }
  return {
    wards: [...wards.values()],
    unassessed: unassessed.map((r) => ({ episodeId: r.episode_id as number, patientId: r.patient_id as number, problem: r.problem as string })),
  };
}

/**
 * reportTallies for a page request. Requests for one period that arrive while its figures are
 * being counted wait for the next count, which starts once that one ends (so after they all
 * arrived: none is answered from a count begun before it was asked) and is shared by all of them.
 * However many ask at once, one period is counted at most once at a time, and the ward's pages
 * keep the database and the processor meanwhile.
 */
export function sharedReportTallies(db: Db, period: Period, now: () => string): Promise<Tallies> {
  const queues = countsOf(db);
  const key = `${period.startUtc}/${period.endUtc}`;
  const queue = queues.get(key) ?? { running: null, waiting: null };
  queues.set(key, queue);
  const start = () => {
    const run = reportTallies(db, period, now()).finally(() => {
      queue.running = null;
      if (!queue.waiting) queues.delete(key);
    });
    queue.running = run;
    return run;
  };
  if (!queue.running) return start();
  queue.waiting ??= queue.running
    .catch(() => undefined)
    .then(() => {
      queue.waiting = null;
      return start();
    });
  return queue.waiting;
}

interface CountQueue {
  running: Promise<Tallies> | null;
  waiting: Promise<Tallies> | null;
}

const counts = new WeakMap<Db, Map<string, CountQueue>>();

function countsOf(db: Db): Map<string, CountQueue> {
  if (!counts.has(db)) counts.set(db, new Map());
  return counts.get(db)!;
}

export interface Tallies {
  wards: WardTally[];
  unassessed: Unassessed[];
}

const keysOf = <T extends object>(o: T) => Object.keys(o) as (keyof T)[];

/** The period's episodes joined with their kept answers (f) and ward (w). */
function periodFacts(db: Db, period: Period) {
  return db("episodes as e")
    .join(`${FACTS_TABLE} as f`, "f.episode_id", "e.id")
    .leftJoin("wards as w", "w.id", "e.ward_id")
    .where("e.anaesthesia_start_at", ">=", period.startUtc)
    .andWhere("e.anaesthesia_start_at", "<", period.endUtc);
}

/** The period's assessed kept rows with their episode and ward. */
function assessedRows(db: Db, period: Period) {
  return periodFacts(db, period).whereNull("f.problem");
}

/** One row per hospital and ward as recorded: how many episodes, each count and each sum. */
function countedRows(db: Db, period: Period): Promise<Row[]> {
  const counts = keysOf(COUNTS).map((k) => db.raw(`sum(case when ${COUNTS[k].sql} then 1 else 0 end) as ??`, [`c_${k}`]));
  const sums = keysOf(SUMS).map((k) => db.raw(`sum(${SUMS[k].sql}) as ??`, [`s_${k}`]));
  return assessedRows(db, period)
    .groupBy("e.hospital", "e.ward", "w.name")
    .select("e.hospital", "e.ward", "w.name as ward_name", db.raw("count(*) as n"), ...counts, ...sums);
}

/** One row per hospital and ward as recorded, and value of one distribution: how many episodes have it. */
function distributionRows(db: Db, period: Period, kind: DistributionKey): Promise<Row[]> {
  const value = DISTRIBUTIONS[kind].sql;
  return assessedRows(db, period)
    .whereRaw(`${value} is not null`)
    .groupBy("e.hospital", "e.ward", "w.name", db.raw(value))
    .select("e.hospital", "e.ward", "w.name as ward_name", db.raw(`${value} as value`), db.raw("count(*) as n"));
}

/** The period's episodes the rule engine could not read. */
function unassessedRows(db: Db, period: Period): Promise<Row[]> {
  return periodFacts(db, period)
    .whereNotNull("f.problem")
    .orderBy("f.episode_id")
    .select("f.episode_id", "e.patient_id", "f.problem");
}

/** The period's episodes with the record fields the CSVs show, in hospital, ward and surgery order. */
export async function reportRecords(db: Db, period: Period, now: string): Promise<Report<ReportEpisode>> {
  await freshenPeriod(db, period, now);
  const rows: Row[] = await keptRows(db, period)
    .join("patients as p", "p.id", "e.patient_id")
    .orderBy([{ column: "e.hospital" }, { column: "w.name" }, { column: "e.anaesthesia_start_at" }, { column: "e.id" }])
    .select("e.*", "w.name as ward_name", "p.nhs_number", "p.family_name", "p.given_name", "p.date_of_birth", "p.sex");
  return toReport(rows, (row, facts) => {
    const episode = toEpisode(row);
    return { facts, hospital: hospitalOf(episode.hospital), ward: wardOf(row.ward_name as string | null, episode.ward), record: { episode, patient: toReportPatient(row) } };
  });
}

/** The period's kept rows joined with their episode (and its ward): the answers and the episode's presentation. */
function keptRows(db: Db, period: Period) {
  return periodFacts(db, period).select(...FACT_COLUMNS, "e.presentation", "e.patient_id");
}

async function toReport<E extends CountedEpisode>(rows: Row[], episodeOf: (row: Row, facts: NonNullable<ReturnType<typeof factsOf>>) => E): Promise<Report<E>> {
  const report: Report<E> = { episodes: [], unassessed: [] };
  for (let i = 0; i < rows.length; i += CHUNK) {
    if (i > 0) await nextTurn();
    for (const row of rows.slice(i, i + CHUNK)) {
      const facts = factsOf(row);
      if (facts) report.episodes.push(episodeOf(row, facts));
      else report.unassessed.push({ episodeId: row.episode_id as number, patientId: row.patient_id as number, problem: row.problem as string });
    }
  }
  report.unassessed.sort((a, b) => a.episodeId - b.episodeId);
  return report;
}

/**
 * The same report classified straight from the records, as the reports were computed before the
 * record kept the answers: what the kept rows are checked against (tests), never served.
 */
export async function classifyPeriod(db: Db, period: Period, now: string): Promise<Report<ReportEpisode & { record: EpisodeRecord }>> {
  const report: Report<ReportEpisode & { record: EpisodeRecord }> = { episodes: [], unassessed: [] };
  for (const record of await loadPeriod(db, period, now)) {
    let facts;
    try {
      facts = classifyEpisode(record, now);
    } catch (err) {
      if (!(err instanceof PathwayInputError)) throw err;
      report.unassessed.push({ episodeId: record.episode.id, patientId: record.episode.patientId, problem: err.message });
      continue;
    }
    report.episodes.push({ record, facts, hospital: hospitalOf(record.episode.hospital), ward: wardOf(record.wardName, record.episode.ward) });
  }
  report.unassessed.sort((a, b) => a.episodeId - b.episodeId);
  return report;
}

/** A figure's CSV: one row per episode. */
export function figureCsv(figure: Figure, episodes: ReportEpisode[]): Iterable<string> {
  return csvPieces(figure.csv.header, episodes, figure.csv.row);
}

/**
 * The British Spine Registry export: one row per episode with the fields this app holds. The
 * column map (each column, the app's field, and what it holds) is in the README's Reports section.
 */
export const BSR_COLUMNS: { header: string; cell: (e: ReportEpisode) => CsvCell }[] = [
  { header: "NHS number", cell: (e) => e.record.patient.nhsNumber },
  { header: "Family name", cell: (e) => e.record.patient.familyName },
  { header: "Given name", cell: (e) => e.record.patient.givenName },
  { header: "Date of birth", cell: (e) => csvCalendarDate(e.record.patient.dateOfBirth) },
  { header: "Sex", cell: (e) => e.record.patient.sex },
  { header: "Hospital", cell: (e) => e.record.episode.hospital },
  { header: "Ward", cell: (e) => e.ward },
  { header: "Surgeon", cell: (e) => e.record.episode.surgeon },
  { header: "Diagnosis", cell: () => "Cauda equina syndrome" },
  { header: "CES presentation", cell: (e) => (e.record.episode.presentation === "CES-R" ? "CES-R (retention)" : "CES-I (incomplete)") },
  { header: "MRI date and time", cell: (e) => csvDateTime(e.record.episode.mriAt) },
  { header: "Date of surgery", cell: (e) => csvDate(e.record.episode.anaesthesiaStartAt) },
  { header: "Start of anaesthesia", cell: (e) => csvDateTime(e.record.episode.anaesthesiaStartAt) },
  { header: "Hours MRI to anaesthesia", cell: (e) => e.facts.mriToAnaesthesiaHours },
  { header: "Procedure", cell: (e) => PROCEDURE_NAMES[e.record.episode.procedure] ?? e.record.episode.procedure },
  { header: "Level(s)", cell: (e) => e.record.episode.level },
  { header: "Reason for delay", cell: (e) => e.record.episode.delayReason },
  { header: "Consultant on-call sanction (night)", cell: (e) => e.record.episode.consultantSanction },
  { header: "Consent recorded", cell: (e) => e.record.episode.consentRecorded },
  { header: "Catheterised before surgery", cell: (e) => e.record.episode.catheterisedBeforeSurgery },
  { header: "Registered on the BSR (as recorded here)", cell: (e) => e.record.episode.bsrRegistered },
  { header: "Discharge date", cell: (e) => csvDate(e.record.episode.discharge?.dischargedAt) },
  { header: "Discharge destination", cell: (e) => e.record.episode.discharge?.destination },
  { header: "Catheter at discharge", cell: (e) => e.record.episode.discharge?.catheterStatus },
];

export function bsrCsv(episodes: ReportEpisode[]): Iterable<string> {
  return csvPieces(BSR_COLUMNS.map((c) => c.header), episodes, (e) => BSR_COLUMNS.map((c) => c.cell(e)));
}
