import { assessTwoc, flipFlowSchedule, PathwayInputError, suggestFlipFlowInterval, type BladderEvent, type TwocAssessment } from "../pathway/index.ts";
import type { FlipFlowScheduleRow, FlipFlowState, OpeningSlot, StoredEvent, WardEvent } from "./model.ts";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** F2: the aim is a bladder volume under 500 ml at each opening (the engine's threshold, restated for the flag only). */
const DRAIN_AIM_ML = 500;

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
    .map((e): BladderEvent & { id: number } => (e.type === "recatheterised" ? { id: e.id, type: e.type, at: e.at } : e));
}

/** The engine's answer for the latest attempt, now. */
export function assess(events: WardEvent[], now: string): TwocAssessment {
  return assessTwoc(engineEvents(events), now);
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

/**
 * The flip-flow schedule as the ward sees it. Openings are the engine's schedule: the first opening,
 * then every interval of elapsed time (F1, F3: by the clock). A recorded opening ticks the slot it
 * follows (scheduled time <= opened < next scheduled time); an opening before its scheduled time
 * ticks nothing, so an early extra opening never cancels a later one. A slot not done by its time is
 * overdue (no grace period is assumed: the pathway gives none); once the next slot is due it is missed.
 */
export function flipFlowState(schedule: FlipFlowScheduleRow, events: WardEvent[], now: string, options: { detail?: boolean } = {}): FlipFlowState {
  const detail = options.detail ?? true;
  const nowMs = Date.parse(now);
  const step = schedule.intervalMinutes * MINUTE;
  const origin = Date.parse(schedule.firstOpeningAt);
  const openings = events.filter((e): e is Extract<WardEvent, { type: "flip-flow-opening" }> => e.type === "flip-flow-opening");
  const openedMs = openings.map((o) => Date.parse(o.at));

  const last = openings.length > 0 ? openings[openings.length - 1] : null;
  const lastMs = last ? openedMs[openedMs.length - 1] : null;
  const nextK = lastMs === null || lastMs < origin ? 0 : Math.floor((lastMs - origin) / step) + 1;
  // The engine's schedule from the slot after the last opening; the board needs only its first time.
  const kStart = detail ? Math.max(0, Math.min(nextK, Math.ceil((nowMs - DAY - origin) / step))) : nextK;
  const from = origin + kStart * step;
  const until = detail ? Math.max(nowMs + DAY, from) : from;
  const times = flipFlowSchedule({ from: new Date(from).toISOString(), until: new Date(until).toISOString(), intervalMinutes: schedule.intervalMinutes }).map((s) => Date.parse(s));
  const next = origin + nextK * step;

  const slots: OpeningSlot[] = !detail
    ? []
    : times.filter((t) => t >= nowMs - DAY).map((t) => {
        const i = openedMs.findIndex((o) => o >= t && o < t + step);
        const at = new Date(t).toISOString();
        if (t > nowMs) return { at, status: "upcoming", openedAt: null, volumeMl: null, lateMs: null };
        if (i >= 0) return { at, status: "done", openedAt: openings[i].at, volumeMl: openings[i].volumeMl, lateMs: openedMs[i] - t };
        return { at, status: t + step <= nowMs ? "missed" : "overdue", openedAt: null, volumeMl: null, lateMs: nowMs - t };
      });

  return {
    scheduleId: schedule.id,
    intervalMinutes: schedule.intervalMinutes,
    startedAt: schedule.recordedAt,
    firstOpeningAt: schedule.firstOpeningAt,
    nextOpeningAt: new Date(next).toISOString(),
    lastOpeningAt: last ? last.at : null,
    openings: times.filter((t) => t > nowMs && t <= nowMs + DAY).map((t) => new Date(t).toISOString()),
    slots,
    overdue: next <= nowMs,
    overdueMs: Math.max(0, nowMs - next),
    suggestion: detail ? f2Suggestion(openings, nowMs, now) : null,
  };
}

function f2Suggestion(openings: { at: string; volumeMl: number }[], nowMs: number, now: string): FlipFlowState["suggestion"] {
  const recent = openings.filter((o) => Date.parse(o.at) >= nowMs - DAY);
  const big = [...recent].reverse().find((o) => o.volumeMl >= DRAIN_AIM_ML);
  if (!big) return null;
  try {
    const s = suggestFlipFlowInterval(recent.map((o) => ({ at: o.at, volumeMl: o.volumeMl })), now);
    return { ...s, drainedMl: big.volumeMl, drainedAt: big.at };
  } catch (err) {
    if (err instanceof PathwayInputError) {
      return { intervalMinutes: 0, rules: ["F2"], reason: `No interval can be suggested: ${err.message}`, drainedMl: big.volumeMl, drainedAt: big.at };
    }
    throw err;
  }
}
