import { PathwayInputError } from "./errors.ts";
import type { RuleId } from "./rules.ts";
import { HOUR_MS, describeLondon, formatLondon, parseInstant, requireVolume } from "./time.ts";

export type BladderEvent =
  | { type: "catheter-removed"; at: string }
  | { type: "scan"; at: string; phase: "pre-void" | "post-void"; volumeMl: number; sensationToVoid?: boolean }
  | { type: "void"; at: string; volumeMl?: number }
  /** `flipFlowValve`: a long-term catheter with a flip-flow valve (U5); the TWOC decision does not read it. */
  | { type: "recatheterised"; at: string; flipFlowValve?: boolean };

export type TwocStatus = "not-started" | "in-progress" | "passed" | "failed" | "review";

export interface TwocAssessment {
  status: TwocStatus;
  rules: RuleId[];
  reason: string;
  noVoidDeadline: string | null;
}

/** U4: no void for 6 hours. */
export const NO_VOID_LIMIT_MS = 6 * HOUR_MS;
/** U2: a post-void scan under this passes. */
export const PASS_POST_VOID_ML = 100;
/** U3: a pre-void scan over this, with no sensation to void, fails. */
export const FAIL_PRE_VOID_ML = 500;

type Timed =
  | { type: "catheter-removed"; t: number; index: number }
  | { type: "scan"; t: number; index: number; phase: "pre-void" | "post-void"; volumeMl: number; sensationToVoid?: boolean }
  | { type: "void"; t: number; index: number }
  | { type: "recatheterised"; t: number; index: number };

function validate(events: unknown, nowMs: number): Timed[] {
  if (!Array.isArray(events)) {
    throw new PathwayInputError("missing-field", "events", "events must be a list of bladder events (it may be empty).");
  }
  return events.map((raw: unknown, index): Timed => {
    const field = `events[${index}]`;
    if (typeof raw !== "object" || raw === null) {
      throw new PathwayInputError("invalid-value", field, `${field} is not a bladder event.`);
    }
    const e = raw as Record<string, unknown>;
    const t = parseInstant(e.at, `${field}.at`);
    if (t > nowMs) {
      throw new PathwayInputError(
        "event-after-now",
        `${field}.at`,
        `${field}.at ${String(e.at)} is later than now (${formatLondon(nowMs)}): an event cannot be recorded in the future.`,
      );
    }
    switch (e.type) {
      case "catheter-removed":
        return { type: "catheter-removed", t, index };
      case "void":
        if (e.volumeMl !== undefined) requireVolume(e.volumeMl, `${field}.volumeMl`);
        return { type: "void", t, index };
      case "recatheterised":
        return { type: "recatheterised", t, index };
      case "scan": {
        if (e.phase !== "pre-void" && e.phase !== "post-void") {
          throw new PathwayInputError("invalid-value", `${field}.phase`, `${field}.phase must be "pre-void" or "post-void".`);
        }
        const volumeMl = requireVolume(e.volumeMl, `${field}.volumeMl`);
        if (e.phase === "pre-void" && typeof e.sensationToVoid !== "boolean") {
          throw new PathwayInputError(
            "missing-field",
            `${field}.sensationToVoid`,
            `${field}.sensationToVoid is required on a pre-void scan: record whether the patient has a sensation to void (U3).`,
          );
        }
        if (e.sensationToVoid !== undefined && typeof e.sensationToVoid !== "boolean") {
          throw new PathwayInputError("invalid-value", `${field}.sensationToVoid`, `${field}.sensationToVoid must be true or false.`);
        }
        return { type: "scan", t, index, phase: e.phase, volumeMl, sensationToVoid: e.sensationToVoid as boolean | undefined };
      }
      default:
        throw new PathwayInputError(
          "invalid-value",
          `${field}.type`,
          `${field}.type must be "catheter-removed", "scan", "void" or "recatheterised".`,
        );
    }
  });
}

const SAFE_TEXT = "bladder over 600 ml: catheterise, document whether sensate and perform a catheter tug";

/**
 * Assess the trial without catheter that starts at the latest catheter removal.
 *
 * Events are taken in time order (events at the same instant in the order given). The first
 * deciding event decides and passed/failed are final for the attempt: later events are not read.
 * U4 fires at exactly 6 h after the later of removal and the last void; an event at or after that
 * instant cannot rescue the attempt. A post-void scan does not by itself count as a void: record
 * the void. U-SAFE (up to the deciding event) follows the source's two cases: a post-void residual
 * over 600 ml, or a pre-void scan over 600 ml with no void recorded after it (unable to void).
 * A re-catheterisation before any rule decides ends the trial undecided: the pathway does not say
 * whether that is a pass or a failure, so it asks for clinical review and the U4 clock stops.
 */
export function assessTwoc(events: BladderEvent[], now: string): TwocAssessment {
  const nowMs = parseInstant(now, "now");
  const timed = validate(events, nowMs);

  let start: Timed | undefined;
  for (const e of timed) {
    if (e.type === "catheter-removed" && (start === undefined || e.t >= start.t)) start = e;
  }
  if (start === undefined) {
    return {
      status: "not-started",
      rules: ["U1"],
      reason: "No catheter removal is recorded, so the trial without catheter has not started.",
      noVoidDeadline: null,
    };
  }
  const removal = start;
  const attempt = timed
    .filter((e) => e.index !== removal.index && e.t >= removal.t)
    .sort((a, b) => a.t - b.t || a.index - b.index);

  let clockFrom = removal.t;
  let clockLabel = `catheter removal at ${describeLondon(removal.t)}`;
  let largestPostVoid = -1;
  let largestPreVoidSinceVoid = -1; // a void shows the patient is able to void
  let review: number | undefined;
  let lastVoid: number | undefined;
  const safeMl = (): number => Math.max(largestPostVoid, largestPreVoidSinceVoid);
  const withSafe = (ids: RuleId[]): RuleId[] => (safeMl() > 600 ? [...ids, "U-SAFE"] : ids);
  const safeSuffix = (): string => (safeMl() > 600 ? `; largest scan ${safeMl()} ml - ${SAFE_TEXT}` : "");
  const failU4 = (): TwocAssessment => ({
    status: "failed",
    rules: withSafe(["U4"]),
    reason: `No void in the 6 hours since the ${clockLabel}, so the TWOC failed at ${describeLondon(clockFrom + NO_VOID_LIMIT_MS)}${safeSuffix()}.`,
    noVoidDeadline: null,
  });

  for (const e of attempt) {
    if (e.t >= clockFrom + NO_VOID_LIMIT_MS) return failU4();
    if (e.type === "void") {
      largestPreVoidSinceVoid = -1;
      lastVoid = e.t;
      clockFrom = e.t;
      clockLabel = `last void at ${describeLondon(e.t)}`;
      continue;
    }
    if (e.type === "catheter-removed") continue; // same instant as the latest removal
    if (e.type === "recatheterised") {
      return {
        status: "review",
        rules: withSafe(["U-REVIEW"]),
        reason: `Re-catheterised at ${describeLondon(e.t)} before a pass (U2) or a failure (U3, U4) was recorded: the pathway does not say how to read a trial ended this way - clinical review; the no-void clock (U4) stops while the catheter is in${safeSuffix()}.`,
        noVoidDeadline: null,
      };
    }
    if (e.phase === "post-void") largestPostVoid = Math.max(largestPostVoid, e.volumeMl);
    else largestPreVoidSinceVoid = Math.max(largestPreVoidSinceVoid, e.volumeMl);
    if (e.phase === "pre-void" && e.volumeMl > FAIL_PRE_VOID_ML && e.sensationToVoid === false) {
      return {
        status: "failed",
        rules: withSafe(["U3"]),
        reason: `Pre-void scan ${e.volumeMl} ml with no sensation to void${safeSuffix()}.`,
        noVoidDeadline: null,
      };
    }
    if (e.phase === "post-void") {
      if (e.volumeMl < PASS_POST_VOID_ML) {
        return {
          status: "passed",
          rules: withSafe(["U2"]),
          reason: `Post-void scan ${e.volumeMl} ml is under 100 ml, so no catheter is required at discharge${safeSuffix()}.`,
          noVoidDeadline: null,
        };
      }
      review = e.volumeMl;
    }
  }

  const deadline = clockFrom + NO_VOID_LIMIT_MS;
  if (nowMs >= deadline) return failU4();
  const deadlineText = `no void by ${describeLondon(deadline)} fails it (U4)`;
  if (review !== undefined) {
    return {
      status: "review",
      rules: withSafe(["U-REVIEW"]),
      reason: `Post-void scan ${review} ml is 100 ml or more with no failure rule fired: outside the pathway's explicit thresholds - clinical review; the TWOC stays open and ${deadlineText}${safeSuffix()}.`,
      noVoidDeadline: formatLondon(deadline),
    };
  }
  // Any post-void scan decides (U2) or asks for review, so a void here has no post-void scan yet.
  const awaiting = lastVoid === undefined ? "awaiting a void with a post-void scan" : `voided at ${describeLondon(lastVoid)}, awaiting its post-void scan`;
  return {
    status: "in-progress",
    rules: withSafe(["U1"]),
    reason: `TWOC in progress since the catheter removal at ${describeLondon(removal.t)}: ${awaiting}; ${deadlineText}${safeSuffix()}.`,
    noVoidDeadline: formatLondon(deadline),
  };
}
