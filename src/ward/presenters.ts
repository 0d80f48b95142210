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
    safe: state.bladder.uSafe.active ? { resolved: state.bladder.uSafe.resolved } : null,
    nextStep: dischargedAt === null ? state.bladder.nextStep : null,
    // The pathway says nothing of a trial still open when the patient leaves: the product says so (U-REVIEW).
    openAtDischarge: openAtDischarge ? { when: formatDateTime(dischargedAt!) } : null,
    deadline:
      deadlineMs === null
        ? null
        : { clock: formatTime(new Date(deadlineMs)), full: formatDateTime(new Date(deadlineMs)), left: formatDuration(deadlineMs - nowMs), iso: new Date(deadlineMs).toISOString() },
    removedAt: removal ? formatDateTime(removal.at) : null,
    scans,
    failed,
    checklist: failed || state.failedTwoc ? checklist(state) : null,
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

function checklist(state: WardState) {
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

export function eventDescription(e: Pick<StoredEvent, "type" | "phase" | "volumeMl" | "sensationToVoid" | "catheterType">): string {
  switch (e.type) {
    case "scan":
      return `${e.phase === "post-void" ? "Post-void" : "Pre-void"} scan ${e.volumeMl} ml${e.sensationToVoid === true ? ", sensation to void" : e.sensationToVoid === false ? ", no sensation to void" : ""}`;
    case "void":
      return e.volumeMl === null ? "Voided (volume not measured)" : `Voided ${e.volumeMl} ml`;
    case "flip-flow-opening":
      return `Flip-flow valve opened, drained ${e.volumeMl} ml`;
    case "recatheterised":
      return `Re-catheterised: ${e.catheterType ? CATHETER_TYPE_NAMES[e.catheterType] : "type not recorded"}`;
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
