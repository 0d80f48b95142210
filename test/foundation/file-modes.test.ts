// The data folder holds the database, the session secret and copies of patients' messages: on a
// shared server no other user may read them, whatever the umask.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { loadConfig } from "../../src/config.ts";
import { createDb } from "../../src/db/knex.ts";
import { makeDataDirPrivate } from "../../src/files.ts";
import { emlFileTransport } from "../../src/reminders/mailer.ts";

const mode = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);
let root: string;
let umask: number;
before(() => {
  umask = process.umask(0o022);
  root = fs.mkdtempSync(path.join(os.tmpdir(), "ces-modes-"));
});
after(() => {
  process.umask(umask);
  fs.rmSync(root, { recursive: true, force: true });
});

test("the generated session secret is 0600 in a data folder made 0700", () => {
  const dataDir = path.join(root, "dev-data");
  loadConfig({ NODE_ENV: "development", DATA_DIR: dataDir });
  assert.equal(mode(dataDir), "700");
  assert.equal(mode(path.join(dataDir, "session-secret")), "600");
});

test("the SQLite database and its write-ahead log are 0600", async () => {
  const file = path.join(root, "db-data", "ces.sqlite");
  const db = createDb({ databaseUrl: null, sqliteFile: file });
  try {
    await db.schema.createTable("t", (t) => t.integer("n"));
    await db("t").insert({ n: 1 });
    assert.equal(mode(path.dirname(file)), "700");
    assert.equal(mode(file), "600");
    assert.equal(mode(`${file}-wal`), "600");
  } finally {
    await db.destroy();
  }
});

test("a message written to the outbox folder is 0600, in a folder made 0700", async () => {
  const dir = path.join(root, "outbox");
  const transport = emlFileTransport(dir);
  const sent = await transport.send({ from: "a@example.nhs.uk", to: "b@example.com", subject: "A reminder", text: "Hello" }, "1.eml");
  transport.close();
  assert.equal(mode(dir), "700");
  assert.equal(mode(path.join(dir, sent.emlFile!)), "600");
});

test("a data folder an older version made 0755 is made 0700 at start-up", () => {
  const dataDir = path.join(root, "old-data");
  fs.mkdirSync(dataDir, { mode: 0o755 });
  assert.equal(mode(dataDir), "755");
  makeDataDirPrivate(dataDir);
  assert.equal(mode(dataDir), "700");
});
