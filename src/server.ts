import { createApp } from "./app.ts";
import { loadConfig } from "./config.ts";
import { createDb } from "./db/knex.ts";
import { openRecord } from "./record.ts";
import { migrateLatest, runSeeds } from "./db/migrate.ts";
import { EpisodePanels } from "./patients/episode-panels.ts";
import { type Scheduler, startScheduler } from "./reminders/scheduler.ts";
import { DEMO_SIGN_INS } from "../seeds/01_users.ts";
import { DEMO_DISPLAY_TOKEN } from "../seeds/20_wall_display.ts";

/** Start-up only: configuration, database, demo data outside production, then listen. */
async function main(): Promise<void> {
  const config = loadConfig();
  const db = openRecord(createDb({ databaseUrl: config.databaseUrl, sqliteFile: config.sqliteFile }));
  await migrateLatest(db);
  if (config.seedDemoData) await runSeeds(db, { now: new Date() });
  const app = createApp({ db, config, clock: () => new Date(), episodePanels: new EpisodePanels() });
  const server = app.listen(config.port, () => {
    const url = `http://localhost:${config.port}`;
    console.log(`CES follow-up care planner is running at ${url}`);
    console.log(`Database: ${config.databaseUrl ? "PostgreSQL (DATABASE_URL)" : `SQLite, ${config.sqliteFile}`}`);
    if (config.seedDemoData) {
      console.log("Demo sign-ins (demo data only; not created in production):");
      for (const s of DEMO_SIGN_INS) console.log(`  ${s.role.padEnd(10)} username ${s.username.padEnd(10)} password ${s.password}`);
      console.log(`Demo wall screen (initials only): ${url}/wall/${DEMO_DISPLAY_TOKEN}`);
    }
  });
  // Reminders: a tick every minute once the app is listening (never under tests, which call the tick).
  let scheduler: Scheduler | null = null;
  server.on("listening", () => {
    if (config.env !== "test") scheduler = startScheduler(db, config);
  });
  const stop = () => {
    server.close(() => void (scheduler?.stop() ?? Promise.resolve()).then(() => db.destroy()).then(() => process.exit(0)));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
