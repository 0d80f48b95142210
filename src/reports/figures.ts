/**
 * The report's figures: for each, a summary per hospital and per ward (and for the whole period),
 * a chart, and the per-episode rows of its CSV. Every count is a count of the engine's answers
 * (classify.ts); nothing here decides a rule.
 */
import { barChart, binLabel, binValues, histogram, type Bar } from "./charts.ts";
import type { EpisodeFacts, TwocOutcome } from "./classify.ts";
import { type CsvCell, csvCalendarDate, csvDate, csvDateTime } from "./csv.ts";
import type { EpisodeRecord } from "./load.ts";
import { addTally, emptyTally, OUTCOME_COUNT, type Tally, tallyOf, valuesOf } from "./tally.ts";

/** An episode as the figures count it: the rule engine's answers, and where the episode was. */
export interface CountedEpisode {
  facts: EpisodeFacts;
  hospital: string;
  ward: string;
}

/** An episode as the CSVs list it: also the fields of its record they show. */
export interface ReportEpisode extends CountedEpisode {
  record: Pick<EpisodeRecord, "episode" | "patient">;
}

export interface Group {
  /** "All hospitals", a hospital, or a ward within a hospital. */
  level: "all" | "hospital" | "ward";
  hospital: string;
  ward: string | null;
  /** What the figures count of the group's episodes (tally.ts). */
  tally: Tally;
}

/** The episodes of one ward of one hospital, counted. */
export interface WardTally {
  hospital: string;
  ward: string;
  tally: Tally;
}

export interface TableColumn {
  heading: string;
  value: (t: Tally) => string;
}

export interface Figure {
  id: string;
  title: string;
  rules: string[];
  /** What the figure counts, in words (what the engine decides, what the period includes). */
  notes: string[];
  columns: TableColumn[];
  chart: (t: Tally) => { svg: string; rows: { label: string; value: string }[] };
  csv: { header: string[]; row: (e: ReportEpisode) => CsvCell[] };
}

export const NO_HOSPITAL = "Hospital not recorded";
export const NO_WARD = "Ward not recorded";

/** The hospital an episode is counted under: as recorded, or "not recorded". */
export const hospitalOf = (hospital: string | null): string => hospital?.trim() || NO_HOSPITAL;
/** The ward an episode is counted under: its ward record's current name, else the ward as recorded, else "not recorded". */
export const wardOf = (wardName: string | null, ward: string | null): string => wardName ?? (ward?.trim() || NO_WARD);

/** The whole period, then each hospital, then each ward within it (wards listed more than once are added together). */
export function groupsOf(wards: WardTally[]): Group[] {
  const all: Group = { level: "all", hospital: "All hospitals", ward: null, tally: emptyTally() };
  const groups: Group[] = [all];
  for (const hospital of [...new Set(wards.map((w) => w.hospital))].sort()) {
    const inHospital = wards.filter((w) => w.hospital === hospital);
    const hospitalGroup: Group = { level: "hospital", hospital, ward: null, tally: emptyTally() };
    groups.push(hospitalGroup);
    for (const ward of [...new Set(inHospital.map((w) => w.ward))].sort()) {
      const tally = emptyTally();
      for (const w of inHospital) if (w.ward === ward) addTally(tally, w.tally);
      groups.push({ level: "ward", hospital, ward, tally });
      addTally(hospitalGroup.tally, tally);
      addTally(all.tally, tally);
    }
  }
  return groups;
}

/** Episodes counted in memory, a tally per ward. */
export function wardTallies(episodes: CountedEpisode[]): WardTally[] {
  const byWard = new Map<string, { hospital: string; ward: string; facts: EpisodeFacts[] }>();
  for (const e of episodes) {
    const key = JSON.stringify([e.hospital, e.ward]);
    const entry = byWard.get(key) ?? { hospital: e.hospital, ward: e.ward, facts: [] };
    entry.facts.push(e.facts);
    byWard.set(key, entry);
  }
  return [...byWard.values()].map((w) => ({ hospital: w.hospital, ward: w.ward, tally: tallyOf(w.facts) }));
}

/** "3 of 4 (75%)", or "none" when nothing is counted. */
export function share(n: number, of: number): string {
  if (of === 0) return "none";
  return `${n} of ${of} (${Math.round((n / of) * 100)}%)`;
}

const percent = (n: number, of: number) => (of === 0 ? 0 : Math.round((n / of) * 100));

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : Math.round(((s[mid - 1] + s[mid]) / 2) * 10) / 10;
}

/** The median of a distribution (each value and how often it was seen), as median() of every value. */
export function medianOf(values: Map<number, number>): number | null {
  const pairs = [...values.entries()].sort((a, b) => a[0] - b[0]);
  const total = pairs.reduce((n, [, k]) => n + k, 0);
  if (total === 0) return null;
  const nth = (i: number) => {
    let seen = 0;
    for (const [v, k] of pairs) if (i < (seen += k)) return v;
    throw new Error("unreachable");
  };
  const mid = Math.floor(total / 2);
  return total % 2 ? nth(mid) : Math.round(((nth(mid - 1) + nth(mid)) / 2) * 10) / 10;
}

const medianText = (values: Map<number, number>, unit: string) => {
  const m = medianOf(values);
  return m === null ? "none" : `${m} ${unit}`;
};

function shareBars(id: string, title: string, items: { label: string; n: number; of: number; warning?: boolean }[]) {
  const bars: Bar[] = items.map((i) => ({ label: i.label, value: percent(i.n, i.of), text: share(i.n, i.of), warning: i.warning }));
  const description = items.map((i) => `${i.label}: ${share(i.n, i.of)}`).join("; ");
  return { svg: barChart(id, title, description, bars, { max: 100, unit: "%" }), rows: items.map((i) => ({ label: i.label, value: share(i.n, i.of) })) };
}

const EPISODE_HEADER = ["Episode", "NHS number", "Family name", "Given name", "Hospital", "Ward", "Surgery date", "Presentation"];
const episodeCells = (e: ReportEpisode): CsvCell[] => [
  e.record.episode.id,
  e.record.patient.nhsNumber,
  e.record.patient.familyName,
  e.record.patient.givenName,
  e.hospital,
  e.ward,
  csvDate(e.record.episode.anaesthesiaStartAt),
  e.facts.presentation,
];

const TIME_R_TEXT = { within: "within 24 h", "breach-with-reason": "breach, reason recorded", "breach-without-reason": "breach, no reason recorded" } as const;
const NIGHT_TEXT = { day: "not at night", "night-sanctioned": "night, sanction recorded", "night-unsanctioned": "night, no sanction recorded" } as const;
export const OUTCOME_TEXT: Record<TwocOutcome, string> = {
  passed: "Passed (U2)",
  "failed-u3": "Failed (U3)",
  "failed-u4": "Failed (U4)",
  review: "Clinical review (U-REVIEW)",
  "in-progress": "In progress (U1)",
  "not-started": "Not started",
};
const OUTCOMES = Object.keys(OUTCOME_TEXT) as TwocOutcome[];

const HISTOGRAM_BIN_HOURS = 6;
const HISTOGRAM_LAST_HOURS = 72;

export const FIGURES: Figure[] = [
  {
    id: "mri-to-surgery",
    title: "MRI to start of anaesthesia",
    rules: ["S-TIME-R", "S-TIME-I"],
    notes: [
      "Hours from the MRI to the start of anaesthesia, for every episode in the period.",
      "S-TIME-R (CES-R): surgery within 24 hours of the MRI, otherwise a documented reason for the delay. S-TIME-I (CES-I) sets no time limit, so CES-I episodes are counted in the distribution only.",
    ],
    columns: [
      { heading: "Episodes", value: (t) => String(t.episodes) },
      { heading: "Median hours", value: (t) => medianText(t.values.mriHours, "h") },
      { heading: "CES-R within 24 h", value: (t) => share(t.count.timeRWithin, t.count.cesR) },
      { heading: "S-TIME-R breach, reason recorded", value: (t) => String(t.count.timeRBreachWithReason) },
      { heading: "S-TIME-R breach, no reason", value: (t) => String(t.count.timeRBreachWithoutReason) },
    ],
    chart: (t) => {
      const bins = binValues(valuesOf(t.values.mriHours), HISTOGRAM_BIN_HOURS, HISTOGRAM_LAST_HOURS);
      const rows = bins.map((b) => ({ label: binLabel(b, "hours"), value: String(b.count) }));
      const svg = histogram("chart-mri-to-surgery", "Hours from MRI to start of anaesthesia", `${t.episodes} episodes: ${rows.map((r) => `${r.label}: ${r.value}`).join("; ")}`, bins, {
        unit: "hours from MRI to start of anaesthesia",
        mark: { at: 24, text: "24 h (S-TIME-R, CES-R)" },
      });
      return { svg, rows };
    },
    csv: {
      header: [...EPISODE_HEADER, "MRI", "Start of anaesthesia", "Hours MRI to anaesthesia", "S-TIME-R", "Reason for delay"],
      row: (e) => [...episodeCells(e), csvDateTime(e.record.episode.mriAt), csvDateTime(e.record.episode.anaesthesiaStartAt), e.facts.mriToAnaesthesiaHours, e.facts.timeR ? TIME_R_TEXT[e.facts.timeR] : "not applicable (CES-I)", e.record.episode.delayReason],
    },
  },
  {
    id: "surgical-record",
    title: "Night operations and surgical record completeness",
    rules: ["S-NIGHT", "S-DOC", "S-CONSENT", "S-BSR", "S-CATH"],
    notes: [
      "S-NIGHT: anaesthesia starting between midnight and 07:30 needs a recorded consultant on-call sanction.",
      "S-DOC: a time-stamped review of history and examination before anaesthesia; S-CONSENT: consent recorded; S-BSR: registered on the British Spine Registry; S-CATH: catheterised before surgery. Each counts as complete when the rule engine raises no flag.",
    ],
    columns: [
      { heading: "Episodes", value: (t) => String(t.episodes) },
      { heading: "Night, sanction recorded", value: (t) => String(t.count.nightSanctioned) },
      { heading: "Night, no sanction", value: (t) => String(t.count.nightUnsanctioned) },
      { heading: "S-DOC complete", value: (t) => share(t.count.checkDoc, t.episodes) },
      { heading: "S-CONSENT complete", value: (t) => share(t.count.checkConsent, t.episodes) },
      { heading: "S-BSR complete", value: (t) => share(t.count.checkBsr, t.episodes) },
      { heading: "S-CATH complete", value: (t) => share(t.count.checkCath, t.episodes) },
    ],
    chart: (t) => {
      const night = t.count.night;
      return shareBars("chart-surgical-record", "Surgical record completeness and night operations", [
        { label: "S-DOC complete", n: t.count.checkDoc, of: t.episodes },
        { label: "S-CONSENT complete", n: t.count.checkConsent, of: t.episodes },
        { label: "S-BSR complete", n: t.count.checkBsr, of: t.episodes },
        { label: "S-CATH complete", n: t.count.checkCath, of: t.episodes },
        { label: "Night operations with sanction", n: t.count.nightSanctioned, of: night },
        { label: "Night operations without sanction", n: t.count.nightUnsanctioned, of: night, warning: true },
      ]);
    },
    csv: {
      header: [...EPISODE_HEADER, "Start of anaesthesia", "S-NIGHT", "S-DOC complete", "S-CONSENT complete", "S-BSR complete", "S-CATH complete"],
      row: (e) => [...episodeCells(e), csvDateTime(e.record.episode.anaesthesiaStartAt), NIGHT_TEXT[e.facts.night], e.facts.checks.doc, e.facts.checks.consent, e.facts.checks.bsr, e.facts.checks.cath],
    },
  },
  {
    id: "twoc",
    title: "Trial without catheter: outcomes",
    rules: ["U1", "U2", "U3", "U4", "U-REVIEW"],
    notes: [
      "The first trial without catheter after surgery, as the rule engine decides it (assessTwoc): passed (U2), failed with a pre-void scan over 500 ml and no sensation (U3), failed with no void for 6 hours (U4), or clinical review (U-REVIEW).",
      "A trial still open when the patient left hospital is counted as clinical review (U-REVIEW): the pathway does not say how to read it, and the ward's no-void clock stops at discharge.",
      "Time to the decision: from the start of anaesthesia to the scan or event that decided it (for U4, the engine's no-void deadline; for a trial open at discharge, the discharge).",
    ],
    columns: [
      { heading: "Episodes", value: (t) => String(t.episodes) },
      ...OUTCOMES.map((o) => ({ heading: OUTCOME_TEXT[o], value: (t: Tally) => String(t.count[OUTCOME_COUNT[o]]) })),
      { heading: "Median hours surgery to decision", value: (t) => medianText(t.values.twocHours, "h") },
    ],
    chart: (t) => {
      const bars: Bar[] = OUTCOMES.map((o) => {
        const n = t.count[OUTCOME_COUNT[o]];
        return { label: OUTCOME_TEXT[o], value: n, text: share(n, t.episodes), warning: o.startsWith("failed") };
      });
      return {
        svg: barChart("chart-twoc", "Outcomes of the first trial without catheter", bars.map((b) => `${b.label}: ${b.text}`).join("; "), bars),
        rows: bars.map((b) => ({ label: b.label, value: b.text })),
      };
    },
    csv: {
      header: [...EPISODE_HEADER, "Start of anaesthesia", "TWOC outcome", "Decided at", "Hours surgery to decision"],
      row: (e) => [...episodeCells(e), csvDateTime(e.record.episode.anaesthesiaStartAt), OUTCOME_TEXT[e.facts.twoc.outcome], csvDateTime(e.facts.twoc.decidedAt), e.facts.twoc.hoursFromSurgery],
    },
  },
  {
    id: "flip-flow",
    title: "Flip-flow valve openings",
    rules: ["F1", "F3"],
    notes: [
      "Every opening due while a schedule was in force and the patient was on the ward, as assessFlipFlow decides it: on time (recorded at its scheduled minute), late (recorded after it; the pathway sets no grace period), missed (4 hours since the last opening, or the next one due, first), or overdue and not yet missed at the end.",
    ],
    columns: [
      { heading: "Episodes with a schedule", value: (t) => String(t.count.flipFlowScheduled) },
      { heading: "Openings due", value: (t) => String(t.sum.due) },
      { heading: "On time", value: (t) => share(t.sum.onTime, t.sum.due) },
      { heading: "Late", value: (t) => share(t.sum.late, t.sum.due) },
      { heading: "Missed", value: (t) => share(t.sum.missed, t.sum.due) },
      { heading: "Overdue, not yet missed", value: (t) => String(t.sum.overdue) },
    ],
    chart: (t) => {
      const due = t.sum.due;
      return shareBars("chart-flip-flow", "Flip-flow openings as a share of those due", [
        { label: "On time", n: t.sum.onTime, of: due },
        { label: "Late", n: t.sum.late, of: due },
        { label: "Missed", n: t.sum.missed, of: due, warning: true },
        { label: "Overdue, not yet missed", n: t.sum.overdue, of: due },
      ]);
    },
    csv: {
      header: [...EPISODE_HEADER, "Openings due", "On time", "Late", "Missed", "Overdue, not yet missed"],
      row: (e) => [...episodeCells(e), e.facts.flipFlow.due, e.facts.flipFlow.onTime, e.facts.flipFlow.late, e.facts.flipFlow.missed, e.facts.flipFlow.overdue],
    },
  },
  {
    id: "isc",
    title: "ISC teaching before discharge",
    rules: ["U5", "U8"],
    notes: ["Patients whose trial without catheter failed (any attempt, U3 or U4) and who have left hospital: intermittent self-catheterisation teaching ticked as done before the discharge time."],
    columns: [
      { heading: "Failed TWOC", value: (t) => String(t.count.failedTwoc) },
      { heading: "Failed TWOC, discharged", value: (t) => String(t.count.failedTwocDischarged) },
      { heading: "ISC taught before discharge", value: (t) => share(t.count.iscTaughtBeforeDischarge, t.count.failedTwocDischarged) },
    ],
    chart: (t) =>
      shareBars("chart-isc", "ISC teaching before discharge after a failed TWOC", [
        { label: "ISC taught before discharge", n: t.count.iscTaughtBeforeDischarge, of: t.count.failedTwocDischarged },
        { label: "Not taught before discharge", n: t.count.iscNotTaughtBeforeDischarge, of: t.count.failedTwocDischarged, warning: true },
      ]),
    csv: {
      header: [...EPISODE_HEADER, "Failed TWOC", "Discharged", "ISC taught (ticked)", "ISC taught before discharge"],
      row: (e) => [...episodeCells(e), e.facts.isc.failedTwoc, csvDateTime(e.record.episode.discharge?.dischargedAt), csvDateTime(e.facts.isc.taughtAt), e.facts.isc.taughtBeforeDischarge ?? "not applicable"],
    },
  },
  {
    id: "sci-referral",
    title: "Referrals to the spinal cord injury unit",
    rules: ["R1", "U7", "B5", "X3", "Y3", "P8"],
    notes: [
      "Indicated: the rule engine finds an R1 reason in the record today (failed TWOC or catheter/ISC dependence, bowel issues, sexual dysfunction, ongoing CES symptoms, persistent neuropathic pain). Sent: a version of the SCI referral letter marked sent.",
      "Days to sending: from the day the record first showed a reason with no referral sent (when the \"SCI referral outstanding\" reminder first appeared) to the day the referral was marked sent, in UK calendar days.",
    ],
    columns: [
      { heading: "Indicated", value: (t) => String(t.count.sciIndicated) },
      { heading: "Sent", value: (t) => share(t.count.sciIndicatedSent, t.count.sciIndicated) },
      { heading: "Median days to sending", value: (t) => medianText(t.values.sciDays, "days") },
    ],
    chart: (t) =>
      shareBars("chart-sci-referral", "SCI referrals sent where indicated", [
        { label: "Sent", n: t.count.sciIndicatedSent, of: t.count.sciIndicated },
        { label: "Not sent", n: t.count.sciIndicatedNotSent, of: t.count.sciIndicated, warning: true },
      ]),
    csv: {
      header: [...EPISODE_HEADER, "Indicated", "Reasons (rules)", "Indicated since", "Sent", "Days to sending"],
      row: (e) => [...episodeCells(e), e.facts.sci.indicated, e.facts.sci.rules.join(" "), csvDate(e.facts.sci.indicatedSince), csvDate(e.facts.sci.sentAt), e.facts.sci.daysToSend],
    },
  },
  {
    id: "reassessment",
    title: "Outpatient re-assessment of bowel and sexual function",
    rules: ["B6", "X4"],
    notes: ["Patients whose surgical outpatient appointment has passed: a re-assessment recorded with bowel function (B6) and sexual function (X4) re-assessed."],
    columns: [
      { heading: "Appointment passed", value: (t) => String(t.count.appointmentPassed) },
      { heading: "Bowel re-assessed (B6)", value: (t) => share(t.count.bowelReassessed, t.count.appointmentPassed) },
      { heading: "Sexual function re-assessed (X4)", value: (t) => share(t.count.sexualReassessed, t.count.appointmentPassed) },
      { heading: "No appointment recorded", value: (t) => String(t.count.noAppointment) },
    ],
    chart: (t) => {
      const passed = t.count.appointmentPassed;
      return shareBars("chart-reassessment", "Re-assessment at the outpatient appointment", [
        { label: "Bowel re-assessed (B6)", n: t.count.bowelReassessed, of: passed },
        { label: "Sexual function re-assessed (X4)", n: t.count.sexualReassessed, of: passed },
      ]);
    },
    csv: {
      header: [...EPISODE_HEADER, "Outpatient appointment", "Appointment passed", "Bowel re-assessed (B6)", "Sexual function re-assessed (X4)"],
      row: (e) => [...episodeCells(e), csvDateTime(e.facts.reassessment.appointmentAt), e.facts.reassessment.appointmentPassed, e.facts.reassessment.bowel, e.facts.reassessment.sexual],
    },
  },
  {
    id: "gp-review",
    title: "GP drug review after discharge",
    rules: ["P4"],
    notes: ["Patients discharged in the acute pain phase, who are due a GP drug review 1 to 2 weeks after discharge (P4): the GP letter (which asks for the review) marked sent, and the clinician's check that the review happened marked done."],
    columns: [
      { heading: "P4 review due", value: (t) => String(t.count.gpReviewDue) },
      { heading: "GP letter sent", value: (t) => share(t.count.gpLetterSent, t.count.gpReviewDue) },
      { heading: "Clinician check done", value: (t) => share(t.count.gpReviewChecked, t.count.gpReviewDue) },
    ],
    chart: (t) => {
      const due = t.count.gpReviewDue;
      return shareBars("chart-gp-review", "GP drug review (P4)", [
        { label: "GP letter sent", n: t.count.gpLetterSent, of: due },
        { label: "Clinician check done", n: t.count.gpReviewChecked, of: due },
      ]);
    },
    csv: {
      header: [...EPISODE_HEADER, "Discharged", "P4 review from", "P4 review to", "GP letter sent", "Clinician check done"],
      row: (e) => [...episodeCells(e), csvDateTime(e.record.episode.discharge?.dischargedAt), csvCalendarDate(e.facts.gpReview.window?.from), csvCalendarDate(e.facts.gpReview.window?.to), csvDate(e.facts.gpReview.gpLetterSentAt), csvDate(e.facts.gpReview.checkedAt)],
    },
  },
  {
    id: "bladder-volumes",
    title: "Pre-void and post-void volumes recorded",
    rules: ["U1"],
    notes: ["The share of patients with a pre-void and a post-void bladder scan recorded (any attempt), as the national suspected-CES audit asks."],
    columns: [
      { heading: "Episodes", value: (t) => String(t.episodes) },
      { heading: "Pre-void recorded", value: (t) => share(t.count.preVoid, t.episodes) },
      { heading: "Post-void recorded", value: (t) => share(t.count.postVoid, t.episodes) },
      { heading: "Both recorded", value: (t) => share(t.count.bothVoid, t.episodes) },
    ],
    chart: (t) =>
      shareBars("chart-bladder-volumes", "Pre-void and post-void volumes recorded", [
        { label: "Pre-void recorded", n: t.count.preVoid, of: t.episodes },
        { label: "Post-void recorded", n: t.count.postVoid, of: t.episodes },
        { label: "Both recorded", n: t.count.bothVoid, of: t.episodes },
      ]),
    csv: {
      header: [...EPISODE_HEADER, "Pre-void scan recorded", "Post-void scan recorded"],
      row: (e) => [...episodeCells(e), e.facts.volumes.preVoid, e.facts.volumes.postVoid],
    },
  },
];

export function figureById(id: string): Figure | undefined {
  return FIGURES.find((f) => f.id === id);
}
