import { createApp } from "./app.ts";
import { loadConfig } from "./config.ts";
import { createDb } from "./db/knex.ts";
import { makeDataDirPrivate } from "./files.ts";
import { openRecord } from "./record.ts";
import { migrateLatest, runSeeds } from "./db/migrate.ts";
import { EpisodePanels } from "./patients/episode-panels.ts";
import { type Scheduler, startScheduler } from "./reminders/scheduler.ts";
import { DEMO_SIGN_INS } from "../seeds/01_users.ts";
import { type MllpListener, startFeedListener } from "./hl7/index.ts";
import { DEMO_DISPLAY_TOKEN } from "../seeds/20_wall_display.ts";

/** Start-up only: configuration, database, demo data outside production, then listen. */
async function main(): Promise<void> {
  let config = loadConfig();
  makeDataDirPrivate(config.dataDir);
  const db = openRecord(createDb({ databaseUrl: config.databaseUrl, sqliteFile: config.sqliteFile }));
  await migrateLatest(db);
  if (config.seedDemoData) await runSeeds(db, { now: new Date() });
  // The local identity provider is loaded only when asked for: it is for the demo, never production.
  const devProvider = config.oidcDev ? await import("./auth/oidc/dev-provider.ts") : null;
  const devSignIn = devProvider ? await devProvider.startDevSignIn(config, db, Number(process.env.OIDC_DEV_PORT ?? config.port + 1)) : null;
  if (devSignIn) config = devSignIn.config;
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
    if (devSignIn && devProvider) {
      console.log(`Local identity provider (OIDC_DEV) at ${config.oidc!.issuer}: choose "${config.oidc!.label}" and sign in as`);
      for (const [login, account] of Object.entries(devProvider.DEV_ACCOUNTS)) console.log(`  ${login.padEnd(14)} (${account.roles.join(", ")}), any password`);
    }
  });
  // Reminders: a tick every minute once the app is listening (never under tests, which call the tick).
  let scheduler: Scheduler | null = null;
  server.on("listening", () => {
    if (config.env !== "test") scheduler = startScheduler(db, config);
  });
  // The hospital feed (HL7 v2 ADT over MLLP), only when HL7_MLLP_PORT is set.
  const feed: MllpListener | null = config.hl7 ? await startFeedListener(db, { port: config.hl7.port, maxMessageBytes: config.hl7.maxMessageBytes }) : null;
  if (feed) console.log(`Hospital feed (HL7 v2 over MLLP) listening on port ${feed.port}`);
  const stop = () => {
    void feed?.close();
    server.close(() => void (scheduler?.stop() ?? Promise.resolve()).then(() => devSignIn?.close()).then(() => db.destroy()).then(() => process.exit(0)));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
