/**
 * The one change path for an episode's clinical record. Every writer (pages, the API, seeds, the
 * hospital feed) changes an episode through `changeEpisode` (or `createEpisode`):
 *
 *   lock the episode -> the change and its audit rows -> every registered after-change step -> commit
 *
 * all in one transaction, so what is derived from the record (reminders, ...) can never disagree
 * with it, and two changes to one episode never interleave: PostgreSQL locks the episode row
 * (SELECT ... FOR UPDATE); SQLite transactions take the write lock when they begin (see db/knex.ts).
 * Features register their after-change steps where the app is assembled (src/record.ts), so no
 * feature imports another to keep it up to date.
 */
import type { Knex } from "knex";
import { type Actor, type AuditEntry, writeAudit } from "../audit/audit.ts";
import { type Db, isPostgres } from "../db/knex.ts";
import { NotFoundError } from "../errors.ts";
import type { Episode } from "./model.ts";
import { findEpisode } from "./repository.ts";

export type Trx = Knex.Transaction;

/** What an after-change step is told: the episode as it is after the change, and when. */
export interface ChangedEpisode {
  episodeId: number;
  patientId: number;
  now: string;
}

export type AfterChangeStep = (trx: Trx, changed: ChangedEpisode) => Promise<void>;

/** What a change may use besides the transaction: the episode before it, and an audit writer that fills who, when and the patient. */
export interface ChangeContext {
  episode: Episode;
  actor: Actor;
  now: string;
  audit: (entry: Pick<AuditEntry, "entity" | "entityId" | "action" | "before" | "after">) => Promise<void>;
}

const stepsByDb = new WeakMap<Db, { name: string; step: AfterChangeStep }[]>();

/** Registers an after-change step for every change made through this database handle (once per name). */
export function addAfterChangeStep(db: Db, name: string, step: AfterChangeStep): void {
  const steps = stepsByDb.get(db) ?? [];
  if (!steps.some((s) => s.name === name)) steps.push({ name, step });
  stepsByDb.set(db, steps);
}

function stepsFor(db: Db): { name: string; step: AfterChangeStep }[] {
  const steps = stepsByDb.get(db);
  // A writer that forgot to assemble the record would silently skip reminders: refuse instead.
  if (!steps || steps.length === 0) throw new Error("No after-change steps are registered for this database: open it with openRecord (src/record.ts)");
  return steps;
}

async function runSteps(db: Db, trx: Trx, changed: ChangedEpisode): Promise<void> {
  for (const { step } of stepsFor(db)) await step(trx, changed);
}

/** Locks an episode for the rest of the transaction and reads it; null when there is none. */
async function lockEpisode(db: Db, trx: Trx, episodeId: number): Promise<Episode | null> {
  if (isPostgres(db)) {
    const row = await trx("episodes").where({ id: episodeId }).forUpdate().first("id");
    if (!row) return null;
  }
  return findEpisode(trx, episodeId);
}

/**
 * Changes one episode's record. `change` runs inside the transaction with the locked episode;
 * throwing from it rolls everything back (nothing stored, no audit row, no reminder).
 */
export async function changeEpisode<T>(db: Db, actor: Actor, episodeId: number, now: string, change: (trx: Trx, context: ChangeContext) => Promise<T>): Promise<T> {
  stepsFor(db);
  return db.transaction(async (trx) => {
    const episode = await lockEpisode(db, trx, episodeId);
    if (!episode) throw new NotFoundError("Episode");
    const audit: ChangeContext["audit"] = (entry) => writeAudit(trx, { ...entry, at: now, actor, patientId: episode.patientId });
    const result = await change(trx, { episode, actor, now, audit });
    await runSteps(db, trx, { episodeId, patientId: episode.patientId, now });
    return result;
  });
}

/** Creates an episode through the same path: the insert returns the new id, then the after-change steps run. */
export async function createEpisode<T extends { id: number; patientId: number }>(db: Db, now: string, insert: (trx: Trx) => Promise<T>): Promise<T> {
  stepsFor(db);
  return db.transaction(async (trx) => {
    const created = await insert(trx);
    await runSteps(db, trx, { episodeId: created.id, patientId: created.patientId, now });
    return created;
  });
}

/**
 * Re-runs the after-change steps of episodes whose record did not change but whose derived state
 * depends on something else that did (the patient's email consent) or on time passing (the
 * scheduler, after reminders fire). Each episode is locked like a change.
 */
export async function rederiveEpisodes(db: Db, episodeIds: number[], now: string, trx?: Trx): Promise<void> {
  const run = async (t: Trx) => {
    for (const episodeId of episodeIds) {
      const episode = await lockEpisode(db, t, episodeId);
      if (episode) await runSteps(db, t, { episodeId, patientId: episode.patientId, now });
    }
  };
  if (episodeIds.length === 0) return;
  if (trx) return run(trx);
  await db.transaction(run);
}
