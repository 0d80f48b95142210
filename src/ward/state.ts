import { assessBladder, assessFlipFlow, assessTwoc, type BladderAssessment, type BladderEvent, type FlipFlowAssessment, type TwocAssessment } from "../pathway/index.ts";
import type { FlipFlowScheduleRow, FlipFlowState, StoredEvent, WardEvent, WardState } from "./model.ts";

const DAY = 24 * 3600_000;

/** Stored rows as the events the ward and the engine read, in time order. */
export function toWardEvents(rows: StoredEvent[]): WardEvent[] {
  const sorted = [...rows].sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.id - b.id);
  return sorted.map((r): WardEvent => {
    switch (r.type) {
      case "catheter-removed":
        return { id: r.id, type: "catheter-removed", at: r.at };
      case "scan":
        return {
          id: r.id,
          type: "scan",
          at: r.at,
          phase: r.phase ?? "pre-void",
          volumeMl: r.volumeMl ?? 0,
          ...(r.sensationToVoid === null ? {} : { sensationToVoid: r.sensationToVoid }),
        };
      case "void":
        return { id: r.id, type: "void", at: r.at, ...(r.volumeMl === null ? {} : { volumeMl: r.volumeMl }) };
      case "recatheterised":
        return { id: r.id, type: "recatheterised", at: r.at, catheterType: r.catheterType };
      case "flip-flow-opening":
        return { id: r.id, type: "flip-flow-opening", at: r.at, volumeMl: r.volumeMl ?? 0 };
    }
  });
}

export function engineEvents(events: WardEvent[]): (BladderEvent & { id: number })[] {
  return events
    .filter((e) => e.type !== "flip-flow-opening")
    .map((e): BladderEvent & { id: number } => (e.type === "recatheterised" ? { id: e.id, type: e.type, at: e.at, flipFlowValve: e.catheterType === "long-term-flip-flow" } : e));
}

/** The engine's answer for the latest attempt, now. */
export function assess(events: WardEvent[], now: string): TwocAssessment {
  return assessTwoc(engineEvents(events), now);
}

/** The engine's bladder decisions (U6 lock, U-SAFE, urgency tier, next step) for the ward's events. */
export function bladderState(events: WardEvent[], now: string, options: { override: boolean; flipFlow: Pick<WardFlipFlow, "nextOpeningAt" | "overdue" | "missed"> | null }): BladderAssessment {
  const flipFlow = options.flipFlow ? { nextOpeningAt: options.flipFlow.nextOpeningAt, overdue: options.flipFlow.overdue, missed: options.flipFlow.missed } : null;
  return assessBladder({ events: engineEvents(events), now, override: options.override, flipFlow });
}

/** The catheter removal the engine treats as the current attempt (latest time; the later row on a tie). */
export function latestRemoval(events: WardEvent[]): WardEvent | null {
  let latest: WardEvent | null = null;
  for (const e of events) if (e.type === "catheter-removed") latest = e; // events are in time order
  return latest;
}

/**
 * Whether any attempt of the episode failed: each attempt is assessed by the engine with only
 * the events before the next catheter removal, as it stood when that next removal happened.
 */
export function anyAttemptFailed(events: WardEvent[], now: string): boolean {
  const bladder = engineEvents(events);
  const removals = bladder.filter((e) => e.type === "catheter-removed");
  for (let i = 0; i < removals.length; i++) {
    const next = removals[i + 1];
    const cutoff = next ? next.at : now;
    const before = bladder.filter((e) => (next ? Date.parse(e.at) < Date.parse(cutoff) : true));
    if (assessTwoc(before, cutoff).status === "failed") return true;
  }
  return false;
}

/** The ward's flip-flow state: the stored schedule plus the engine's assessment (missedAt, missed, rules). */
/** The ward's record of an episode with the engine's decisions on it. */
export type WardView = Omit<WardState, "flipFlow"> & { flipFlow: WardFlipFlow | null; bladder: BladderAssessment };

export type WardFlipFlow = Omit<FlipFlowState, "slots"> & Pick<FlipFlowAssessment, "slots" | "missedAt" | "missed" | "rules">;

/**
 * The flip-flow schedule as the ward sees it: the engine's assessFlipFlow (one definition of late
 * and missed for the page, the board, the calendar and the reminders) over the schedule in force
 * and the episode's recorded openings. `detail: false` (the board) lists no slots.
 */
export function flipFlowState(schedule: FlipFlowScheduleRow, events: WardEvent[], now: string, options: { detail?: boolean } = {}): WardFlipFlow {
  const detail = options.detail ?? true;
  const openings = events.filter((e): e is Extract<WardEvent, { type: "flip-flow-opening" }> => e.type === "flip-flow-opening");
  const a = assessFlipFlow({
    schedule: { intervalMinutes: schedule.intervalMinutes, firstOpeningAt: schedule.firstOpeningAt, startedAt: schedule.recordedAt },
    openings: openings.map((o) => ({ at: o.at, volumeMl: o.volumeMl })),
    now,
    window: detail ? { pastMs: DAY, aheadMs: DAY } : { pastMs: 0, aheadMs: 0 },
  });
  return {
    scheduleId: schedule.id,
    intervalMinutes: schedule.intervalMinutes,
    startedAt: schedule.recordedAt,
    firstOpeningAt: schedule.firstOpeningAt,
    nextOpeningAt: a.nextOpeningAt,
    lastOpeningAt: a.lastOpeningAt,
    openings: a.openings,
    slots: detail ? a.slots : [],
    overdue: a.overdue,
    overdueMs: a.overdueMs,
    missedAt: a.missedAt,
    missed: a.missed,
    rules: a.rules,
    suggestion: detail ? a.suggestion : null,
  };
}

/** Scheduled openings in (now, now + aheadMs] of the schedule in force, from the engine (calendars). */
export function flipFlowOpeningsAhead(ff: FlipFlowState, events: WardEvent[], now: string, aheadMs: number): string[] {
  return assessFlipFlow({
    schedule: { intervalMinutes: ff.intervalMinutes, firstOpeningAt: ff.firstOpeningAt, startedAt: ff.startedAt },
    openings: events.flatMap((e) => (e.type === "flip-flow-opening" ? [{ at: e.at, volumeMl: e.volumeMl }] : [])),
    now,
    window: { pastMs: 0, aheadMs },
  }).openings;
}
