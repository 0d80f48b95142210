import type { Db } from "../src/db/knex.ts";
import type { SeedContext } from "../src/db/migrate.ts";
import { rederiveEpisodes } from "../src/patients/change.ts";

/**
 * The demo history was recorded at past times, each change deriving reminders as of then; this
 * derives them again at the demo's "now", as the scheduler would. Idempotent: upserted by key.
 */
export async function seed(db: Db, { now }: SeedContext): Promise<void> {
  const episodes = await db("episodes").whereNull("discharged_at").orWhere("discharged_at", ">", new Date(now.getTime() - 365 * 24 * 3600_000).toISOString()).select("id");
  for (const { id } of episodes) await rederiveEpisodes(db, [id as number], now.toISOString());
}
