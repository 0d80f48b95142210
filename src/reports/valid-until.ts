/**
 * Until when an episode's report answers (classifyEpisode) hold with no change to its record: the
 * earliest instant after `now` at which time passing alone could change them. Every answer that
 * reads `now` is covered:
 *
 * - what the record dates ahead of now (an event, which is read only once due; the discharge; the
 *   outpatient appointment; a flip-flow schedule's first opening or its end);
 * - the latest trial's no-void deadline, as the rule engine gives it (an open trial fails at U4);
 * - for a flip-flow schedule counted up to now: the next opening falling due, and when the opening
 *   due now (if not done) counts as missed, as the engine gives it.
 *
 * Null when nothing can change. Earlier than needed only costs a classification; never later.
 */
import { assessFlipFlow } from "../pathway/index.ts";
import { assess } from "../ward/state.ts";
import type { FlipFlowScheduleRow, WardEvent } from "../ward/model.ts";
import type { EpisodeRecord } from "./load.ts";

export function validUntil(record: EpisodeRecord, now: string, options: { assessed: boolean } = { assessed: true }): string | null {
  const nowMs = Date.parse(now);
  const ahead = recordInstants(record).concat(options.assessed ? engineInstants(record, now) : []).map((at) => Date.parse(at)).filter((t) => t > nowMs);
  return ahead.length === 0 ? null : new Date(Math.min(...ahead)).toISOString();
}

function recordInstants(record: EpisodeRecord): string[] {
  const instants = [record.laterEventAt, record.episode.discharge?.dischargedAt, record.appointmentAt];
  for (const s of record.schedules) instants.push(s.firstOpeningAt, s.endedAt);
  return instants.filter((at): at is string => typeof at === "string");
}

function engineInstants(record: EpisodeRecord, now: string): string[] {
  const instants: string[] = [];
  const deadline = assess(record.events, now).noVoidDeadline;
  if (deadline) instants.push(deadline);
  const openings = record.events.flatMap((e: WardEvent) => (e.type === "flip-flow-opening" ? [{ at: e.at, volumeMl: e.volumeMl }] : []));
  const left = record.episode.discharge?.dischargedAt ?? null;
  const ahead = (at: string | null) => at === null || Date.parse(at) > Date.parse(now);
  // A schedule that ended, or whose patient left, is counted up to then: time passing changes nothing.
  for (const s of record.schedules) if (ahead(s.endedAt) && ahead(left)) instants.push(...openingInstants(s, openings, now));
  return instants;
}

/** For a schedule that has started: the next opening due after now, and when the opening due at or before now counts as missed. */
function openingInstants(schedule: FlipFlowScheduleRow, openings: { at: string; volumeMl: number }[], now: string): string[] {
  const first = Date.parse(schedule.firstOpeningAt);
  const nowMs = Date.parse(now);
  if (first > nowMs) return [];
  const step = schedule.intervalMinutes * 60_000;
  const latestDue = first + Math.floor((nowMs - first) / step) * step;
  // Asked with the opening due now as the schedule's first, the engine answers when that opening is missed
  // (or, when it was done, when a later one would be: after the next one is due, so harmless).
  const a = assessFlipFlow({
    schedule: { intervalMinutes: schedule.intervalMinutes, firstOpeningAt: new Date(latestDue).toISOString(), startedAt: schedule.recordedAt },
    openings,
    now,
    window: { pastMs: 0, aheadMs: 0 },
  });
  return [new Date(latestDue + step).toISOString(), a.missedAt];
}
