import type { Db } from "../src/db/knex.ts";
import type { SeedContext } from "../src/db/migrate.ts";
import { refreshReminders } from "../src/reminders/index.ts";

/**
 * Derives the demo episodes' reminders from the demo ward and follow-up data, so the "due and
 * overdue" page shows the demo ward at once. Idempotent: reminders are upserted by key.
 */
export async function seed(db: Db, { now }: SeedContext): Promise<void> {
  const episodes = await db("episodes").whereNull("discharged_at").orWhere("discharged_at", ">", new Date(now.getTime() - 365 * 24 * 3600_000).toISOString()).select("id");
  for (const { id } of episodes) {
    await db.transaction((trx) => refreshReminders(trx, id, now.toISOString()));
  }
}
