// Brings the database (SQLite by default, or DATABASE_URL) up to the latest migration.
import { loadConfig } from "../src/config.ts";
import { createDb } from "../src/db/knex.ts";
import { migrateLatest } from "../src/db/migrate.ts";

const config = loadConfig();
const db = createDb({ databaseUrl: config.databaseUrl, sqliteFile: config.sqliteFile });
await migrateLatest(db);
console.log("Database is up to date");
await db.destroy();
