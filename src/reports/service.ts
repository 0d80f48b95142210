/** The reports for a period: the period's records, each classified by the rule engine, grouped by hospital and ward. */
import type { Db } from "../db/knex.ts";
import { ValidationError } from "../errors.ts";
import { PathwayInputError } from "../pathway/index.ts";
import { PROCEDURE_NAMES } from "../patients/model.ts";
import { classifyEpisode } from "./classify.ts";
import { type CsvCell, csvCalendarDate, csvDate, csvDateTime, toCsv } from "./csv.ts";
import { type Figure, NO_HOSPITAL, NO_WARD, type ReportEpisode } from "./figures.ts";
import { loadPeriod } from "./load.ts";
import type { Period } from "./period.ts";

/**
 * The most episodes one report reads. A service operates on a few hundred CES patients a year, so
 * this is far above any real period; it keeps one request from holding the server for minutes.
 */
export const MAX_EPISODES = 10_000;
/** Episodes classified between two turns of the event loop, so ward pages are answered meanwhile. */
const CHUNK = 250;

export const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** An episode the rule engine could not read (an inconsistent record, such as surgery before the MRI), left out of the figures. */
export interface Unassessed {
  episodeId: number;
  patientId: number;
  problem: string;
}

export interface Report {
  episodes: ReportEpisode[];
  unassessed: Unassessed[];
}

export async function reportEpisodes(db: Db, period: Period, now: string): Promise<Report> {
  const row = (await db("episodes").where("anaesthesia_start_at", ">=", period.startUtc).andWhere("anaesthesia_start_at", "<", period.endUtc).count({ n: "*" }).first()) as { n: number | string };
  const count = Number(row.n);
  if (count > MAX_EPISODES) {
    throw new ValidationError([{ field: "from", message: `This period holds ${count.toLocaleString("en-GB")} episodes and a report covers at most ${MAX_EPISODES.toLocaleString("en-GB")}: choose a shorter period` }]);
  }
  const records = await loadPeriod(db, period, now);
  const report: Report = { episodes: [], unassessed: [] };
  for (let i = 0; i < records.length; i += CHUNK) {
    if (i > 0) await nextTurn();
    for (const record of records.slice(i, i + CHUNK)) {
      let facts;
      try {
        facts = classifyEpisode(record, now);
      } catch (err) {
        if (!(err instanceof PathwayInputError)) throw err;
        report.unassessed.push({ episodeId: record.episode.id, patientId: record.episode.patientId, problem: err.message });
        continue;
      }
      report.episodes.push({
        record,
        facts,
        hospital: record.episode.hospital?.trim() || NO_HOSPITAL,
        ward: record.wardName ?? (record.episode.ward?.trim() || NO_WARD),
      });
    }
  }
  return report;
}

export function figureCsv(figure: Figure, episodes: ReportEpisode[]): string {
  return toCsv(figure.csv.header, episodes.map(figure.csv.row));
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

export function bsrCsv(episodes: ReportEpisode[]): string {
  return toCsv(BSR_COLUMNS.map((c) => c.header), episodes.map((e) => BSR_COLUMNS.map((c) => c.cell(e))));
}
