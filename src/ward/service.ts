import type { Actor } from "../audit/audit.ts";
import type { Db } from "../db/knex.ts";
import { isUniqueViolation } from "../db/values.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import type { TwocAssessment } from "../pathway/index.ts";
import { changeEpisode, type ChangeContext, type Trx } from "../patients/change.ts";
import type { Episode } from "../patients/model.ts";
import { describeInterval } from "./format.ts";
import { getWardState } from "./index.ts";
import type { BladderEventInput, StoredEvent, TwocAction } from "./model.ts";
import {
  endSchedule,
  findEvent,
  findEventByKey,
  idForKey,
  insertAction,
  insertEvent,
  insertOverride,
  insertSchedule,
  latestActions,
  markSuperseded,
  openingAt,
  scheduleInForce,
} from "./repository.ts";

type KeyedTable = Parameters<typeof idForKey>[1];

/**
 * Changes the episode once per idempotency key: a repeated key stores nothing and returns the id
 * the first write stored. The episode is locked, so a repeat waits for the first and then finds
 * its row; the unique index on the key is the backstop.
 */
async function once(db: Db, actor: Actor, episode: Episode, now: string, table: KeyedTable, key: string, write: (trx: Trx, context: ChangeContext) => Promise<number>): Promise<{ id: number; duplicate: boolean }> {
  try {
    return await changeEpisode(db, actor, episode.id, now, async (trx, context) => {
      const seen = await idForKey(trx, table, episode.id, key);
      if (seen !== null) return { id: seen, duplicate: true };
      return { id: await write(trx, context), duplicate: false };
    });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const seen = await idForKey(db, table, episode.id, key);
    if (seen === null) throw err;
    return { id: seen, duplicate: true };
  }
}

export interface RecordResult {
  event: StoredEvent;
  twoc: TwocAssessment;
  duplicate: boolean;
}

async function guardOpeningTime(trx: Trx, episodeId: number, input: BladderEventInput, exceptId?: number): Promise<void> {
  if (input.type !== "flip-flow-opening") return;
  if (await openingAt(trx, episodeId, input.at, exceptId)) {
    throw new ConflictError("A valve opening is already recorded at that time: correct that record instead of adding another", "at");
  }
}

/** Records a bladder event: the U6 lock is checked, then the row, its audit row and the episode's derived state in one change. The same key twice stores one event. */
export async function recordBladderEvent(db: Db, actor: Actor, episode: Episode, input: BladderEventInput, key: string, source: "form" | "api" | "system", now: string): Promise<RecordResult> {
  const { id, duplicate } = await once(db, actor, episode, now, "bladder_events", key, async (trx, { audit }) => {
    if (input.type === "catheter-removed" && (await getWardState(trx, episode.id, now)).u6Locked) {
      throw new ConflictError("U6: the last trial without catheter failed, so a new one is not started at this stage. A clinician must record an override with a reason first.", "type");
    }
    await guardOpeningTime(trx, episode.id, input);
    const id = await insertEvent(trx, episode.id, { ...input, source, idempotencyKey: key, recordedBy: actor.name, recordedAt: now });
    await audit({ entity: "bladder-event", entityId: id, action: "record", before: null, after: input });
    return id;
  });
  const event = (await findEvent(db, episode.id, id))!;
  if (duplicate && source === "api") refuseChangedRepeat(event, input);
  const state = await getWardState(db, episode.id, now);
  return { event, twoc: state.twoc, duplicate };
}

/**
 * A system resending a clientId must be resending the same event: a different reading under an
 * old id would otherwise be dropped without anyone knowing. The stored event never changes (a
 * correction is a new row), so it can be compared after the transaction.
 */
function refuseChangedRepeat(stored: StoredEvent, sent: BladderEventInput): void {
  const differences = (Object.keys(sent) as (keyof BladderEventInput)[])
    .filter((field) => (field === "at" ? Date.parse(stored.at) !== Date.parse(sent.at) : (stored[field] ?? null) !== (sent[field] ?? null)))
    .map((field) => `${field} ${JSON.stringify(stored[field])} stored, ${JSON.stringify(sent[field])} sent`);
  if (differences.length > 0) {
    throw new ConflictError(`This clientId was already used for a different event (${differences.join("; ")}); nothing was stored. Use a new clientId for a new event.`, "clientId");
  }
}

/**
 * A void and its post-void scan from the one form: two events, their audit rows and the episode's
 * derived state in one change (one transaction). The scan is stored just after the void at the same time.
 */
export async function recordVoidAndScan(db: Db, actor: Actor, episode: Episode, input: { void: BladderEventInput; scan: BladderEventInput }, key: string, now: string): Promise<{ events: StoredEvent[]; twoc: TwocAssessment; duplicate: boolean }> {
  const scanKey = `${key}:scan`;
  const { duplicate } = await once(db, actor, episode, now, "bladder_events", key, async (trx, { audit }) => {
    const voidId = await insertEvent(trx, episode.id, { ...input.void, source: "form", idempotencyKey: key, recordedBy: actor.name, recordedAt: now });
    await audit({ entity: "bladder-event", entityId: voidId, action: "record", before: null, after: input.void });
    const scanId = await insertEvent(trx, episode.id, { ...input.scan, source: "form", idempotencyKey: scanKey, recordedBy: actor.name, recordedAt: now });
    await audit({ entity: "bladder-event", entityId: scanId, action: "record", before: null, after: input.scan });
    return voidId;
  });
  const events = [(await findEventByKey(db, episode.id, key))!, (await findEventByKey(db, episode.id, scanKey))!];
  const state = await getWardState(db, episode.id, now);
  return { events, twoc: state.twoc, duplicate };
}

/** A correction: a new row that supersedes the original, which stays in the history. */
export async function correctBladderEvent(db: Db, actor: Actor, episode: Episode, originalId: number, input: BladderEventInput, reason: string, key: string, now: string): Promise<{ event: StoredEvent; duplicate: boolean }> {
  const { id, duplicate } = await once(db, actor, episode, now, "bladder_events", key, async (trx, { audit }) => {
    const original = await findEvent(trx, episode.id, originalId);
    if (!original) throw new NotFoundError("Bladder event");
    if (original.supersededBy !== null) throw new ConflictError("This record has already been corrected: correct the newer record instead", "reason");
    await guardOpeningTime(trx, episode.id, input, original.id);
    const corrected = { ...input, type: original.type };
    const id = await insertEvent(trx, episode.id, { ...corrected, correctedFrom: original.id, correctionReason: reason, source: "form", idempotencyKey: key, recordedBy: actor.name, recordedAt: now });
    await markSuperseded(trx, original.id, id);
    const { id: _i, episodeId: _e, supersededBy: _s, correctedFrom: _c, correctionReason: _r, source: _so, recordedBy: _rb, recordedAt: _ra, ...before } = original;
    await audit({ entity: "bladder-event", entityId: id, action: "correct", before: { ...before, id: original.id }, after: { ...corrected, correctsEvent: original.id, reason } });
    return id;
  });
  return { event: (await findEvent(db, episode.id, id))!, duplicate };
}

/** U6 override: a clinician allows one new TWOC after the failed attempt, with a reason. */
export async function recordTwocOverride(db: Db, actor: Actor, episode: Episode, reason: string, key: string, now: string): Promise<{ duplicate: boolean }> {
  const { duplicate } = await once(db, actor, episode, now, "twoc_overrides", key, async (trx, { audit }) => {
    const state = await getWardState(trx, episode.id, now);
    const removal = [...state.events].reverse().find((e) => e.type === "catheter-removed");
    if (state.twoc.status !== "failed" || !removal) throw new ConflictError("There is no failed trial without catheter to override", "reason");
    if (!state.u6Locked) throw new ConflictError("An override for this failed trial is already recorded", "reason");
    const id = await insertOverride(trx, episode.id, { failedRemovalEventId: removal.id, reason, idempotencyKey: key, recordedBy: actor.name, recordedAt: now });
    await audit({ entity: "twoc-override", entityId: id, action: "override-u6", before: { twoc: state.twoc }, after: { reason, failedRemovalEventId: removal.id } });
    return id;
  });
  return { duplicate };
}

/** Ticks (or unticks) one action of the failed-TWOC checklist. */
export async function recordTwocAction(db: Db, actor: Actor, episode: Episode, action: TwocAction, done: boolean, key: string, now: string): Promise<{ duplicate: boolean }> {
  const { duplicate } = await once(db, actor, episode, now, "twoc_actions", key, async (trx, { audit }) => {
    const previous = (await latestActions(trx, episode.id))[action];
    const id = await insertAction(trx, episode.id, { action, done, idempotencyKey: key, recordedBy: actor.name, recordedAt: now });
    await audit({ entity: "twoc-action", entityId: id, action: done ? "tick" : "untick", before: previous ? { action, done: previous.done } : null, after: { action, done } });
    return id;
  });
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
  const { duplicate } = await once(db, actor, episode, now, "flip_flow_schedules", key, async (trx, { audit }) => {
    const previous = await scheduleInForce(trx, episode.id);
    if (previous) await endSchedule(trx, previous.id, now);
    const id = await insertSchedule(trx, episode.id, { ...input, idempotencyKey: key, recordedBy: actor.name, recordedAt: now });
    await audit({
      entity: "flip-flow-schedule",
      entityId: id,
      action: input.reason === "f2-accepted" ? "accept-f2-interval" : previous ? "change-schedule" : "start-schedule",
      before: previous ? { intervalMinutes: previous.intervalMinutes, interval: describeInterval(previous.intervalMinutes) } : null,
      after: { ...input, interval: describeInterval(input.intervalMinutes) },
    });
    return id;
  });
  return { duplicate };
}

/** Stops the schedule in force (valve removed, ISC started, discharged with other care). */
export async function stopFlipFlow(db: Db, actor: Actor, episode: Episode, reason: string, key: string, now: string): Promise<void> {
  await changeEpisode(db, actor, episode.id, now, async (trx, { audit }) => {
    const previous = await scheduleInForce(trx, episode.id);
    if (!previous) throw new ConflictError("There is no flip-flow schedule in force", "reason");
    await endSchedule(trx, previous.id, now, previous.note ? `${previous.note}\nStopped: ${reason}` : `Stopped: ${reason}`);
    await audit({ entity: "flip-flow-schedule", entityId: previous.id, action: "stop-schedule", before: { endedAt: null }, after: { endedAt: now, reason, key } });
  });
}

export { findEventByKey };
