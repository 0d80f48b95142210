import type { BladderEvent, TwocAssessment } from "../pathway/index.ts";

export const EVENT_TYPES = ["catheter-removed", "scan", "void", "recatheterised", "flip-flow-opening"] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const EVENT_TYPE_NAMES: Record<EventType, string> = {
  "catheter-removed": "Catheter removed",
  scan: "Bladder scan",
  void: "Void (passed urine)",
  recatheterised: "Re-catheterised",
  "flip-flow-opening": "Flip-flow valve opened",
};

export const SCAN_PHASES = ["pre-void", "post-void"] as const;
export type ScanPhase = (typeof SCAN_PHASES)[number];

export const CATHETER_TYPES = ["long-term-flip-flow", "other"] as const;
export type CatheterType = (typeof CATHETER_TYPES)[number];
export const CATHETER_TYPE_NAMES: Record<CatheterType, string> = {
  "long-term-flip-flow": "Long-term catheter with a flip-flow valve (U5)",
  other: "Other catheter",
};

/** Ticks of the failed-TWOC checklist (U5 re-catheterisation is read from the events themselves). */
export const TWOC_ACTIONS = ["isc-referred", "isc-taught", "follow-up-arranged"] as const;
export type TwocAction = (typeof TWOC_ACTIONS)[number];
export const TWOC_ACTION_TEXT: Record<TwocAction, { rules: string[]; text: string }> = {
  "isc-referred": { rules: ["U5", "U8"], text: "Referred to local services to learn intermittent self-catheterisation (ISC)" },
  "isc-taught": { rules: ["U8"], text: "ISC teaching done" },
  "follow-up-arranged": { rules: ["U7"], text: "Follow-up arranged with the regional SCI service or the local urology service" },
};

/** A bladder event as entered (before it is stored). */
export interface BladderEventInput {
  type: EventType;
  at: string;
  phase: ScanPhase | null;
  volumeMl: number | null;
  sensationToVoid: boolean | null;
  catheterType: CatheterType | null;
  /** Re-catheterisation (U-SAFE): whether the patient is sensate; null when not documented. */
  sensate?: boolean | null;
  /** Re-catheterisation (U-SAFE): whether a catheter tug was done, and what it showed. */
  catheterTugDone?: boolean | null;
  catheterTugResult?: string | null;
}

/** The events the rule engine reads, with their row id; plus the ward's own event kinds. */
export type WardEvent =
  | (Exclude<BladderEvent, { type: "recatheterised" }> & { id: number })
  | { id: number; type: "recatheterised"; at: string; catheterType: CatheterType | null }
  | { id: number; type: "flip-flow-opening"; at: string; volumeMl: number };

/** A stored row, as the history table shows it (superseded rows included). */
export interface StoredEvent extends BladderEventInput {
  id: number;
  episodeId: number;
  supersededBy: number | null;
  correctedFrom: number | null;
  correctionReason: string | null;
  source: string;
  recordedBy: string;
  recordedAt: string;
}

export interface FlipFlowScheduleRow {
  id: number;
  episodeId: number;
  intervalMinutes: number;
  firstOpeningAt: string;
  reason: string;
  note: string | null;
  endedAt: string | null;
  recordedBy: string;
  recordedAt: string;
}

/** One scheduled opening and what happened to it. */
export interface OpeningSlot {
  at: string;
  /** As the rule engine's assessFlipFlow decides (src/pathway/flip-flow.ts): done, an opening was
   *  recorded at or after this time (and before the next slot); overdue, due and not recorded;
   *  missed, from 4 h after the last opening (F1) or when the next slot is due, whichever is first;
   *  upcoming, still in the future. */
  status: "done" | "overdue" | "missed" | "upcoming";
  openedAt: string | null;
  volumeMl: number | null;
  /** ms after the scheduled time the opening was recorded (done), or how late it is now (overdue/missed). */
  lateMs: number | null;
}

export interface FlipFlowState {
  scheduleId: number;
  intervalMinutes: number;
  /** When the schedule was recorded. */
  startedAt: string;
  /** The grid's first opening: openings are firstOpeningAt + k x interval (elapsed time). */
  firstOpeningAt: string;
  /** The earliest opening not yet done since the last one recorded; in the past when overdue. */
  nextOpeningAt: string;
  lastOpeningAt: string | null;
  /** Scheduled openings in the 24 h after now (UTC ISO strings). */
  openings: string[];
  /** Scheduled openings from 24 h before now to 24 h after, with what happened. */
  slots: OpeningSlot[];
  overdue: boolean;
  overdueMs: number;
  /** F2: set when an opening in the last 24 h drained 500 ml or more. */
  suggestion: { intervalMinutes: number; rules: string[]; reason: string; drainedMl: number; drainedAt: string } | null;
}

export interface WardState {
  episodeId: number;
  events: WardEvent[];
  twoc: TwocAssessment;
  flipFlow: FlipFlowState | null;
  failedTwoc: boolean;
  u7FollowUpArranged: boolean;
  iscReferred: boolean;
  iscTaught: boolean;
  recatheterisedWithFlipFlow: boolean;
  /** U6: a new catheter removal is refused (the latest attempt failed and no clinician override covers it). */
  u6Locked: boolean;
  override: { reason: string; recordedBy: string; recordedAt: string } | null;
}
