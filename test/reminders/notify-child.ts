/**
 * An app instance's dispatcher in a process of its own, for the test that kills it with SIGKILL
 * mid-dispatch: sends what is queued through GOV.UK Notify (the test's server) and exits.
 * Database: CHILD_SQLITE_FILE, or CHILD_DATABASE_URL with CHILD_SCHEMA.
 */
import { createDb } from "../../src/db/knex.ts";
import { Dispatcher } from "../../src/reminders/dispatcher.ts";
import { notifyClient, notifyMailTransport, notifyTextTransport } from "../../src/reminders/notify.ts";
import { TEST_API_KEY, TEST_TEMPLATES } from "./notify-server.ts";

const env = process.env;
const db = createDb(env.CHILD_SQLITE_FILE
  ? { databaseUrl: null, sqliteFile: env.CHILD_SQLITE_FILE }
  : { databaseUrl: env.CHILD_DATABASE_URL!, sqliteFile: "", searchPath: env.CHILD_SCHEMA });
const settings = { apiKey: TEST_API_KEY, baseUrl: env.NOTIFY_BASE_URL!, emailTemplateId: TEST_TEMPLATES.email.id, smsTemplateId: TEST_TEMPLATES.sms.id };
const client = notifyClient(settings);
const dispatcher = new Dispatcher({
  db, transport: notifyMailTransport(client, settings), texts: notifyTextTransport(client, settings), clock: () => new Date(),
  refreshAfterFiring: false, batchSize: 10, instanceId: "child",
  settings: { baseUrl: "http://localhost:3000", secret: "test-secret", from: "Spinal team <no-reply@example.nhs.uk>" },
});
const report = await dispatcher.tick();
console.log(JSON.stringify(report));
await db.destroy();
