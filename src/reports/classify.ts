/**
 * Each episode's answers for the reports, every classification taken from the rule engine
 * (src/pathway): surgicalRecordFlags for S-TIME-R, S-NIGHT and the completeness checks, assessTwoc
 * for the trial's outcome, assessFlipFlow for each opening, sciReferralReasons for R1 and
 * gpDrugReviewWindow for P4. Where the engine answers only "flagged or not", asking it again with
 * one fact left out tells the cases apart (a breach with a reason is flagged once the reason is
 * left out), so no threshold is written here.
 */
import {
  assessFlipFlow,
  assessTwoc,
  type BladderEvent,
  catheterOrIscDependent,
  type SciFindings,
  sciReferralReasons,
  type SurgicalRecord,
  surgicalRecordFlags,
} from "../pathway/index.ts";
import { gpDrugReviewWindow } from "../pathway/pain.ts";
import { DOMAINS, FOLLOWUP_DOMAINS } from "../followup/model.ts";
import { surgeryDate } from "../patients/model.ts";
import { surgicalRecordOf } from "../patients/routes.ts";
import { londonDate } from "../time.ts";
import type { FlipFlowScheduleRow, WardEvent } from "../ward/model.ts";
import { anyAttemptFailed, engineEvents } from "../ward/state.ts";
import type { EpisodeRecord } from "./load.ts";

const HOUR = 3600_000;
const DAY = 24 * HOUR;

export type TimeR = "within" | "breach-with-reason" | "breach-without-reason";
export type NightStart = "day" | "night-sanctioned" | "night-unsanctioned";
export type TwocOutcome = "passed" | "failed-u3" | "failed-u4" | "review" | "in-progress" | "not-started";

export interface FlipFlowCounts {
  /** Scheduled openings due while the schedule was in force and the patient an inpatient. */
  due: number;
  onTime: number;
  late: number;
  missed: number;
  /** Due and not done, and not yet missed at the end (F1's 4 hours not yet up). */
  overdue: number;
}

export interface EpisodeFacts {
  episodeId: number;
  presentation: "CES-I" | "CES-R";
  mriToAnaesthesiaHours: number;
  /** S-TIME-R, for CES-R episodes only. */
  timeR: TimeR | null;
  night: NightStart;
  /** S-DOC, S-CONSENT, S-BSR, S-CATH met (not flagged). */
  checks: { doc: boolean; consent: boolean; bsr: boolean; cath: boolean };
  /** The first trial without catheter after surgery, as assessTwoc decides it. */
  twoc: { outcome: TwocOutcome; decidedAt: string | null; hoursFromSurgery: number | null };
  flipFlow: FlipFlowCounts;
  /** U5/U8: ISC teaching for a patient whose TWOC failed. taughtBeforeDischarge is null while an inpatient. */
  isc: { failedTwoc: boolean; taughtAt: string | null; taughtBeforeDischarge: boolean | null };
  /** R1. */
  sci: { indicated: boolean; rules: string[]; indicatedSince: string | null; sentAt: string | null; daysToSend: number | null };
  /** B6, X4 at the surgical outpatient appointment (once it has passed). */
  reassessment: { appointmentAt: string | null; appointmentPassed: boolean; bowel: boolean; sexual: boolean };
  /** P4: a review window exists for an acute-phase discharge. */
  gpReview: { window: { from: string; to: string } | null; gpLetterSentAt: string | null; checkedAt: string | null };
  /** Pre-void and post-void bladder scans recorded (any attempt). */
  volumes: { preVoid: boolean; postVoid: boolean };
}

export function surgicalFacts(record: SurgicalRecord): Pick<EpisodeFacts, "timeR" | "night" | "checks"> {
  const flagged = new Set(surgicalRecordFlags(record).map((f) => f.rule));
  let timeR: TimeR | null = null;
  if (record.presentation === "CES-R") {
    if (flagged.has("S-TIME-R")) timeR = "breach-without-reason";
    else timeR = surgicalRecordFlags({ ...record, delayReason: undefined }).some((f) => f.rule === "S-TIME-R") ? "breach-with-reason" : "within";
  }
  let night: NightStart = "day";
  if (flagged.has("S-NIGHT")) night = "night-unsanctioned";
  else if (surgicalRecordFlags({ ...record, consultantSanction: undefined }).some((f) => f.rule === "S-NIGHT")) night = "night-sanctioned";
  return {
    timeR,
    night,
    checks: { doc: !flagged.has("S-DOC"), consent: !flagged.has("S-CONSENT"), bsr: !flagged.has("S-BSR"), cath: !flagged.has("S-CATH") },
  };
}

function outcomeOf(a: { status: string; rules: string[] }): TwocOutcome {
  if (a.status === "failed") return a.rules.includes("U3") ? "failed-u3" : "failed-u4";
  return a.status as TwocOutcome;
}

/**
 * The first trial after surgery: its events up to the next catheter removal, assessed when that
 * removal happened (or now). When it was decided: the first moment, event by event, at which the
 * engine gives the final answer; a U4 failure is decided at the no-void deadline the engine gave.
 */
export function firstTrial(bladder: BladderEvent[], now: string, dischargedAt: string | null = null): EpisodeFacts["twoc"] & { outcome: TwocOutcome } {
  const removals = bladder.filter((e) => e.type === "catheter-removed");
  if (removals.length === 0) return { outcome: "not-started", decidedAt: null, hoursFromSurgery: null };
  const next = removals.find((r) => Date.parse(r.at) > Date.parse(removals[0].at));
  // The ward's clock stops when the patient leaves (as on the TWOC panel): a trial still open then is read at the discharge.
  const left = dischargedAt !== null && Date.parse(dischargedAt) < Date.parse(now) && Date.parse(dischargedAt) >= Date.parse(removals[0].at) ? dischargedAt : null;
  const end = next ? next.at : (left ?? now);
  const trial = bladder.filter((e) => Date.parse(e.at) <= Date.parse(end) && (!next || Date.parse(e.at) < Date.parse(next.at)));
  const final = assessTwoc(trial, end);
  const outcome = outcomeOf(final);
  if (outcome === "in-progress" && left !== null && !next) {
    // The pathway says nothing of a trial still open at discharge: the product asks for clinical review (U-REVIEW).
    return { outcome: "review", decidedAt: new Date(left).toISOString(), hoursFromSurgery: null };
  }
  if (outcome === "in-progress") return { outcome, decidedAt: null, hoursFromSurgery: null };
  const sorted = [...trial].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  let deadline: string | null = null;
  for (let i = 0; i < sorted.length; i++) {
    if (i + 1 < sorted.length && sorted[i + 1].at === sorted[i].at) continue; // same instant: assess them together
    const a = assessTwoc(sorted.slice(0, i + 1), sorted[i].at);
    if (outcomeOf(a) === outcome) {
      const at = outcome === "failed-u4" && deadline !== null ? deadline : sorted[i].at;
      return { outcome, decidedAt: new Date(at).toISOString(), hoursFromSurgery: null };
    }
    deadline = a.noVoidDeadline;
  }
  return { outcome, decidedAt: deadline === null ? null : new Date(deadline).toISOString(), hoursFromSurgery: null };
}

/** A schedule's openings read in steps the engine accepts (it looks at most 31 days at a time). */
const STEP_MS = 30 * DAY;

/**
 * Every opening due under one schedule, from its first opening to when it ended (or the patient
 * left, or now), with assessFlipFlow's status for each. Openings are read in 30-day steps; a slot is
 * taken from a step only once the next slot is due within it, so what comes later cannot change it.
 */
export function scheduleCounts(schedule: FlipFlowScheduleRow, openings: { at: string; volumeMl: number }[], endIso: string): FlipFlowCounts {
  const counts: FlipFlowCounts = { due: 0, onTime: 0, late: 0, missed: 0, overdue: 0 };
  const first = Date.parse(schedule.firstOpeningAt);
  const end = Date.parse(endIso);
  if (end < first) return counts;
  const step = schedule.intervalMinutes * 60_000;
  let taken = first - 1; // slots at or before this are counted
  for (let at = Math.min(first + STEP_MS, end); ; at = Math.min(at + STEP_MS, end)) {
    const final = at >= end;
    const limit = final ? end : at - step;
    const a = assessFlipFlow({
      schedule: { intervalMinutes: schedule.intervalMinutes, firstOpeningAt: schedule.firstOpeningAt, startedAt: schedule.recordedAt },
      openings: openings.filter((o) => Date.parse(o.at) <= at),
      now: new Date(at).toISOString(),
      window: { pastMs: at - taken, aheadMs: 0 },
    });
    for (const slot of a.slots) {
      const t = Date.parse(slot.at);
      if (t <= taken || t > limit) continue;
      counts.due++;
      if (slot.status === "done") {
        if ((slot.lateMs ?? 0) < 60_000) counts.onTime++;
        else counts.late++;
      } else if (slot.status === "missed") counts.missed++;
      else counts.overdue++;
    }
    taken = Math.max(taken, limit);
    if (final) return counts;
  }
}

function flipFlowCounts(record: EpisodeRecord, now: string): FlipFlowCounts {
  const total: FlipFlowCounts = { due: 0, onTime: 0, late: 0, missed: 0, overdue: 0 };
  const openings = record.events.filter((e): e is Extract<WardEvent, { type: "flip-flow-opening" }> => e.type === "flip-flow-opening").map((e) => ({ at: e.at, volumeMl: e.volumeMl }));
  const left = record.episode.discharge?.dischargedAt ?? null;
  for (const s of record.schedules) {
    const ends = [now, s.endedAt, left].filter((x): x is string => x !== null).map(Date.parse);
    const c = scheduleCounts(s, openings, new Date(Math.min(...ends)).toISOString());
    for (const k of Object.keys(total) as (keyof FlipFlowCounts)[]) total[k] += c[k];
  }
  return total;
}

/** The latest state of a checklist tick as it stood at an instant (null: never ticked done by then). */
function tickedAt(actions: EpisodeRecord["actions"], action: string, by: string | null): string | null {
  let doneAt: string | null = null;
  for (const a of actions) {
    if (a.action !== action || (by !== null && Date.parse(a.recordedAt) > Date.parse(by))) continue;
    doneAt = a.done ? (doneAt ?? a.recordedAt) : null;
  }
  return doneAt;
}

export function classifyEpisode(record: EpisodeRecord, now: string): EpisodeFacts {
  const e = record.episode;
  const surgery = surgicalFacts(surgicalRecordOf(e));
  const bladder = engineEvents(record.events);
  const trial = firstTrial(bladder, now, e.discharge?.dischargedAt ?? null);
  if (trial.decidedAt) trial.hoursFromSurgery = round1((Date.parse(trial.decidedAt) - Date.parse(e.anaesthesiaStartAt)) / HOUR);

  const left = e.discharge?.dischargedAt ?? null;
  const failedTwoc = anyAttemptFailed(record.events, now);
  const taughtAt = tickedAt(record.actions, "isc-taught", null);
  const taughtBeforeLeaving = left === null ? null : tickedAt(record.actions, "isc-taught", left) !== null;

  const inForce = record.schedules.some((s) => s.endedAt === null);
  const findings: SciFindings = {
    twocFailed: failedTwoc,
    catheterOrIsc: catheterOrIscDependent({
      catheterAtDischarge: e.discharge ? e.discharge.catheterStatus : null,
      flipFlowInForce: inForce,
      recatheterisedWithFlipFlow: record.events.some((x) => x.type === "recatheterised" && x.catheterType === "long-term-flip-flow"),
    }),
  };
  for (const domain of FOLLOWUP_DOMAINS) findings[DOMAINS[domain].finding] = record.ongoing[domain] === true;
  const referral = sciReferralReasons(findings);
  const rules = referral.indicated ? ["R1", ...new Set(referral.reasons.map((r) => r.rule))] : [];
  const since = referral.indicated || record.sciReferralSentAt ? record.sciOutstandingSince : null;
  const daysToSend = since && record.sciReferralSentAt ? daysBetween(since, record.sciReferralSentAt) : null;

  const lastReassessment = record.reassessments.at(-1);
  const surgeryDay = surgeryDate(e, londonDate);
  return {
    episodeId: e.id,
    presentation: e.presentation,
    mriToAnaesthesiaHours: round1((Date.parse(e.anaesthesiaStartAt) - Date.parse(e.mriAt)) / HOUR),
    ...surgery,
    twoc: trial,
    flipFlow: flipFlowCounts(record, now),
    isc: { failedTwoc, taughtAt, taughtBeforeDischarge: failedTwoc ? taughtBeforeLeaving : null },
    sci: { indicated: referral.indicated, rules, indicatedSince: since, sentAt: record.sciReferralSentAt, daysToSend },
    reassessment: {
      appointmentAt: record.appointmentAt,
      appointmentPassed: record.appointmentAt !== null && Date.parse(record.appointmentAt) <= Date.parse(now),
      bowel: record.reassessments.some((r) => r.bowelReassessed) && lastReassessment !== undefined,
      sexual: record.reassessments.some((r) => r.sexualReassessed),
    },
    gpReview: {
      window: left ? gpDrugReviewWindow(surgeryDay, londonDate(left)) : null,
      gpLetterSentAt: record.gpLetterSentAt,
      checkedAt: record.gpReviewCheckedAt,
    },
    volumes: {
      preVoid: bladder.some((x) => x.type === "scan" && x.phase === "pre-void"),
      postVoid: bladder.some((x) => x.type === "scan" && x.phase === "post-void"),
    },
  };
}

/** Whole London calendar days from one instant to another. */
function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${londonDate(to)}T00:00:00Z`) - Date.parse(`${londonDate(from)}T00:00:00Z`)) / DAY);
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
