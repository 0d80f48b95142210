import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { loadConfig } from "../../src/config.ts";

test("development keeps one generated session secret across restarts, under the data folder", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ces-config-"));
  try {
    const first = loadConfig({ NODE_ENV: "development", DATA_DIR: dir }).sessionSecret;
    const second = loadConfig({ NODE_ENV: "development", DATA_DIR: dir }).sessionSecret;
    assert.match(first, /^[0-9a-f]{64}$/);
    assert.equal(second, first);
    assert.equal(loadConfig({ NODE_ENV: "development", DATA_DIR: dir, SESSION_SECRET: "set-by-operator" }).sessionSecret, "set-by-operator");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("production refuses to start without SESSION_SECRET, and never seeds demo data", () => {
  assert.throws(() => loadConfig({ NODE_ENV: "production" }), /SESSION_SECRET must be set in production/);
  assert.equal(loadConfig({ NODE_ENV: "production", SESSION_SECRET: "x".repeat(40) }).seedDemoData, false);
  assert.equal(loadConfig({ NODE_ENV: "development", DATA_DIR: os.tmpdir(), SESSION_SECRET: "s" }).seedDemoData, true);
});

test("a DATABASE_URL that is not PostgreSQL is refused with a message", () => {
  assert.throws(() => loadConfig({ DATABASE_URL: "mysql://x", SESSION_SECRET: "s" }), /DATABASE_URL must be a postgres:\/\/ URL/);
});

test("TRUST_PROXY: none by default, a hop count, or a list of addresses; anything else stops start-up", () => {
  const cases: [string | undefined, false | number | string[]][] = [
    [undefined, false],
    ["", false],
    ["none", false],
    ["NONE", false],
    ["1", 1],
    ["2", 2],
    ["10.0.0.1", ["10.0.0.1"]],
    ["loopback, 10.0.0.0/8 ,fd00::1", ["loopback", "10.0.0.0/8", "fd00::1"]],
  ];
  for (const [value, expected] of cases) assert.deepEqual(loadConfig({ NODE_ENV: "test", TRUST_PROXY: value }).trustProxy, expected, String(value));
  for (const bad of ["0", "11", "true", "yes", "proxy.example", "10.0.0.1, everyone"]) {
    assert.throws(() => loadConfig({ NODE_ENV: "test", TRUST_PROXY: bad }), /TRUST_PROXY must be/, bad);
  }
  assert.equal(loadConfig({ NODE_ENV: "production", SESSION_SECRET: "x".repeat(40) }).trustProxy, false, "production trusts no proxy unless told");
});
