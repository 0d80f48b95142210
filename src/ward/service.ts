import type { Knex } from "knex";
import { writeAudit, type Actor } from "../audit/audit.ts";
import type { Db } from "../db/knex.ts";
import { isUniqueViolation } from "../db/values.ts";
import type { Episode } from "../patients/model.ts";
import type { TwocAssessment } from "../pathway/index.ts";
import { changeEpisode } from "../patients/change.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import { describeInterval } from "./format.ts";
import { getWardState } from "./index.ts";
import type { BladderEventInput, StoredEvent, TwocAction } from "./model.ts";
import { findEvent, findEventByKey, type Conn } from "./repository.ts";

type Trx = Knex.Transaction;

/**
 * Runs a write once per idempotency key: a repeated key returns what the first write stored.
 * Two requests racing with one key: the loser's insert breaks the unique index, its transaction
 * rolls back, and it answers with the winner's row.
 */
async function once<T>(db: Db, actor: Actor, now: string, table: string, episodeId: number, key: string, write: (trx: Trx) => Promise<T>, existing: (conn: Conn, id: number) => Promise<T>): Promise<{ value: T; duplicate: boolean }> {
  const find = async (conn: Conn) => (await conn(table).select("id").where({ episode_id: episodeId, idempotency_key: key }).first()) as { id: number } | undefined;
  try {
    return await changeEpisode(db, actor, episodeId, now, async (trx) => {
      const seen = await find(trx);
      if (seen) return { value: await existing(trx, seen.id), duplicate: true };
      return { value: await write(trx), duplicate: false };
    });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const seen = await find(db);
    if (!seen) throw err;
    return { value: await existing(db, seen.id), duplicate: true };
  }
}

function who(actor: Actor): string {
  return actor.name;
}

export interface RecordResult {
  event: StoredEvent;
  twoc: TwocAssessment;
  duplicate: boolean;
}

function eventColumns(input: BladderEventInput) {
  return {
    type: input.type,
    at: input.at,
    phase: input.phase,
    volume_ml: input.volumeMl,
    sensation_to_void: input.sensationToVoid,
    catheter_type: input.catheterType,
  };
}

async function guardOpeningTime(trx: Trx, episodeId: number, input: BladderEventInput, exceptId?: number): Promise<void> {
  if (input.type !== "flip-flow-opening") return;
  const clash = await trx("bladder_events")
    .where({ episode_id: episodeId, type: "flip-flow-opening", at: input.at })
    .whereNull("superseded_by")
    .modify((q) => (exceptId ? q.whereNot({ id: exceptId }) : q))
    .first();
  if (clash) throw new ConflictError("A valve opening is already recorded at that time: correct that record instead of adding another", "at");
}

/**
 * Records a bladder event: U6 lock checked, row stored, audited and reminders refreshed in one
 * transaction. The same key twice stores one event.
 */
export async function recordBladderEvent(db: Db, actor: Actor, episode: Episode, input: BladderEventInput, key: string, source: "form" | "api" | "system", now: string): Promise<RecordResult> {
  const { value, duplicate } = await once(
    db,
    actor,
    now,
    "bladder_events",
    episode.id,
    key,
    async (trx) => {
      if (input.type === "catheter-removed") {
        const state = await getWardState(trx, episode.id, now);
        if (state.u6Locked) {
          throw new ConflictError(
            "U6: the last trial without catheter failed, so a new one is not started at this stage. A clinician must record an override with a reason first.",
            "type",
          );
        }
      }
      await guardOpeningTime(trx, episode.id, input);
      const [row] = await trx("bladder_events")
        .insert({ episode_id: episode.id, ...eventColumns(input), idempotency_key: key, source, recorded_by: who(actor), recorded_at: now })
        .returning("id");
      const id = typeof row === "object" ? (row as { id: number }).id : (row as number);
      await writeAudit(trx, { at: now, actor, patientId: episode.patientId, entity: "bladder-event", entityId: id, action: "record", before: null, after: input });
      return id;
    },
    async (_conn, id) => id,
  );
  const event = (await findEvent(db, episode.id, value))!;
  const state = await getWardState(db, episode.id, now);
  return { event, twoc: state.twoc, duplicate };
}

/** A correction: a new row that supersedes the original, which stays in the history. */
export async function correctBladderEvent(db: Db, actor: Actor, episode: Episode, originalId: number, input: BladderEventInput, reason: string, key: string, now: string): Promise<{ event: StoredEvent; duplicate: boolean }> {
  const { value, duplicate } = await once(
    db,
    actor,
    now,
    "bladder_events",
    episode.id,
    key,
    async (trx) => {
      const original = await findEvent(trx, episode.id, originalId);
      if (!original) throw new NotFoundError("Bladder event");
      if (original.supersededBy !== null) throw new ConflictError("This record has already been corrected: correct the newer record instead", "reason");
      await guardOpeningTime(trx, episode.id, input, original.id);
      const [row] = await trx("bladder_events")
        .insert({
          episode_id: episode.id,
          ...eventColumns({ ...input, type: original.type }),
          corrected_from: original.id,
          correction_reason: reason,
          idempotency_key: key,
          source: "form",
          recorded_by: who(actor),
          recorded_at: now,
        })
        .returning("id");
      const id = typeof row === "object" ? (row as { id: number }).id : (row as number);
      await trx("bladder_events").where({ id: original.id }).update({ superseded_by: id });
      const { id: _i, episodeId: _e, supersededBy: _s, correctedFrom: _c, correctionReason: _r, source: _so, recordedBy: _rb, recordedAt: _ra, ...before } = original;
      await writeAudit(trx, { at: now, actor, patientId: episode.patientId, entity: "bladder-event", entityId: id, action: "correct", before: { ...before, id: original.id }, after: { ...input, type: original.type, correctsEvent: original.id, reason } });
      return id;
    },
    async (_conn, id) => id,
  );
  return { event: (await findEvent(db, episode.id, value))!, duplicate };
}

/** U6 override: a clinician allows one new TWOC after the failed attempt, with a reason. */
export async function recordTwocOverride(db: Db, actor: Actor, episode: Episode, reason: string, key: string, now: string): Promise<{ duplicate: boolean }> {
  const { duplicate } = await once(
    db,
    actor,
    now,
    "twoc_overrides",
    episode.id,
    key,
    async (trx) => {
      const state = await getWardState(trx, episode.id, now);
      const removal = [...state.events].reverse().find((e) => e.type === "catheter-removed");
      if (state.twoc.status !== "failed" || !removal) throw new ConflictError("There is no failed trial without catheter to override", "reason");
      if (!state.u6Locked) throw new ConflictError("An override for this failed trial is already recorded", "reason");
      const [row] = await trx("twoc_overrides")
        .insert({ episode_id: episode.id, failed_removal_event_id: removal.id, reason, idempotency_key: key, recorded_by: who(actor), recorded_at: now })
        .returning("id");
      const id = typeof row === "object" ? (row as { id: number }).id : (row as number);
      await writeAudit(trx, { at: now, actor, patientId: episode.patientId, entity: "twoc-override", entityId: id, action: "override-u6", before: { twoc: state.twoc }, after: { reason, failedRemovalEventId: removal.id } });
      return id;
    },
    async (_conn, id) => id,
  );
  return { duplicate };
}

/** Ticks (or unticks) one action of the failed-TWOC checklist. */
export async function recordTwocAction(db: Db, actor: Actor, episode: Episode, action: TwocAction, done: boolean, key: string, now: string): Promise<{ duplicate: boolean }> {
  const { duplicate } = await once(
    db,
    actor,
    now,
    "twoc_actions",
    episode.id,
    key,
    async (trx) => {
      const previous = await trx("twoc_actions").where({ episode_id: episode.id, action }).orderBy("id", "desc").first();
      const [row] = await trx("twoc_actions").insert({ episode_id: episode.id, action, done, idempotency_key: key, recorded_by: who(actor), recorded_at: now }).returning("id");
      const id = typeof row === "object" ? (row as { id: number }).id : (row as number);
      await writeAudit(trx, {
        at: now,
        actor,
        patientId: episode.patientId,
        entity: "twoc-action",
        entityId: id,
        action: done ? "tick" : "untick",
        before: previous ? { action, done: Boolean(previous.done) } : null,
        after: { action, done },
      });
      return id;
    },
    async (_conn, id) => id,
  );
  return { duplicate };
}

export interface ScheduleInput {
  intervalMinutes: number;
  firstOpeningAt: string;
  reason: "started" | "f2-accepted" | "changed";
  note: string | null;
}

/** Starts a flip-flow schedule; the one in force (if any) ends now. */
export async function startFlipFlow(db: Db, actor: Actor, episode: Episode, input: ScheduleInput, key: string, now: string): Promise<{ duplicate: boolean }> {
  const { duplicate } = await once(
    db,
    actor,
    now,
    "flip_flow_schedules",
    episode.id,
    key,
    async (trx) => {
      const previous = await trx("flip_flow_schedules").where({ episode_id: episode.id }).whereNull("ended_at").first();
      if (previous) await trx("flip_flow_schedules").where({ id: previous.id }).update({ ended_at: now });
      const [row] = await trx("flip_flow_schedules")
        .insert({
          episode_id: episode.id,
          interval_minutes: input.intervalMinutes,
          first_opening_at: input.firstOpeningAt,
          reason: input.reason,
          note: input.note,
          idempotency_key: key,
          recorded_by: who(actor),
          recorded_at: now,
        })
        .returning("id");
      const id = typeof row === "object" ? (row as { id: number }).id : (row as number);
      await writeAudit(trx, {
        at: now,
        actor,
        patientId: episode.patientId,
        entity: "flip-flow-schedule",
        entityId: id,
        action: input.reason === "f2-accepted" ? "accept-f2-interval" : previous ? "change-schedule" : "start-schedule",
        before: previous ? { intervalMinutes: previous.interval_minutes, interval: describeInterval(previous.interval_minutes) } : null,
        after: { ...input, interval: describeInterval(input.intervalMinutes) },
      });
      return id;
    },
    async (_conn, id) => id,
  );
  return { duplicate };
}

/** Stops the schedule in force (valve removed, ISC started, discharged with other care). */
export async function stopFlipFlow(db: Db, actor: Actor, episode: Episode, reason: string, key: string, now: string): Promise<void> {
  await changeEpisode(db, actor, episode.id, now, async (trx) => {
    const previous = await trx("flip_flow_schedules").where({ episode_id: episode.id }).whereNull("ended_at").first();
    if (!previous) throw new ConflictError("There is no flip-flow schedule in force", "reason");
    await trx("flip_flow_schedules").where({ id: previous.id }).update({ ended_at: now, note: previous.note ? `${previous.note}\nStopped: ${reason}` : `Stopped: ${reason}` });
    await writeAudit(trx, { at: now, actor, patientId: episode.patientId, entity: "flip-flow-schedule", entityId: previous.id, action: "stop-schedule", before: { endedAt: null }, after: { endedAt: now, reason, key } });
  });
}

export { findEventByKey };
