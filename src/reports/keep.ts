/**
 * Keeping the reports' answers up to date: every change to an episode marks its row out of date
 * (the record's after-change step, one UPDATE in the change's transaction), and a report, when read,
 * classifies again the period's rows that are marked, whose valid-until has passed, or that are
 * missing (history imported in bulk, or a database from before the table), with classify.ts from
 * the record as loaded by load.ts. So a report never counts an answer older than the record, and a
 * ward's writes do not pay for the reports.
 */
import type { Knex } from "knex";
import type { Db } from "../db/knex.ts";
import type { ChangedEpisode } from "../patients/change.ts";
import { classifyForKeeping, FACTS_TABLE, markChanged, writeIfUnchanged } from "./kept.ts";
import { episodeIdsIn, loadEpisodes } from "./load.ts";
import type { Period } from "./period.ts";

/** Episodes classified between two turns of the event loop, so ward pages are answered meanwhile. */
const BATCH = 400;

export const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The after-change step: the changed episode's answers are out of date. */
export async function markReportFactsChanged(trx: Knex.Transaction, { episodeId, now }: ChangedEpisode): Promise<void> {
  await markChanged(trx, episodeId, now);
}

interface Stale {
  id: number;
  /** The row's version when read (0: no row). */
  version: number;
}

/** The period's episodes whose kept row is missing, has passed its valid-until, or was classified at a later time than `now`. */
export async function staleEpisodes(db: Db, period: Period, now: string): Promise<Stale[]> {
  const rows: { id: number; version: number | null }[] = await db("episodes as e")
    .leftJoin(`${FACTS_TABLE} as f`, "f.episode_id", "e.id")
    .whereIn("e.id", episodeIdsIn(db, period))
    .andWhere((q) => q.whereNull("f.episode_id").orWhere("f.valid_until", "<=", now).orWhere("f.classified_at", ">", now))
    .select("e.id", "f.version");
  return rows.map((r) => ({ id: r.id, version: r.version === null ? 0 : Number(r.version) }));
}

/** Classifies the given episodes from their records, in batches, and writes each row unless a change wrote it meanwhile. */
export async function refreshEpisodes(db: Db, stale: Stale[], now: string): Promise<void> {
  for (let i = 0; i < stale.length; i += BATCH) {
    if (i > 0) await nextTurn();
    const batch = stale.slice(i, i + BATCH);
    const versions = new Map(batch.map((s) => [s.id, s.version]));
    const records = await loadEpisodes(db, batch.map((s) => s.id), now);
    await writeIfUnchanged(db, records.map((r) => ({ kept: classifyForKeeping(r, now), version: versions.get(r.episode.id)! })), now);
  }
}

/** The refreshes of this process, one after another per database (a queue), so concurrent reports never classify the same rows twice. */
const queues = new WeakMap<Db, Promise<void>>();

/** Brings the period's kept rows up to date for `now`: one query when they are. */
export async function freshenPeriod(db: Db, period: Period, now: string): Promise<void> {
  if ((await staleEpisodes(db, period, now)).length === 0) return;
  // Behind the refreshes already queued, which may have done this one's work: read what is stale again.
  const run = (queues.get(db) ?? Promise.resolve()).then(async () => refreshEpisodes(db, await staleEpisodes(db, period, now), now));
  const tail = run.catch(() => undefined);
  queues.set(db, tail);
  try {
    await run;
  } finally {
    if (queues.get(db) === tail) queues.delete(db);
  }
}
