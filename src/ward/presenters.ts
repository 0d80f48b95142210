import type { BladderActionKind } from "../pathway/index.ts";
import { formatDateTime, formatDuration, formatTime } from "../time.ts";
import { describeInterval, TWOC_STATUS_TAGS } from "./format.ts";
import { CATHETER_TYPE_NAMES, EVENT_TYPE_NAMES, TWOC_ACTION_TEXT, TWOC_ACTIONS, type StoredEvent, type WardEvent, type WardState } from "./model.ts";
import type { WardView } from "./state.ts";

/** What the TWOC panel shows, for the episode page and the nurse's bladder page alike. */
/** `dischargedAt`: once the patient has gone home the ward's no-void clock is not shown as running. */
export function twocPanel(state: WardView, now: string, episodeId: number, dischargedAt: string | null = null) {
  const nowMs = Date.parse(now);
  const { twoc } = state;
  const removal = [...state.events].reverse().find((e) => e.type === "catheter-removed");
  const attempt = removal ? state.events.filter((e) => Date.parse(e.at) >= Date.parse(removal.at)) : state.events;
  const scans = attempt.filter((e) => e.type === "scan").map((e) => ({ ...e, when: formatDateTime(e.at) }));
  const openAtDischarge = dischargedAt !== null && (twoc.status === "in-progress" || twoc.status === "review");
  const deadlineMs = twoc.noVoidDeadline && dischargedAt === null ? Date.parse(twoc.noVoidDeadline) : null;
  const failed = twoc.status === "failed";
  return {
    episodeId,
    tag: TWOC_STATUS_TAGS[twoc.status],
    twoc,
    safe: state.bladder.uSafe.active
      ? { resolved: state.bladder.uSafe.resolved, resolvedAt: state.bladder.uSafe.resolvedAt ? formatDateTime(state.bladder.uSafe.resolvedAt) : null }
      : null,
    /** The result's colour: red after a fail or an open U-SAFE alert, else the status tag's. */
    resultColour: state.bladder.uSafe.active && !state.bladder.uSafe.resolved ? "red" : TWOC_STATUS_TAGS[twoc.status].colour,
    rulesNow: state.bladder.rules,
    nextStep: dischargedAt === null ? state.bladder.nextStep : null,
    actions: dischargedAt === null ? bladderActions(state, episodeId) : null,
    // The pathway says nothing of a trial still open when the patient leaves: the product says so (U-REVIEW).
    openAtDischarge: openAtDischarge ? { when: formatDateTime(dischargedAt!) } : null,
    deadline:
      deadlineMs === null
        ? null
        : { clock: formatTime(new Date(deadlineMs)), full: formatDateTime(new Date(deadlineMs)), left: formatDuration(deadlineMs - nowMs), iso: new Date(deadlineMs).toISOString() },
    removedAt: removal ? formatDateTime(removal.at) : null,
    scans,
    failed,
    checklist: failed || state.failedTwoc ? failedTwocChecklist(state) : null,
    u6Locked: state.u6Locked,
    override: state.override ? { ...state.override, when: formatDateTime(state.override.recordedAt) } : null,
    flipFlow: state.flipFlow
      ? {
          interval: describeInterval(state.flipFlow.intervalMinutes),
          next: formatTime(state.flipFlow.nextOpeningAt),
          nextFull: formatDateTime(state.flipFlow.nextOpeningAt),
          overdue: state.flipFlow.overdue,
          overdueBy: formatDuration(state.flipFlow.overdueMs),
          left: formatDuration(Date.parse(state.flipFlow.nextOpeningAt) - nowMs),
        }
      : null,
  };
}

/** Where each of the engine's actions is done, and its words. */
const ACTION_LINKS: Record<BladderActionKind, { text: string; path: string }> = {
  "remove-catheter": { text: "Catheter removed", path: "bladder/record/catheter-removed" },
  "void-and-scan": { text: "Void and post-void scan", path: "bladder/void-and-scan" },
  "post-void-scan": { text: "Post-void scan", path: "bladder/record/scan?phase=post-void" },
  scan: { text: "Bladder scan", path: "bladder/record/scan" },
  void: { text: "Void only", path: "bladder/record/void" },
  recatheterise: { text: "Re-catheterised", path: "bladder/record/recatheterised" },
  "start-flip-flow": { text: "Start the flip-flow schedule", path: "flip-flow/start" },
  "open-valve": { text: "Flip-flow valve opened", path: "bladder/record/flip-flow-opening" },
};

/** Where the form for one of the engine's actions is, and its words. */
export function actionLink(kind: BladderActionKind, episodeId: number): { text: string; href: string } {
  return { text: ACTION_LINKS[kind].text, href: `/episodes/${episodeId}/${ACTION_LINKS[kind].path}` };
}

/** The engine's actions as links: those that apply (the next step's first), and those that do not with why. */
function bladderActions(state: WardView, episodeId: number) {
  const link = (kind: BladderActionKind) => ({ ...ACTION_LINKS[kind], href: `/episodes/${episodeId}/${ACTION_LINKS[kind].path}` });
  const first = state.bladder.nextStep.action;
  return {
    offered: state.bladder.actions.filter((a) => a.applies).map((a) => ({ ...link(a.kind), kind: a.kind, rules: a.rules, primary: a.kind === first })),
    notNow: state.bladder.actions.filter((a) => !a.applies).map((a) => ({ text: ACTION_LINKS[a.kind].text, kind: a.kind, why: a.why, rules: a.rules })),
  };
}

/** The failed-TWOC checklist (U5, U5/U8, U8, U7): the re-catheterisation from the events, the rest from the ticks. */
export function failedTwocChecklist(state: WardState) {
  const done: Record<string, boolean> = { "isc-referred": state.iscReferred, "isc-taught": state.iscTaught, "follow-up-arranged": state.u7FollowUpArranged };
  return [
    {
      action: "recatheterised",
      rules: ["U5"],
      text: "Re-catheterised with a long-term catheter with a flip-flow valve",
      done: state.recatheterisedWithFlipFlow,
      fromEvents: true,
    },
    ...TWOC_ACTIONS.map((action) => ({ action, ...TWOC_ACTION_TEXT[action], done: done[action], fromEvents: false })),
  ];
}

/** What was documented for U-SAFE at a re-catheterisation, or "" when nothing was. */
function safetyChecks(e: Pick<StoredEvent, "sensate" | "catheterTugDone" | "catheterTugResult">): string {
  const parts: string[] = [];
  if (typeof e.sensate === "boolean") parts.push(e.sensate ? "sensate" : "not sensate");
  if (e.catheterTugDone === true) parts.push(`catheter tug done: ${e.catheterTugResult ?? "result not recorded"}`);
  if (e.catheterTugDone === false) parts.push("catheter tug not done");
  return parts.length > 0 ? `; ${parts.join("; ")}` : "";
}

export function eventDescription(e: Pick<StoredEvent, "type" | "phase" | "volumeMl" | "sensationToVoid" | "catheterType" | "sensate" | "catheterTugDone" | "catheterTugResult">): string {
  switch (e.type) {
    case "scan":
      return `${e.phase === "post-void" ? "Post-void" : "Pre-void"} scan ${e.volumeMl} ml${e.sensationToVoid === true ? ", sensation to void" : e.sensationToVoid === false ? ", no sensation to void" : ""}`;
    case "void":
      return e.volumeMl === null ? "Voided (volume not measured)" : `Voided ${e.volumeMl} ml`;
    case "flip-flow-opening":
      return `Flip-flow valve opened, drained ${e.volumeMl} ml`;
    case "recatheterised":
      return `Re-catheterised: ${e.catheterType ? CATHETER_TYPE_NAMES[e.catheterType] : "type not recorded"}${safetyChecks(e)}`;
    default:
      return EVENT_TYPE_NAMES[e.type];
  }
}

export function historyRows(rows: StoredEvent[]) {
  return rows.map((r) => ({
    ...r,
    when: formatDateTime(r.at),
    recorded: formatDateTime(r.recordedAt),
    text: eventDescription(r),
    superseded: r.supersededBy !== null,
  }));
}

export function chartTable(events: WardEvent[]) {
  return events.map((e) => ({
    when: formatDateTime(e.at),
    type: EVENT_TYPE_NAMES[e.type],
    volume: "volumeMl" in e && typeof e.volumeMl === "number" ? `${e.volumeMl} ml` : "",
    detail: eventDescription({
      type: e.type,
      phase: e.type === "scan" ? e.phase : null,
      volumeMl: "volumeMl" in e && typeof e.volumeMl === "number" ? e.volumeMl : null,
      sensationToVoid: e.type === "scan" && typeof e.sensationToVoid === "boolean" ? e.sensationToVoid : null,
      catheterType: e.type === "recatheterised" ? e.catheterType : null,
    }),
  }));
}
