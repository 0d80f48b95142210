import type { Db } from "../db/knex.ts";
import type { RuleId } from "../pathway/index.ts";
import { formatDateTime, formatDuration, formatTime } from "../time.ts";
import { wardBoard } from "./board.ts";
import { describeInterval, TWOC_STATUS_TAGS } from "./format.ts";
import { getWardState } from "./index.ts";
import { failedTwocChecklist } from "./presenters.ts";
import type { WardView } from "./state.ts";

/** How far back the sheet lists late and missed openings. */
export const HANDOVER_LOOKBACK_MS = 12 * 3600_000;

export interface HandoverBed {
  episodeId: number;
  bed: string | null;
  patientName: string;
  nhsNumber: string;
  stage: { text: string; colour: string; rules: RuleId[]; reason: string };
  nextStep: { text: string; rules: RuleId[] };
  noVoidDeadline: string | null;
  safe: { open: boolean; resolvedAt: string | null } | null;
  flipFlow: {
    interval: string;
    lastDrain: string | null;
    next: string;
    overdue: string | null;
    /** Openings due in the last 12 h that were missed, overdue or opened late (assessFlipFlow's slots). */
    lapses: { due: string; what: string }[];
  } | null;
  /** Failed-TWOC items (U5, U5/U8, U7) not yet done. */
  outstanding: { rules: string[]; text: string }[];
}

/**
 * The shift handover for a ward: every current inpatient by bed, each read whole from the ward's
 * state (the engine's assessBladder, assessFlipFlow and the failed-TWOC ticks), nothing recomputed.
 */
export async function wardHandover(db: Db, ward: string, now: string): Promise<HandoverBed[]> {
  const rows = await wardBoard(db, ward, now);
  const byBed = [...rows].sort((a, b) => (a.bed ?? "").localeCompare(b.bed ?? "", "en-GB", { numeric: true }));
  const beds: HandoverBed[] = [];
  for (const row of byBed) beds.push(handoverBed(row, await getWardState(db, row.episodeId, now), now));
  return beds;
}

function handoverBed(row: { episodeId: number; bed: string | null; patientName: string; nhsNumber: string }, state: WardView, now: string): HandoverBed {
  const { bladder } = state;
  const tag = TWOC_STATUS_TAGS[bladder.twoc.status];
  const ff = state.flipFlow;
  const since = Date.parse(now) - HANDOVER_LOOKBACK_MS;
  const lastDrain = ff?.lastOpeningAt ? state.events.filter((e) => e.type === "flip-flow-opening" && e.at === ff.lastOpeningAt).pop() : undefined;
  return {
    episodeId: row.episodeId,
    bed: row.bed,
    patientName: row.patientName,
    nhsNumber: row.nhsNumber,
    stage: { text: tag.text, colour: tag.colour, rules: bladder.rules, reason: bladder.twoc.reason },
    nextStep: bladder.nextStep,
    noVoidDeadline: bladder.noVoidClock && bladder.twoc.noVoidDeadline ? formatDateTime(bladder.twoc.noVoidDeadline) : null,
    safe: bladder.uSafe.active ? { open: !bladder.uSafe.resolved, resolvedAt: bladder.uSafe.resolvedAt ? formatDateTime(bladder.uSafe.resolvedAt) : null } : null,
    flipFlow: ff
      ? {
          interval: describeInterval(ff.intervalMinutes),
          lastDrain: ff.lastOpeningAt ? `${formatDateTime(ff.lastOpeningAt)}${lastDrain && "volumeMl" in lastDrain ? `, ${lastDrain.volumeMl} ml` : ""}` : null,
          next: formatDateTime(ff.nextOpeningAt),
          overdue: ff.overdue ? formatDuration(ff.overdueMs) : null,
          lapses: ff.slots
            .filter((s) => Date.parse(s.at) >= since && Date.parse(s.at) <= Date.parse(now))
            .filter((s) => s.status === "missed" || s.status === "overdue" || (s.status === "done" && s.lateMs !== null && s.lateMs > 0))
            .map((s) => ({
              due: formatTime(s.at),
              what: s.status === "missed" ? "missed (F1)" : s.status === "overdue" ? `overdue by ${formatDuration(s.lateMs ?? 0)}` : `opened ${formatTime(s.openedAt!)}, ${formatDuration(s.lateMs!)} late`,
            })),
        }
      : null,
    outstanding: state.failedTwoc || bladder.twoc.status === "failed" ? failedTwocChecklist(state).filter((i) => !i.done).map((i) => ({ rules: i.rules, text: i.text })) : [],
  };
}
