import { PathwayInputError } from "./errors.ts";
import type { RuleId } from "./rules.ts";
import { describeLondon, parseInstant } from "./time.ts";
import { assessTwoc, type BladderEvent, type TwocAssessment } from "./twoc.ts";

/** U-SAFE: a bladder volume over 600 ml (600 ml itself is not over). */
export const SAFE_VOLUME_ML = 600;

export interface BladderInput {
  events: BladderEvent[];
  now: string;
  /** A clinician's override (U6) covers the latest failed attempt. */
  override?: boolean;
  /** The flip-flow schedule in force, from assessFlipFlow; null or absent when none. */
  flipFlow?: { nextOpeningAt: string; overdue: boolean; missed: boolean } | null;
}

/** 0 urgent (U-SAFE), 1 action due now, 2 clinical review, 3 something timed, 4 nothing timed. */
export type BladderTier = 0 | 1 | 2 | 3 | 4;

export interface BladderAssessment {
  twoc: TwocAssessment;
  /** U6: a new catheter removal is refused (the latest attempt failed, no clinician override). */
  u6Locked: boolean;
  /** U-SAFE fired on the latest attempt; resolved once the patient is catheterised after the scan over 600 ml. */
  uSafe: { active: boolean; resolved: boolean; rules: RuleId[] };
  /** A re-catheterisation is recorded at or after the latest catheter removal. */
  recatheterised: boolean;
  /** The U4 no-void clock is running (a TWOC open and no catheter back in). */
  noVoidClock: boolean;
  /** The failed TWOC still needs the U5 re-catheterisation (no catheter and no flip-flow schedule yet). */
  recatheteriseNow: boolean;
  tier: BladderTier;
  /** The next thing the nurse should do, in words with its rule ids. */
  nextStep: { text: string; rules: RuleId[] };
}

/**
 * The bladder decisions the ward shows for an episode, from the TWOC events (assessTwoc) and the
 * flip-flow schedule in force: the U6 lock, U-SAFE and whether it is resolved, the board's urgency
 * tier and the next step for the nurse.
 */
export function assessBladder(input: BladderInput): BladderAssessment {
  if (typeof input !== "object" || input === null) {
    throw new PathwayInputError("missing-field", "input", "events and now are required.");
  }
  const twoc = assessTwoc(input.events, input.now);
  const flipFlow = input.flipFlow ?? null;
  const override = input.override === true;

  let removal = -Infinity;
  for (const e of input.events) if (e.type === "catheter-removed") removal = Math.max(removal, parseInstant(e.at, "at"));
  const attempt = input.events.filter((e) => parseInstant(e.at, "at") >= removal);
  const recaths = attempt.filter((e) => e.type === "recatheterised").map((e) => parseInstant(e.at, "at"));
  const recatheterised = removal > -Infinity && recaths.length > 0;

  const active = twoc.rules.includes("U-SAFE");
  let lastOver = -Infinity;
  for (const e of attempt) if (e.type === "scan" && e.volumeMl > SAFE_VOLUME_ML) lastOver = Math.max(lastOver, parseInstant(e.at, "at"));
  const resolved = active && recaths.some((t) => t >= lastOver);
  const failed = twoc.status === "failed";
  const recatheteriseNow = failed && !recatheterised && flipFlow === null;
  const noVoidClock = twoc.noVoidDeadline !== null && !recatheterised;

  let tier: BladderTier = 4;
  if (active && !resolved) tier = 0;
  else if (recatheteriseNow || flipFlow?.overdue === true) tier = 1;
  else if (twoc.status === "review") tier = 2;
  else if (flipFlow !== null || noVoidClock) tier = 3;

  return {
    twoc,
    u6Locked: failed && !override,
    uSafe: { active, resolved, rules: active ? ["U-SAFE"] : [] },
    recatheterised,
    noVoidClock,
    recatheteriseNow,
    tier,
    nextStep: nextStep(twoc, { unresolvedSafe: active && !resolved, failed, recatheterised, flipFlow, attempt }),
  };
}

function nextStep(
  twoc: TwocAssessment,
  s: { unresolvedSafe: boolean; failed: boolean; recatheterised: boolean; flipFlow: BladderInput["flipFlow"]; attempt: BladderEvent[] },
): BladderAssessment["nextStep"] {
  if (s.unresolvedSafe) {
    return { text: "Catheterise now: bladder over 600 ml. Document whether sensate and perform a catheter tug (U-SAFE)", rules: ["U-SAFE"] };
  }
  if (s.failed && !s.recatheterised && !s.flipFlow) {
    return { text: "Re-catheterise with a long-term catheter with a flip-flow valve, and refer to learn ISC (U5)", rules: ["U5"] };
  }
  if (s.flipFlow && (s.flipFlow.overdue || s.flipFlow.missed)) {
    return { text: "Open the flip-flow valve now (F1)", rules: ["F1"] };
  }
  if (s.failed && !s.flipFlow) return { text: "Start the flip-flow schedule (U5, F1)", rules: ["U5", "F1"] };
  if (twoc.status === "review") return { text: "Clinical review: outside the pathway's explicit thresholds (U-REVIEW)", rules: ["U-REVIEW"] };
  if (twoc.status === "in-progress") {
    // Any post-void scan decides (U2) or asks for review (U-REVIEW), so an open trial with a void has none yet.
    if (s.attempt.some((e) => e.type === "void")) return { text: "Do the post-void scan now (U1)", rules: ["U1"] };
    return {
      text: `Scan before and after the next void (U1); no void by ${describeLondon(parseInstant(twoc.noVoidDeadline, "noVoidDeadline"))} fails the TWOC (U4)`,
      rules: ["U1", "U4"],
    };
  }
  if (s.flipFlow) {
    return { text: `Open the flip-flow valve at ${describeLondon(parseInstant(s.flipFlow.nextOpeningAt, "flipFlow.nextOpeningAt"))}, by the clock (F1, F3)`, rules: ["F1", "F3"] };
  }
  if (twoc.status === "passed") return { text: "No catheter required at discharge (U2)", rules: ["U2"] };
  // Every failed and open trial is answered above: what is left is a trial not started.
  return { text: "Remove the catheter for a trial without catheter as soon as possible (U1)", rules: ["U1"] };
}
