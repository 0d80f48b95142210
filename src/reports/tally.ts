/**
 * What the figures count, for a group of episodes: how many episodes have each answer (COUNTS),
 * sums of the flip-flow openings (SUMS), and the spread of the hours and days the figures take
 * medians and histograms of (DISTRIBUTIONS). Each is defined once over the engine's answers
 * (EpisodeFacts, for counting episodes in memory) and, beside it, over the kept columns of
 * episode_report_facts (for counting in SQL): the same answer read from where it is stored, no
 * rule decided again. The tests hold the two to the same figures.
 */
import type { EpisodeFacts, TwocOutcome } from "./classify.ts";

const OUTCOME_COUNTS = {
  passed: { test: (f: EpisodeFacts) => f.twoc.outcome === "passed", sql: "f.twoc_outcome = 'passed'" },
  failedU3: { test: (f: EpisodeFacts) => f.twoc.outcome === "failed-u3", sql: "f.twoc_outcome = 'failed-u3'" },
  failedU4: { test: (f: EpisodeFacts) => f.twoc.outcome === "failed-u4", sql: "f.twoc_outcome = 'failed-u4'" },
  review: { test: (f: EpisodeFacts) => f.twoc.outcome === "review", sql: "f.twoc_outcome = 'review'" },
  inProgress: { test: (f: EpisodeFacts) => f.twoc.outcome === "in-progress", sql: "f.twoc_outcome = 'in-progress'" },
  notStarted: { test: (f: EpisodeFacts) => f.twoc.outcome === "not-started", sql: "f.twoc_outcome = 'not-started'" },
};

/** The count key of each TWOC outcome. */
export const OUTCOME_COUNT: Record<TwocOutcome, keyof typeof OUTCOME_COUNTS> = {
  passed: "passed",
  "failed-u3": "failedU3",
  "failed-u4": "failedU4",
  review: "review",
  "in-progress": "inProgress",
  "not-started": "notStarted",
};

/** Episodes with an answer: in memory (test) and over the kept columns (sql; `e` is the episode). */
export const COUNTS = {
  cesR: { test: (f: EpisodeFacts) => f.presentation === "CES-R", sql: "e.presentation = 'CES-R'" },
  timeRWithin: { test: (f: EpisodeFacts) => f.timeR === "within", sql: "f.time_r = 'within'" },
  timeRBreachWithReason: { test: (f: EpisodeFacts) => f.timeR === "breach-with-reason", sql: "f.time_r = 'breach-with-reason'" },
  timeRBreachWithoutReason: { test: (f: EpisodeFacts) => f.timeR === "breach-without-reason", sql: "f.time_r = 'breach-without-reason'" },
  night: { test: (f: EpisodeFacts) => f.night !== "day", sql: "f.night <> 'day'" },
  nightSanctioned: { test: (f: EpisodeFacts) => f.night === "night-sanctioned", sql: "f.night = 'night-sanctioned'" },
  nightUnsanctioned: { test: (f: EpisodeFacts) => f.night === "night-unsanctioned", sql: "f.night = 'night-unsanctioned'" },
  checkDoc: { test: (f: EpisodeFacts) => f.checks.doc, sql: "f.check_doc" },
  checkConsent: { test: (f: EpisodeFacts) => f.checks.consent, sql: "f.check_consent" },
  checkBsr: { test: (f: EpisodeFacts) => f.checks.bsr, sql: "f.check_bsr" },
  checkCath: { test: (f: EpisodeFacts) => f.checks.cath, sql: "f.check_cath" },
  ...OUTCOME_COUNTS,
  flipFlowScheduled: { test: (f: EpisodeFacts) => f.flipFlow.due > 0, sql: "f.ff_due > 0" },
  failedTwoc: { test: (f: EpisodeFacts) => f.isc.failedTwoc, sql: "f.isc_failed_twoc" },
  failedTwocDischarged: { test: (f: EpisodeFacts) => f.isc.taughtBeforeDischarge !== null, sql: "f.isc_taught_before_discharge IS NOT NULL" },
  iscTaughtBeforeDischarge: { test: (f: EpisodeFacts) => f.isc.taughtBeforeDischarge === true, sql: "f.isc_taught_before_discharge" },
  iscNotTaughtBeforeDischarge: { test: (f: EpisodeFacts) => f.isc.taughtBeforeDischarge === false, sql: "NOT f.isc_taught_before_discharge" },
  sciIndicated: { test: (f: EpisodeFacts) => f.sci.indicated, sql: "f.sci_indicated" },
  sciIndicatedSent: { test: (f: EpisodeFacts) => f.sci.indicated && f.sci.sentAt !== null, sql: "f.sci_indicated AND f.sci_sent_at IS NOT NULL" },
  sciIndicatedNotSent: { test: (f: EpisodeFacts) => f.sci.indicated && f.sci.sentAt === null, sql: "f.sci_indicated AND f.sci_sent_at IS NULL" },
  appointmentPassed: { test: (f: EpisodeFacts) => f.reassessment.appointmentPassed, sql: "f.appointment_passed" },
  bowelReassessed: { test: (f: EpisodeFacts) => f.reassessment.appointmentPassed && f.reassessment.bowel, sql: "f.appointment_passed AND f.bowel_reassessed" },
  sexualReassessed: { test: (f: EpisodeFacts) => f.reassessment.appointmentPassed && f.reassessment.sexual, sql: "f.appointment_passed AND f.sexual_reassessed" },
  noAppointment: { test: (f: EpisodeFacts) => f.reassessment.appointmentAt === null, sql: "f.appointment_at IS NULL" },
  gpReviewDue: { test: (f: EpisodeFacts) => f.gpReview.window !== null, sql: "f.gp_review_from IS NOT NULL" },
  gpLetterSent: { test: (f: EpisodeFacts) => f.gpReview.window !== null && f.gpReview.gpLetterSentAt !== null, sql: "f.gp_review_from IS NOT NULL AND f.gp_letter_sent_at IS NOT NULL" },
  gpReviewChecked: { test: (f: EpisodeFacts) => f.gpReview.window !== null && f.gpReview.checkedAt !== null, sql: "f.gp_review_from IS NOT NULL AND f.gp_review_checked_at IS NOT NULL" },
  preVoid: { test: (f: EpisodeFacts) => f.volumes.preVoid, sql: "f.pre_void_recorded" },
  postVoid: { test: (f: EpisodeFacts) => f.volumes.postVoid, sql: "f.post_void_recorded" },
  bothVoid: { test: (f: EpisodeFacts) => f.volumes.preVoid && f.volumes.postVoid, sql: "f.pre_void_recorded AND f.post_void_recorded" },
} satisfies Record<string, { test: (f: EpisodeFacts) => boolean; sql: string }>;

/** Flip-flow openings summed over the episodes. */
export const SUMS = {
  due: { value: (f: EpisodeFacts) => f.flipFlow.due, sql: "f.ff_due" },
  onTime: { value: (f: EpisodeFacts) => f.flipFlow.onTime, sql: "f.ff_on_time" },
  late: { value: (f: EpisodeFacts) => f.flipFlow.late, sql: "f.ff_late" },
  missed: { value: (f: EpisodeFacts) => f.flipFlow.missed, sql: "f.ff_missed" },
  overdue: { value: (f: EpisodeFacts) => f.flipFlow.overdue, sql: "f.ff_overdue" },
} satisfies Record<string, { value: (f: EpisodeFacts) => number; sql: string }>;

/** Values the figures take medians or histograms of (null: the episode has none). */
export const DISTRIBUTIONS = {
  mriHours: { value: (f: EpisodeFacts): number | null => f.mriToAnaesthesiaHours, sql: "f.mri_to_anaesthesia_hours" },
  twocHours: { value: (f: EpisodeFacts): number | null => f.twoc.hoursFromSurgery, sql: "f.twoc_hours_from_surgery" },
  sciDays: { value: (f: EpisodeFacts): number | null => f.sci.daysToSend, sql: "f.sci_days_to_send" },
};

export type CountKey = keyof typeof COUNTS;
export type SumKey = keyof typeof SUMS;
export type DistributionKey = keyof typeof DISTRIBUTIONS;

export interface Tally {
  episodes: number;
  count: Record<CountKey, number>;
  sum: Record<SumKey, number>;
  /** Each value, and how many episodes have it. */
  values: Record<DistributionKey, Map<number, number>>;
}

const keys = <T extends object>(o: T) => Object.keys(o) as (keyof T)[];

export function emptyTally(): Tally {
  return {
    episodes: 0,
    count: Object.fromEntries(keys(COUNTS).map((k) => [k, 0])) as Tally["count"],
    sum: Object.fromEntries(keys(SUMS).map((k) => [k, 0])) as Tally["sum"],
    values: Object.fromEntries(keys(DISTRIBUTIONS).map((k) => [k, new Map()])) as Tally["values"],
  };
}

/** Adds a value seen `n` times to a distribution. */
export function addValue(values: Map<number, number>, value: number, n = 1): void {
  values.set(value, (values.get(value) ?? 0) + n);
}

/** The tally of episodes counted in memory. */
export function tallyOf(facts: EpisodeFacts[]): Tally {
  const t = emptyTally();
  for (const f of facts) {
    t.episodes++;
    for (const k of keys(COUNTS)) if (COUNTS[k].test(f)) t.count[k]++;
    for (const k of keys(SUMS)) t.sum[k] += SUMS[k].value(f);
    for (const k of keys(DISTRIBUTIONS)) {
      const v = DISTRIBUTIONS[k].value(f);
      if (v !== null) addValue(t.values[k], v);
    }
  }
  return t;
}

/** Adds one tally into another (a hospital is the sum of its wards). */
export function addTally(into: Tally, t: Tally): Tally {
  into.episodes += t.episodes;
  for (const k of keys(COUNTS)) into.count[k] += t.count[k];
  for (const k of keys(SUMS)) into.sum[k] += t.sum[k];
  for (const k of keys(DISTRIBUTIONS)) for (const [v, n] of t.values[k]) addValue(into.values[k], v, n);
  return into;
}

/** Every value as often as it was seen, smallest first. */
export function valuesOf(values: Map<number, number>): number[] {
  return [...values.entries()].sort((a, b) => a[0] - b[0]).flatMap(([v, n]) => Array<number>(n).fill(v));
}
