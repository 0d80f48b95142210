import type { Knex } from "knex";
import { toBool, toBoolOrNull, toInstant, toInstantOrNull } from "../db/values.ts";
import type { CatheterType, EventType, FlipFlowScheduleRow, ScanPhase, StoredEvent, TwocAction } from "./model.ts";

export type Conn = Knex | Knex.Transaction;
type Row = Record<string, unknown>;

const STORED_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Instants come back from SQLite as the ISO strings written; only other shapes need converting. */
function instant(value: unknown): string {
  return typeof value === "string" && STORED_INSTANT.test(value) ? value : toInstant(value);
}

export function toStoredEvent(row: Row): StoredEvent {
  return {
    id: row.id as number,
    episodeId: row.episode_id as number,
    type: row.type as EventType,
    at: instant(row.at),
    phase: (row.phase as ScanPhase) ?? null,
    volumeMl: row.volume_ml === null || row.volume_ml === undefined ? null : Number(row.volume_ml),
    sensationToVoid: toBoolOrNull(row.sensation_to_void),
    catheterType: (row.catheter_type as CatheterType) ?? null,
    supersededBy: (row.superseded_by as number) ?? null,
    correctedFrom: (row.corrected_from as number) ?? null,
    correctionReason: (row.correction_reason as string) ?? null,
    source: row.source as string,
    recordedBy: (row.recorded_by as string) ?? "",
    recordedAt: row.recorded_at === undefined ? "" : instant(row.recorded_at),
  };
}

export function toSchedule(row: Row): FlipFlowScheduleRow {
  return {
    id: row.id as number,
    episodeId: row.episode_id as number,
    intervalMinutes: Number(row.interval_minutes),
    firstOpeningAt: toInstant(row.first_opening_at),
    reason: row.reason as string,
    note: (row.note as string) ?? null,
    endedAt: toInstantOrNull(row.ended_at),
    recordedBy: row.recorded_by as string,
    recordedAt: toInstant(row.recorded_at),
  };
}

const EVENT_COLUMNS = [
  "id", "episode_id", "type", "at", "phase", "volume_ml", "sensation_to_void", "catheter_type",
  "superseded_by", "corrected_from", "correction_reason", "source", "recorded_by", "recorded_at",
];

const LEAN_COLUMNS = ["id", "episode_id", "type", "at", "phase", "volume_ml", "sensation_to_void", "catheter_type"];

/**
 * Current (not superseded) events of some episodes, in time order: one query, served by the
 * (episode_id, at) index. `lean` leaves out who recorded them (the ward board does not show it).
 */
export async function activeEvents(db: Conn, episodeIds: number[], options: { lean?: boolean } = {}): Promise<StoredEvent[]> {
  if (episodeIds.length === 0) return [];
  const rows: Row[] = await db("bladder_events")
    .select(options.lean ? LEAN_COLUMNS : EVENT_COLUMNS)
    .whereIn("episode_id", episodeIds)
    .whereNull("superseded_by")
    .orderBy([{ column: "episode_id" }, { column: "at" }, { column: "id" }]);
  return rows.map(toStoredEvent);
}

/** Every row of an episode, corrections and superseded rows included, newest first. */
export async function eventHistory(db: Conn, episodeId: number): Promise<StoredEvent[]> {
  const rows: Row[] = await db("bladder_events").select(EVENT_COLUMNS).where({ episode_id: episodeId }).orderBy([{ column: "at", order: "desc" }, { column: "id", order: "desc" }]);
  return rows.map(toStoredEvent);
}

export async function findEvent(db: Conn, episodeId: number, id: number): Promise<StoredEvent | null> {
  const row = await db("bladder_events").select(EVENT_COLUMNS).where({ episode_id: episodeId, id }).first();
  return row ? toStoredEvent(row) : null;
}

export async function findEventByKey(db: Conn, episodeId: number, key: string): Promise<StoredEvent | null> {
  const row = await db("bladder_events").select(EVENT_COLUMNS).where({ episode_id: episodeId, idempotency_key: key }).first();
  return row ? toStoredEvent(row) : null;
}

/** The schedule in force for some episodes (at most one each). */
export async function activeSchedules(db: Conn, episodeIds: number[]): Promise<FlipFlowScheduleRow[]> {
  if (episodeIds.length === 0) return [];
  const rows: Row[] = await db("flip_flow_schedules").whereIn("episode_id", episodeIds).whereNull("ended_at").orderBy("id");
  return rows.map(toSchedule);
}

export async function scheduleHistory(db: Conn, episodeId: number): Promise<FlipFlowScheduleRow[]> {
  const rows: Row[] = await db("flip_flow_schedules").where({ episode_id: episodeId }).orderBy("id", "desc");
  return rows.map(toSchedule);
}

export interface OverrideRow {
  id: number;
  failedRemovalEventId: number;
  reason: string;
  recordedBy: string;
  recordedAt: string;
}

export async function overrides(db: Conn, episodeId: number): Promise<OverrideRow[]> {
  const rows: Row[] = await db("twoc_overrides").where({ episode_id: episodeId }).orderBy("id");
  return rows.map((r) => ({
    id: r.id as number,
    failedRemovalEventId: r.failed_removal_event_id as number,
    reason: r.reason as string,
    recordedBy: r.recorded_by as string,
    recordedAt: toInstant(r.recorded_at),
  }));
}

export interface ActionRow {
  action: TwocAction;
  done: boolean;
  recordedBy: string;
  recordedAt: string;
}

/** The latest tick of each failed-TWOC action. */
export async function latestActions(db: Conn, episodeId: number): Promise<Partial<Record<TwocAction, ActionRow>>> {
  const rows: Row[] = await db("twoc_actions").where({ episode_id: episodeId }).orderBy("id");
  const out: Partial<Record<TwocAction, ActionRow>> = {};
  for (const r of rows) {
    out[r.action as TwocAction] = { action: r.action as TwocAction, done: toBool(r.done), recordedBy: r.recorded_by as string, recordedAt: toInstant(r.recorded_at) };
  }
  return out;
}
