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

/** What a nurse can record or do on the bladder page; the ward maps each to its form. */
export const BLADDER_ACTIONS = ["remove-catheter", "void-and-scan", "post-void-scan", "scan", "void", "recatheterise", "start-flip-flow", "open-valve"] as const;
export type BladderActionKind = (typeof BLADDER_ACTIONS)[number];

/** One action with whether it applies now; `why` says why not (null: another action covers it, so it is not offered). */
export interface BladderAction {
  kind: BladderActionKind;
  applies: boolean;
  why: string | null;
  rules: RuleId[];
}

/** 0 urgent (U-SAFE), 1 action due now, 2 clinical review, 3 something timed, 4 nothing timed. */
export type BladderTier = 0 | 1 | 2 | 3 | 4;

/**
 * Next steps that are due as soon as they are shown, whatever clock runs: a void waits for its
 * post-void scan (U1), and a re-catheterised patient has no flip-flow schedule yet (U5, F1), so no
 * opening would ever be due.
 */
const ACTIONS_DUE_NOW: ReadonlySet<BladderActionKind | null> = new Set(["post-void-scan", "start-flip-flow"]);

export interface BladderAssessment {
  twoc: TwocAssessment;
  /** U6: a new catheter removal is refused (the latest attempt failed, no clinician override). */
  u6Locked: boolean;
  /** U-SAFE fired on the latest attempt; resolved once the patient is catheterised after the scan over 600 ml. */
  uSafe: { active: boolean; resolved: boolean; rules: RuleId[]; resolvedAt: string | null };
  /** The TWOC's rule ids in force now: U-SAFE leaves once resolved (the history keeps it). */
  rules: RuleId[];
  /** A re-catheterisation is recorded at or after the latest catheter removal. */
  recatheterised: boolean;
  /** The U4 no-void clock is running (a TWOC open and no catheter back in). */
  noVoidClock: boolean;
  /** The failed TWOC still needs the U5 re-catheterisation (no catheter and no flip-flow schedule yet). */
  recatheteriseNow: boolean;
  tier: BladderTier;
  /** The next thing the nurse should do, in words with its rule ids. */
  nextStep: { text: string; rules: RuleId[]; action: BladderActionKind | null };
  /** Every action: the next step's first, then the others that apply, then those that do not, with why. */
  actions: BladderAction[];
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
  const recathEvents = attempt.filter((e) => e.type === "recatheterised");
  const recaths = recathEvents.map((e) => parseInstant(e.at, "at"));
  const recatheterised = removal > -Infinity && recaths.length > 0;
  const valve = recatheterised && recathEvents.some((e) => e.flipFlowValve === true);

  const active = twoc.rules.includes("U-SAFE");
  let lastOver = -Infinity;
  for (const e of attempt) if (e.type === "scan" && e.volumeMl > SAFE_VOLUME_ML) lastOver = Math.max(lastOver, parseInstant(e.at, "at"));
  const resolvedBy = active ? recathEvents.find((e) => parseInstant(e.at, "at") >= lastOver) : undefined;
  const resolved = resolvedBy !== undefined;
  const failed = twoc.status === "failed";
  const recatheteriseNow = failed && !recatheterised && flipFlow === null;
  const noVoidClock = twoc.noVoidDeadline !== null && !recatheterised;

  const u6Locked = failed && !override;
  const step = nextStep(twoc, { unresolvedSafe: active && !resolved, failed, recatheterised, valve, flipFlow, attempt });

  let tier: BladderTier = 4;
  if (active && !resolved) tier = 0;
  else if (recatheteriseNow || flipFlow?.overdue === true || ACTIONS_DUE_NOW.has(step.action)) tier = 1;
  else if (twoc.status === "review") tier = 2;
  else if (flipFlow !== null || noVoidClock) tier = 3;
  const situation: Situation = { twoc, started: removal > -Infinity, recatheterised, valve, u6Locked, trialOpen: noVoidClock, flipFlow, unresolvedSafe: active && !resolved, pendingVoid: step.action === "post-void-scan" };
  return {
    twoc,
    u6Locked,
    uSafe: { active, resolved, rules: active ? ["U-SAFE"] : [], resolvedAt: resolvedBy?.at ?? null },
    rules: resolved ? twoc.rules.filter((r) => r !== "U-SAFE") : twoc.rules,
    recatheterised,
    noVoidClock,
    recatheteriseNow,
    tier,
    nextStep: step,
    actions: orderActions(BLADDER_ACTIONS.map((kind) => actionFor(kind, situation)), step.action),
  };
}

interface Situation {
  twoc: TwocAssessment;
  started: boolean;
  recatheterised: boolean;
  valve: boolean;
  u6Locked: boolean;
  trialOpen: boolean;
  flipFlow: BladderInput["flipFlow"];
  unresolvedSafe: boolean;
  /** A void in the open trial still waits for its post-void scan (the next step says so). */
  pendingVoid: boolean;
}

const yes = (kind: BladderActionKind, rules: RuleId[]): BladderAction => ({ kind, applies: true, why: null, rules });
const no = (kind: BladderActionKind, why: string | null, rules: RuleId[]): BladderAction => ({ kind, applies: false, why, rules });

/** Why a scan or a void decides nothing now (no trial open). */
function noTrialWhy(s: Situation): { why: string; rules: RuleId[] } {
  if (s.twoc.status === "failed") return { why: "The TWOC has failed: a scan or a void no longer decides it", rules: s.twoc.rules.filter((r) => r !== "U-SAFE") };
  if (s.twoc.status === "passed") return { why: "The TWOC has passed: no catheter is required (U2)", rules: ["U2"] };
  return { why: "A catheter is in: scans and voids count once it is removed for a trial (U1)", rules: ["U1"] };
}

function actionFor(kind: BladderActionKind, s: Situation): BladderAction {
  const catheterIn = !s.started || s.recatheterised;
  switch (kind) {
    case "remove-catheter":
      if (s.u6Locked) return no(kind, "U6: the last TWOC failed, so another is not started at this stage; a clinician's override with a reason comes first", ["U6"]);
      if (!catheterIn) return no(kind, "No catheter is in: it was removed and not replaced", ["U1"]);
      return yes(kind, ["U1"]);
    case "post-void-scan":
      return s.pendingVoid ? yes(kind, ["U1", "U2"]) : no(kind, null, ["U1"]);
    case "void-and-scan":
    case "scan":
    case "void": {
      if (s.trialOpen) return yes(kind, ["U1"]);
      const { why, rules } = noTrialWhy(s);
      return no(kind, kind === "void-and-scan" ? why : null, rules);
    }
    case "recatheterise":
      return catheterIn ? no(kind, "A catheter is already in", ["U5"]) : yes(kind, s.unresolvedSafe ? ["U-SAFE"] : s.twoc.status === "failed" ? ["U5"] : s.trialOpen ? ["U-REVIEW"] : []);
    case "start-flip-flow":
      if (s.flipFlow) return no(kind, "A flip-flow schedule is already in force: change it on the flip-flow page", ["F1"]);
      if (s.valve || (s.recatheterised && s.twoc.status === "failed")) return yes(kind, ["U5", "F1"]);
      return no(kind, "No catheter with a flip-flow valve is recorded (U5)", ["U5"]);
    case "open-valve":
      if (s.flipFlow) return yes(kind, ["F1", "F3"]);
      return no(kind, s.trialOpen ? "During a trial without catheter there is no valve to open" : "No flip-flow schedule is in force (F1)", ["F1"]);
  }
}

function orderActions(actions: BladderAction[], first: BladderActionKind | null): BladderAction[] {
  const rank = (a: BladderAction) => (a.kind === first && a.applies ? 0 : a.applies ? 1 : 2);
  return actions.filter((a) => a.applies || a.why !== null).sort((a, b) => rank(a) - rank(b));
}

function nextStep(
  twoc: TwocAssessment,
  s: { unresolvedSafe: boolean; failed: boolean; recatheterised: boolean; valve: boolean; flipFlow: BladderInput["flipFlow"]; attempt: BladderEvent[] },
): BladderAssessment["nextStep"] {
  if (s.unresolvedSafe) {
    return { text: "Catheterise now: bladder over 600 ml. Document whether sensate and perform a catheter tug (U-SAFE)", rules: ["U-SAFE"], action: "recatheterise" };
  }
  if (s.failed && !s.recatheterised && !s.flipFlow) {
    return { text: "Re-catheterise with a long-term catheter with a flip-flow valve, and refer to learn ISC (U5)", rules: ["U5"], action: "recatheterise" };
  }
  if (s.flipFlow && (s.flipFlow.overdue || s.flipFlow.missed)) {
    return { text: "Open the flip-flow valve now (F1)", rules: ["F1"], action: "open-valve" };
  }
  if (s.failed && !s.flipFlow) return { text: "Start the flip-flow schedule (U5, F1)", rules: ["U5", "F1"], action: "start-flip-flow" };
  if (twoc.status === "review" && s.valve && !s.flipFlow) {
    return { text: "Start the flip-flow schedule (F1); the trial ended undecided: clinical review (U-REVIEW)", rules: ["F1", "U-REVIEW"], action: "start-flip-flow" };
  }
  if (twoc.status === "review") return { text: "Clinical review: outside the pathway's explicit thresholds (U-REVIEW)", rules: ["U-REVIEW"], action: null };
  if (twoc.status === "in-progress") {
    // Any post-void scan decides (U2) or asks for review (U-REVIEW), so an open trial with a void has none yet.
    if (s.attempt.some((e) => e.type === "void")) return { text: "Do the post-void scan now (U1)", rules: ["U1"], action: "post-void-scan" };
    return {
      text: `Scan before and after the next void (U1); no void by ${describeLondon(parseInstant(twoc.noVoidDeadline, "noVoidDeadline"))} fails the TWOC (U4)`,
      rules: ["U1", "U4"],
      action: "void-and-scan",
    };
  }
  if (s.flipFlow) {
    return { text: `Open the flip-flow valve at ${describeLondon(parseInstant(s.flipFlow.nextOpeningAt, "flipFlow.nextOpeningAt"))}, by the clock (F1, F3)`, rules: ["F1", "F3"], action: "open-valve" };
  }
  if (twoc.status === "passed") return { text: "No catheter required at discharge (U2)", rules: ["U2"], action: null };
  // Every failed and open trial is answered above: what is left is a trial not started.
  return { text: "Remove the catheter for a trial without catheter as soon as possible (U1)", rules: ["U1"], action: "remove-catheter" };
}
