// npm run api-token -- --name "Ward 3 bladder scanner" --role nurse
// Prints a new API token once; only its hash is stored.
import { parseArgs } from "node:util";
import { writeAudit, SYSTEM_ACTOR } from "../src/audit/audit.ts";
import { createApiToken } from "../src/auth/api-tokens.ts";
import { loadConfig } from "../src/config.ts";
import { createDb } from "../src/db/knex.ts";
import { migrateLatest } from "../src/db/migrate.ts";
import { ROLES, type Role } from "../src/web/routing.ts";

const { values } = parseArgs({ options: { name: { type: "string" }, role: { type: "string" } } });
const name = values.name?.trim();
if (!name || name.length > 120 || !ROLES.includes(values.role as Role)) {
  console.error(`Usage: npm run api-token -- --name NAME --role ${ROLES.join("|")}`);
  process.exit(2);
}
const config = loadConfig();
const db = createDb({ databaseUrl: config.databaseUrl, sqliteFile: config.sqliteFile });
await migrateLatest(db);
const now = new Date().toISOString();
const { id, token } = await createApiToken(db, { name, role: values.role as Role, createdBy: null }, now);
await writeAudit(db, { at: now, actor: SYSTEM_ACTOR, patientId: null, entity: "api-token", entityId: id, action: "create", before: null, after: { name, role: values.role } });
console.log(`Token for "${name}" (${values.role}). Copy it now; it is not shown again:\n${token}`);
await db.destroy();
