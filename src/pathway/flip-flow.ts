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
