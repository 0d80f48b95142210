import type { Knex } from "knex";
import { readAll } from "../db/knex.ts";
import { activeEvents, activeSchedules, latestActions, overrides } from "./repository.ts";
import { anyAttemptFailed, bladderState, flipFlowState, latestRemoval, toWardEvents, type WardView } from "./state.ts";

export type { FlipFlowState, OpeningSlot, WardEvent, WardState } from "./model.ts";
export type { WardFlipFlow, WardView } from "./state.ts";

/**
 * The ward's record of one episode, for other features (reminders, letters). Pass the
 * transaction you are in (SQLite has one connection). Reads only; never recomputes a rule:
 * `twoc` is the engine's assessTwoc answer, the bladder decisions are assessBladder's and the
 * flip-flow slots are assessFlipFlow's.
 *
 * {
 *   episodeId: number,
 *   events: WardEvent[]            current (not superseded) events in time order, each with its row id:
 *                                  the engine's BladderEvent ("catheter-removed" | "scan" | "void" | "recatheterised",
 *                                  here with its catheterType) plus {type: "flip-flow-opening", at, volumeMl}
 *   twoc: TwocAssessment           assessTwoc(events, now) for the latest attempt
 *                                  {status, rules, reason, noVoidDeadline (London offset ISO or null)}
 *   flipFlow: null | {             the schedule in force
 *     scheduleId, intervalMinutes, startedAt (recorded), firstOpeningAt (grid origin),
 *     nextOpeningAt               earliest opening not done since the last one recorded (in the past = overdue),
 *     lastOpeningAt | null, overdue: boolean, overdueMs,
 *     openings: string[]           scheduled openings in (now, now + 24 h], UTC ISO,
 *     slots: OpeningSlot[]         openings from now - 24 h to now + 24 h with status done|overdue|missed|upcoming,
 *     missedAt, missed             when the next opening counts as missed (assessFlipFlow: F1's 4 h since the
 *                                  last opening, or the next slot due, whichever first) and whether it is now,
 *     suggestion: F2 suggestion when an opening in the last 24 h drained >= 500 ml, else null }
 *   failedTwoc: boolean            any TWOC attempt of the episode failed (U3/U4)
 *   u7FollowUpArranged: boolean    U7 follow-up ticked as arranged
 *   iscReferred: boolean           U5/U8 ISC referral ticked
 *   iscTaught: boolean             U8 ISC teaching ticked
 *   recatheterisedWithFlipFlow: boolean   a long-term catheter with a flip-flow valve is recorded (U5)
 *   u6Locked: boolean              a new catheter removal would be refused (U6), from the engine's assessBladder
 *   bladder: BladderAssessment     assessBladder: twoc, u6Locked, uSafe {active, resolved}, tier, nextStep {text, rules}
 *   override: {reason, recordedBy, recordedAt} | null   the clinician override covering the latest failed attempt
 * }
 * All instants are UTC ISO strings unless noted.
 */
export async function getWardState(db: Knex | Knex.Transaction, episodeId: number, nowIso: string): Promise<WardView> {
  const [rows, schedules, overrideRows, actions] = await readAll(
    db,
    () => activeEvents(db, [episodeId]),
    () => activeSchedules(db, [episodeId]),
    () => overrides(db, episodeId),
    () => latestActions(db, episodeId),
  );
  const events = toWardEvents(rows.filter((r) => Date.parse(r.at) <= Date.parse(nowIso)));
  const removal = latestRemoval(events);
  const override = removal ? (overrideRows.find((o) => o.failedRemovalEventId === removal.id) ?? null) : null;
  const schedule = schedules.length > 0 ? schedules[schedules.length - 1] : null;
  const flipFlow = schedule ? flipFlowState(schedule, events, nowIso) : null;
  const bladder = bladderState(events, nowIso, { override: override !== null, flipFlow });
  return {
    episodeId,
    events,
    twoc: bladder.twoc,
    bladder,
    flipFlow,
    failedTwoc: anyAttemptFailed(events, nowIso),
    u7FollowUpArranged: actions["follow-up-arranged"]?.done ?? false,
    iscReferred: actions["isc-referred"]?.done ?? false,
    iscTaught: actions["isc-taught"]?.done ?? false,
    recatheterisedWithFlipFlow: events.some((e) => e.type === "recatheterised" && e.catheterType === "long-term-flip-flow"),
    u6Locked: bladder.u6Locked,
    override: override ? { reason: override.reason, recordedBy: override.recordedBy, recordedAt: override.recordedAt } : null,
  };
}
