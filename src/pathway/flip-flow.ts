import { PathwayInputError } from "./errors.ts";
import type { RuleId } from "./rules.ts";
import { HOUR_MS, MINUTE_MS, describeLondon, describeMinutes, formatLondon, parseInstant, requireVolume } from "./time.ts";

/** F1: at least every 4 hours. Shorter than 30 minutes is not a schedule a ward can keep. */
export const MAX_INTERVAL_MINUTES = 240;
export const MIN_INTERVAL_MINUTES = 30;
/** F2: aim for a bladder volume under 500 ml at each opening. */
export const TARGET_VOLUME_ML = 500;
/** Longest schedule produced at once. */
export const MAX_SCHEDULE_DAYS = 31;

function requireInterval(value: unknown): number {
  if (
    typeof value !== "number" ||
    !Number.isInteger(value) ||
    value < MIN_INTERVAL_MINUTES ||
    value > MAX_INTERVAL_MINUTES
  ) {
    throw new PathwayInputError(
      "invalid-interval",
      "intervalMinutes",
      `intervalMinutes ${String(value)} is out of range: the flip-flow valve is opened every 30 to 240 whole minutes (F1: at least every 4 hours).`,
    );
  }
  return value;
}

/**
 * Opening times from `from`, then every `intervalMinutes` of elapsed time, up to and including
 * `until`. Elapsed time, not wall-clock time: across a clock change no gap exceeds the interval,
 * and each time is shown with the Europe/London offset of that moment.
 */
export function flipFlowSchedule(opts: { from: string; until: string; intervalMinutes: number }): string[] {
  if (typeof opts !== "object" || opts === null) {
    throw new PathwayInputError("missing-field", "opts", "from, until and intervalMinutes are required.");
  }
  const from = parseInstant(opts.from, "from");
  const until = parseInstant(opts.until, "until");
  const step = requireInterval(opts.intervalMinutes) * MINUTE_MS;
  if (until < from) {
    throw new PathwayInputError("out-of-order", "until", "until is earlier than from: the schedule must end after it starts.");
  }
  if (until - from > MAX_SCHEDULE_DAYS * 24 * HOUR_MS) {
    throw new PathwayInputError(
      "range-too-long",
      "until",
      `A schedule covers at most ${MAX_SCHEDULE_DAYS} days at a time: choose an earlier until.`,
    );
  }
  const out: string[] = [];
  for (let t = from; t <= until; t += step) out.push(formatLondon(t));
  return out;
}

interface Rate {
  volumeMl: number;
  elapsedMs: number;
  at: number;
}

/** a is faster than b: a.volume / a.elapsed > b.volume / b.elapsed, in exact integer arithmetic. */
function faster(a: Rate, b: Rate): boolean {
  return a.volumeMl * b.elapsedMs > b.volumeMl * a.elapsedMs;
}

/**
 * F2: from the fill rates of consecutive drains in the 24 h before `now`, the longest interval in
 * 30-minute steps, never over 240 minutes (F1), at which the fastest rate stays under 500 ml.
 */
export function suggestFlipFlowInterval(
  drains: { at: string; volumeMl: number }[],
  now: string,
): { intervalMinutes: number; rules: RuleId[]; reason: string } {
  const nowMs = parseInstant(now, "now");
  if (!Array.isArray(drains)) {
    throw new PathwayInputError("missing-field", "drains", "drains must be a list of drained volumes (it may be empty).");
  }
  const timed = drains.map((d, i) => {
    const field = `drains[${i}]`;
    if (typeof d !== "object" || d === null) {
      throw new PathwayInputError("invalid-value", field, `${field} is not a drain record.`);
    }
    const t = parseInstant(d.at, `${field}.at`);
    if (t > nowMs) {
      throw new PathwayInputError(
        "event-after-now",
        `${field}.at`,
        `${field}.at ${d.at} is later than now (${formatLondon(nowMs)}): a drain cannot be recorded in the future.`,
      );
    }
    return { t, volumeMl: requireVolume(d.volumeMl, `${field}.volumeMl`), field };
  });
  const recent = timed.filter((d) => d.t >= nowMs - 24 * HOUR_MS).sort((a, b) => a.t - b.t);

  let fastest: Rate | undefined;
  for (let i = 1; i < recent.length; i++) {
    const elapsedMs = recent[i].t - recent[i - 1].t;
    if (elapsedMs === 0) {
      throw new PathwayInputError(
        "duplicate-time",
        `${recent[i].field}.at`,
        `Two drains are recorded at ${formatLondon(recent[i].t)}: merge them into one drain or correct the time.`,
      );
    }
    const rate = { volumeMl: recent[i].volumeMl, elapsedMs, at: recent[i].t };
    if (fastest === undefined || faster(rate, fastest)) fastest = rate;
  }

  if (fastest === undefined) {
    return {
      intervalMinutes: MAX_INTERVAL_MINUTES,
      rules: ["F1"],
      reason: "Fewer than two drains in the last 24 hours, so there is no fill rate to go on: open the valve at least every 4 hours (F1).",
    };
  }
  const f = fastest;
  const perHour = Math.round((f.volumeMl * HOUR_MS) / f.elapsedMs);
  const seen = `The fastest fill in the last 24 hours was ${f.volumeMl} ml in ${describeMinutes(Math.round(f.elapsedMs / MINUTE_MS))} (about ${perHour} ml an hour, drain at ${describeLondon(f.at)})`;
  // Volume after m minutes at the fastest rate is volumeMl * m / elapsedMinutes; keep it under 500 ml.
  const fits = (m: number): boolean => f.volumeMl * m * MINUTE_MS < TARGET_VOLUME_ML * f.elapsedMs;
  let minutes = MAX_INTERVAL_MINUTES;
  while (minutes >= MIN_INTERVAL_MINUTES && !fits(minutes)) minutes -= 30;

  if (minutes < MIN_INTERVAL_MINUTES) {
    return {
      intervalMinutes: MIN_INTERVAL_MINUTES,
      rules: ["F2"],
      reason: `${seen}: even opening every 30 min would reach 500 ml, so open every 30 min and ask for a clinical review now.`,
    };
  }
  if (minutes === MAX_INTERVAL_MINUTES) {
    return {
      intervalMinutes: minutes,
      rules: ["F2", "F1"],
      reason: `${seen}: at that rate 4 h stays under 500 ml, and the valve is opened at least every 4 hours (F1).`,
    };
  }
  return {
    intervalMinutes: minutes,
    rules: ["F2"],
    reason: `${seen}: open every ${describeMinutes(minutes)} to keep the bladder under 500 ml (F2).`,
  };
}

/** The ward's interval choices: 4 h (F1's longest) down to 30 min, in 30-minute steps (F2). */
export const INTERVAL_STEP_MINUTES = 30;
export const DEFAULT_INTERVAL_MINUTES = MAX_INTERVAL_MINUTES;
export const INTERVAL_CHOICES: readonly number[] = Object.freeze(
  Array.from({ length: (MAX_INTERVAL_MINUTES - MIN_INTERVAL_MINUTES) / INTERVAL_STEP_MINUTES + 1 }, (_, i) => MAX_INTERVAL_MINUTES - i * INTERVAL_STEP_MINUTES),
);

export interface FlipFlowStartProblem {
  field: "intervalMinutes" | "firstOpeningAt";
  /** step: not a 30-minute step; clinician-only: shorter than 4 h asked by someone who is not a clinician;
   *  first-too-late: the first opening is more than one interval after now. */
  code: "step" | "clinician-only" | "first-too-late";
  rules: RuleId[];
}

export interface FlipFlowStartCheck {
  /** The latest allowed first opening (UTC ISO): now plus one interval (F1: at least every interval). */
  latestFirstOpeningAt: string;
  problems: FlipFlowStartProblem[];
}

/**
 * F1/F2 for a new schedule: the interval is a 30-minute step from 30 min to 4 h (out-of-range values
 * are refused by the caller's reader as for any number), only a clinician shortens it below 4 h
 * (F2: a shorter interval is a clinical decision), and the first opening is no later than now plus
 * one interval, so the gap before it never exceeds the interval (F1).
 */
export function checkFlipFlowStart(input: { intervalMinutes: number; firstOpeningAt?: string | null; now: string; byClinician: boolean }): FlipFlowStartCheck {
  if (typeof input !== "object" || input === null) {
    throw new PathwayInputError("missing-field", "input", "intervalMinutes, firstOpeningAt, now and byClinician are required.");
  }
  const nowMs = parseInstant(input.now, "now");
  // Without a first opening (not entered yet) only the interval is checked.
  const first = input.firstOpeningAt === undefined || input.firstOpeningAt === null ? null : parseInstant(input.firstOpeningAt, "firstOpeningAt");
  const interval = requireInterval(input.intervalMinutes);
  const problems: FlipFlowStartProblem[] = [];
  if (interval % INTERVAL_STEP_MINUTES !== 0) problems.push({ field: "intervalMinutes", code: "step", rules: ["F2"] });
  if (interval !== DEFAULT_INTERVAL_MINUTES && input.byClinician !== true) {
    problems.push({ field: "intervalMinutes", code: "clinician-only", rules: ["F2"] });
  }
  const latest = nowMs + interval * MINUTE_MS;
  if (first !== null && first > latest) problems.push({ field: "firstOpeningAt", code: "first-too-late", rules: ["F1"] });
  return { latestFirstOpeningAt: new Date(latest).toISOString(), problems };
}

export type FlipFlowSlotStatus = "done" | "overdue" | "missed" | "upcoming";

export interface FlipFlowSlot {
  /** Scheduled time, UTC ISO. */
  at: string;
  status: FlipFlowSlotStatus;
  openedAt: string | null;
  /** done: ms after the scheduled time the opening was recorded; overdue/missed: how late it is now; upcoming: null. */
  lateMs: number | null;
  volumeMl: number | null;
  /** F2: the drained volume reached 500 ml, so the aim of under 500 ml was missed. */
  aimMissed: boolean;
}

export interface FlipFlowSuggestion {
  /** 0 when no interval can be suggested (the reason says why). */
  intervalMinutes: number;
  rules: RuleId[];
  reason: string;
  drainedMl: number;
  drainedAt: string;
}

export interface FlipFlowAssessment {
  /** Scheduled openings from now - window.pastMs to now + window.aheadMs, with what happened. */
  slots: FlipFlowSlot[];
  /** The earliest scheduled opening after the last one recorded (in the past when overdue), UTC ISO. */
  nextOpeningAt: string;
  lastOpeningAt: string | null;
  /** The next opening is due and not recorded. */
  overdue: boolean;
  overdueMs: number;
  /** When the next opening counts as missed (the ward's alert for a missed opening is due), UTC ISO. */
  missedAt: string;
  /** now >= missedAt. */
  missed: boolean;
  /** Upcoming scheduled openings in (now, now + window.aheadMs], UTC ISO (calendars, patients' reminders). */
  openings: string[];
  /** F2: set when an opening in the 24 h before now drained 500 ml or more. */
  suggestion: FlipFlowSuggestion | null;
  rules: RuleId[];
}

export interface FlipFlowInput {
  schedule: { intervalMinutes: number; firstOpeningAt: string; startedAt: string };
  /** Recorded openings (any order); the volume drained when measured. */
  openings: { at: string; volumeMl?: number | null }[];
  now: string;
  /** How far back and ahead of now slots are listed (default 24 h each); at most 31 days in all. */
  window?: { pastMs?: number; aheadMs?: number };
}

/** F2: the aim is under 500 ml at each opening, so 500 ml or more missed it. */
export function drainAimMissed(volumeMl: number | null | undefined): boolean {
  return typeof volumeMl === "number" && volumeMl >= TARGET_VOLUME_ML;
}

function windowMs(value: unknown, field: string): number {
  if (value === undefined) return 24 * HOUR_MS;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new PathwayInputError("invalid-value", field, `${field} must be whole milliseconds, 0 or more.`);
  }
  return value;
}

/** Index of the last sorted value < t, or -1. */
function lastBefore(sorted: number[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/**
 * The flip-flow schedule as it stands now: one definition of late and of missed for the ward's
 * page, board, calendar and reminders.
 *
 * Openings are the first opening, then every interval of elapsed time (F1, F3: by the clock; a
 * clock change never stretches a gap). A recorded opening ticks the slot it follows (scheduled
 * time <= opened < next scheduled time); an opening before its scheduled time ticks nothing, so
 * an early extra opening never cancels a later one.
 *
 * Late: a slot's opening is late by the time from its scheduled time to the opening (or to now
 * while none is recorded). The pathway gives no grace period, so a slot not done by its time is
 * overdue at once.
 *
 * Missed follows F1 ("at least every 4 hours"): a slot not done is missed once 4 hours have passed
 * since the last recorded opening before it (the schedule's start when there is none), or once
 * the next slot is due (an opening then ticks the next slot, so this one can no longer be done),
 * whichever comes first, and never before its own time. At exactly 4 h 0 min it is missed, as
 * reminders fall due at their instant. So on a 4-hourly schedule an opening not done at its time
 * is missed at once when the one before it was on time; a shorter schedule has an overdue spell
 * first. The product used to wait for the next slot of a 4-hourly schedule (8 hours without a
 * drain) before saying missed; that waited longer than F1 allows.
 */
export function assessFlipFlow(input: FlipFlowInput): FlipFlowAssessment {
  if (typeof input !== "object" || input === null || typeof input.schedule !== "object" || input.schedule === null) {
    throw new PathwayInputError("missing-field", "schedule", "schedule, openings and now are required.");
  }
  const nowMs = parseInstant(input.now, "now");
  const step = requireInterval(input.schedule.intervalMinutes) * MINUTE_MS;
  const origin = parseInstant(input.schedule.firstOpeningAt, "schedule.firstOpeningAt");
  const started = parseInstant(input.schedule.startedAt, "schedule.startedAt");
  const pastMs = windowMs(input.window?.pastMs, "window.pastMs");
  const aheadMs = windowMs(input.window?.aheadMs, "window.aheadMs");
  if (pastMs + aheadMs > MAX_SCHEDULE_DAYS * 24 * HOUR_MS) {
    throw new PathwayInputError("range-too-long", "window", `A schedule covers at most ${MAX_SCHEDULE_DAYS} days at a time: choose a shorter window.`);
  }
  if (!Array.isArray(input.openings)) {
    throw new PathwayInputError("missing-field", "openings", "openings must be a list of recorded openings (it may be empty).");
  }
  const recorded = input.openings
    .map((o, i) => {
      const field = `openings[${i}]`;
      if (typeof o !== "object" || o === null) throw new PathwayInputError("invalid-value", field, `${field} is not an opening.`);
      const t = parseInstant(o.at, `${field}.at`);
      if (t > nowMs) {
        throw new PathwayInputError("event-after-now", `${field}.at`, `${field}.at ${o.at} is later than now (${formatLondon(nowMs)}): an opening cannot be recorded in the future.`);
      }
      const volumeMl = o.volumeMl === undefined || o.volumeMl === null ? null : requireVolume(o.volumeMl, `${field}.volumeMl`);
      return { t, at: o.at, volumeMl };
    })
    .sort((a, b) => a.t - b.t);
  const times = recorded.map((o) => o.t);
  const F1_MS = MAX_INTERVAL_MINUTES * MINUTE_MS;

  /** The instant slot t counts as missed (see above). */
  const missedFrom = (t: number): number => {
    const i = lastBefore(times, t);
    const drained = i >= 0 ? times[i] : started;
    return Math.max(t, Math.min(drained + F1_MS, t + step));
  };

  const last = recorded.length > 0 ? recorded[recorded.length - 1] : null;
  const nextK = last === null || last.t < origin ? 0 : Math.floor((last.t - origin) / step) + 1;
  const next = origin + nextK * step;
  const missedAt = missedFrom(next);

  const slots: FlipFlowSlot[] = [];
  const openings: string[] = [];
  const k0 = Math.max(0, Math.ceil((nowMs - pastMs - origin) / step));
  for (let t = origin + k0 * step; t <= nowMs + aheadMs; t += step) {
    const at = new Date(t).toISOString();
    if (t > nowMs) {
      slots.push({ at, status: "upcoming", openedAt: null, lateMs: null, volumeMl: null, aimMissed: false });
      openings.push(at);
      continue;
    }
    const first = lastBefore(times, t) + 1; // the first opening at or after t
    const o = first < times.length && times[first] < t + step ? recorded[first] : undefined;
    if (o) {
      slots.push({ at, status: "done", openedAt: o.at, lateMs: o.t - t, volumeMl: o.volumeMl, aimMissed: drainAimMissed(o.volumeMl) });
    } else {
      slots.push({ at, status: nowMs >= missedFrom(t) ? "missed" : "overdue", openedAt: null, lateMs: nowMs - t, volumeMl: null, aimMissed: false });
    }
  }

  const suggestion = f2Suggestion(recorded, nowMs, input.now);
  return {
    slots,
    nextOpeningAt: new Date(next).toISOString(),
    lastOpeningAt: last ? last.at : null,
    overdue: next <= nowMs,
    overdueMs: Math.max(0, nowMs - next),
    missedAt: new Date(missedAt).toISOString(),
    missed: nowMs >= missedAt,
    openings,
    suggestion,
    rules: suggestion ? ["F1", "F3", "F2"] : ["F1", "F3"],
  };
}

function f2Suggestion(recorded: { t: number; at: string; volumeMl: number | null }[], nowMs: number, now: string): FlipFlowSuggestion | null {
  const recent = recorded.filter((o): o is { t: number; at: string; volumeMl: number } => o.t >= nowMs - 24 * HOUR_MS && o.volumeMl !== null);
  const big = [...recent].reverse().find((o) => drainAimMissed(o.volumeMl));
  if (!big) return null;
  const twice = recent.find((o, i) => i > 0 && o.t === recent[i - 1].t);
  if (twice) {
    return {
      intervalMinutes: 0,
      rules: ["F2"],
      reason: `No interval can be suggested: two drains are recorded at ${formatLondon(twice.t)}; merge them into one drain or correct the time.`,
      drainedMl: big.volumeMl,
      drainedAt: big.at,
    };
  }
  const s = suggestFlipFlowInterval(recent.map((o) => ({ at: o.at, volumeMl: o.volumeMl })), now);
  return { ...s, drainedMl: big.volumeMl, drainedAt: big.at };
}
