/**
 * The reports for a period: each episode's answers from the rule engine (classify.ts), as the record
 * keeps them (kept.ts, keep.ts), with the episode's hospital and ward.
 */
import type { Db } from "../db/knex.ts";
import { PathwayInputError } from "../pathway/index.ts";
import { PROCEDURE_NAMES } from "../patients/model.ts";
import { toEpisode } from "../patients/repository.ts";
import { classifyEpisode } from "./classify.ts";
import { type CsvCell, csvCalendarDate, csvDate, csvDateTime, csvPieces } from "./csv.ts";
import { type CountedEpisode, type Figure, hospitalOf, type ReportEpisode, wardOf } from "./figures.ts";
import { FACT_COLUMNS, FACTS_TABLE, factsOf } from "./kept.ts";
import { freshenPeriod, nextTurn } from "./keep.ts";
import { type EpisodeRecord, loadPeriod, toReportPatient } from "./load.ts";
import type { Period } from "./period.ts";

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

/** The period's episodes as the figures count them: one query of the kept rows (after bringing any stale ones up to date). */
export async function reportEpisodes(db: Db, period: Period, now: string): Promise<Report> {
  await freshenPeriod(db, period, now);
  const rows: Row[] = await keptRows(db, period).select("e.hospital", "e.ward", "w.name as ward_name");
  return toReport(rows, (row, facts) => ({ facts, hospital: hospitalOf(row.hospital as string | null), ward: wardOf(row.ward_name as string | null, row.ward as string | null) }));
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
  return db("episodes as e")
    .join(`${FACTS_TABLE} as f`, "f.episode_id", "e.id")
    .leftJoin("wards as w", "w.id", "e.ward_id")
    .where("e.anaesthesia_start_at", ">=", period.startUtc)
    .andWhere("e.anaesthesia_start_at", "<", period.endUtc)
    .select(...FACT_COLUMNS, "e.presentation", "e.patient_id");
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
