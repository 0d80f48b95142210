import type { Knex } from "knex";
import { toBool, toBoolOrNull, toInstant, toInstantOrNull } from "../db/values.ts";
import type { BladderEventInput, CatheterType, EventType, FlipFlowScheduleRow, ScanPhase, StoredEvent, TwocAction } from "./model.ts";

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
    sensate: toBoolOrNull(row.sensate),
    catheterTugDone: toBoolOrNull(row.catheter_tug_done),
    catheterTugResult: (row.catheter_tug_result as string) ?? null,
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
  "sensate", "catheter_tug_done", "catheter_tug_result",
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

/**
 * What the ward board reads of some episodes' current events: all but valve openings, and of the
 * openings only each episode's latest (all the board's flip-flow answer needs: the next opening and
 * whether it is late or missed run from the last one). Weeks of openings are not read per refresh.
 */
export async function boardEvents(db: Conn, episodeIds: number[]): Promise<StoredEvent[]> {
  if (episodeIds.length === 0) return [];
  const latestOpening = db("bladder_events as b")
    .select("b.id")
    .whereRaw("b.episode_id = e.episode_id")
    .andWhere("b.type", "flip-flow-opening")
    .whereNull("b.superseded_by")
    .orderBy([{ column: "b.at", order: "desc" }, { column: "b.id", order: "desc" }])
    .limit(1);
  const rows: Row[] = await db("bladder_events as e")
    .select(LEAN_COLUMNS.map((c) => `e.${c}`))
    .whereIn("e.episode_id", episodeIds)
    .whereNull("e.superseded_by")
    .andWhere((q) => q.whereNot("e.type", "flip-flow-opening").orWhere("e.id", latestOpening))
    .orderBy([{ column: "e.episode_id" }, { column: "e.at" }, { column: "e.id" }]);
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

// ---------------------------------------------------------------- writes (inside the episode's change)

const idOf = (row: unknown): number => (typeof row === "object" && row !== null ? (row as { id: number }).id : (row as number));

/** The row an idempotency key already stored in one of the ward's tables, if any. */
export async function idForKey(conn: Conn, table: "bladder_events" | "twoc_overrides" | "twoc_actions" | "flip_flow_schedules", episodeId: number, key: string): Promise<number | null> {
  const row = (await conn(table).select("id").where({ episode_id: episodeId, idempotency_key: key }).first()) as { id: number } | undefined;
  return row?.id ?? null;
}

/** A current valve opening recorded at exactly this instant (other than `exceptId`). */
export async function openingAt(conn: Conn, episodeId: number, at: string, exceptId?: number): Promise<boolean> {
  const row = await conn("bladder_events")
    .where({ episode_id: episodeId, type: "flip-flow-opening", at })
    .whereNull("superseded_by")
    .modify((q) => (exceptId ? q.whereNot({ id: exceptId }) : q))
    .first("id");
  return Boolean(row);
}

/** A bladder event as entered, with where it came from and who recorded it. */
export interface NewEvent extends BladderEventInput {
  source: string;
  idempotencyKey: string;
  recordedBy: string;
  recordedAt: string;
  correctedFrom?: number;
  correctionReason?: string;
}

export async function insertEvent(conn: Conn, episodeId: number, e: NewEvent): Promise<number> {
  const [row] = await conn("bladder_events")
    .insert({
      episode_id: episodeId,
      type: e.type,
      at: e.at,
      phase: e.phase,
      volume_ml: e.volumeMl,
      sensation_to_void: e.sensationToVoid,
      catheter_type: e.catheterType,
      sensate: e.sensate ?? null,
      catheter_tug_done: e.catheterTugDone ?? null,
      catheter_tug_result: e.catheterTugResult ?? null,
      corrected_from: e.correctedFrom ?? null,
      correction_reason: e.correctionReason ?? null,
      idempotency_key: e.idempotencyKey,
      source: e.source,
      recorded_by: e.recordedBy,
      recorded_at: e.recordedAt,
    })
    .returning("id");
  return idOf(row);
}

export async function markSuperseded(conn: Conn, id: number, by: number): Promise<void> {
  await conn("bladder_events").where({ id }).update({ superseded_by: by });
}

export async function insertOverride(conn: Conn, episodeId: number, o: { failedRemovalEventId: number; reason: string; idempotencyKey: string; recordedBy: string; recordedAt: string }): Promise<number> {
  const [row] = await conn("twoc_overrides")
    .insert({ episode_id: episodeId, failed_removal_event_id: o.failedRemovalEventId, reason: o.reason, idempotency_key: o.idempotencyKey, recorded_by: o.recordedBy, recorded_at: o.recordedAt })
    .returning("id");
  return idOf(row);
}

export async function insertAction(conn: Conn, episodeId: number, a: { action: TwocAction; done: boolean; idempotencyKey: string; recordedBy: string; recordedAt: string }): Promise<number> {
  const [row] = await conn("twoc_actions")
    .insert({ episode_id: episodeId, action: a.action, done: a.done, idempotency_key: a.idempotencyKey, recorded_by: a.recordedBy, recorded_at: a.recordedAt })
    .returning("id");
  return idOf(row);
}

/** The schedule in force for one episode (a partial unique index allows at most one). */
export async function scheduleInForce(conn: Conn, episodeId: number): Promise<FlipFlowScheduleRow | null> {
  const row = await conn("flip_flow_schedules").where({ episode_id: episodeId }).whereNull("ended_at").first();
  return row ? toSchedule(row) : null;
}

export async function endSchedule(conn: Conn, id: number, endedAt: string, note?: string | null): Promise<void> {
  await conn("flip_flow_schedules").where({ id }).update(note === undefined ? { ended_at: endedAt } : { ended_at: endedAt, note });
}

export async function insertSchedule(conn: Conn, episodeId: number, s: { intervalMinutes: number; firstOpeningAt: string; reason: string; note: string | null; idempotencyKey: string; recordedBy: string; recordedAt: string }): Promise<number> {
  const [row] = await conn("flip_flow_schedules")
    .insert({
      episode_id: episodeId,
      interval_minutes: s.intervalMinutes,
      first_opening_at: s.firstOpeningAt,
      reason: s.reason,
      note: s.note,
      idempotency_key: s.idempotencyKey,
      recorded_by: s.recordedBy,
      recorded_at: s.recordedAt,
    })
    .returning("id");
  return idOf(row);
}
