import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import supertest from "supertest";
import { createApp, type App } from "../../src/app.ts";
import { createApiToken } from "../../src/auth/api-tokens.ts";
import { loadConfig } from "../../src/config.ts";
import { createDb, type Db } from "../../src/db/knex.ts";
import { openRecord } from "../../src/record.ts";
import { migrateLatest, runSeeds } from "../../src/db/migrate.ts";
import { EpisodePanels } from "../../src/patients/episode-panels.ts";
import type { Role } from "../../src/web/routing.ts";
import { DEMO_SIGN_INS } from "../../seeds/01_users.ts";

/**
 * A fresh database for one test file: SQLite in memory, or with DATABASE_URL a PostgreSQL
 * schema of its own (dropped afterwards), so test files can run in parallel on one database.
 */
export async function createTestDb(options: { sqliteFile?: boolean } = {}): Promise<{ db: Db; close: () => Promise<void> }> {
  const databaseUrl = process.env.DATABASE_URL || null;
  if (!databaseUrl && options.sqliteFile) {
    // A database file, as the app runs it (WAL, several connections), for tests of concurrency.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ces-test-"));
    const db = openRecord(createDb({ databaseUrl: null, sqliteFile: path.join(dir, "test.sqlite") }));
    return { db, close: async () => { await db.destroy(); fs.rmSync(dir, { recursive: true, force: true }); } };
  }
  if (!databaseUrl) {
    const db = openRecord(createDb({ databaseUrl: null, sqliteFile: ":memory:" }));
    return { db, close: () => db.destroy() };
  }
  const schema = `test_${randomBytes(6).toString("hex")}`;
  const admin = createDb({ databaseUrl, sqliteFile: "" });
  await admin.raw(`create schema ${schema}`);
  const db = openRecord(createDb({ databaseUrl, sqliteFile: "", searchPath: schema }));
  return {
    db,
    close: async () => {
      await db.destroy();
      await admin.raw(`drop schema ${schema} cascade`);
      await admin.destroy();
    },
  };
}

/** A settable clock for tests: starts at `start` and moves only when told. */
export class TestClock {
  private current: number;
  constructor(start: string) {
    this.current = Date.parse(start);
  }
  now = (): Date => new Date(this.current);
  set(instant: string): void {
    this.current = Date.parse(instant);
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

export interface TestContext {
  app: App;
  db: Db;
  clock: TestClock;
  /** Call in an after() hook: closes the database (and drops a PostgreSQL test schema). */
  close: () => Promise<void>;
}

/**
 * The whole app on a fresh, migrated and seeded database, with a clock the test controls.
 * Pair it with `after(() => ctx.close())`, or the test process cannot exit.
 */
export async function createTestApp(options: { now?: string; seed?: boolean; sqliteFile?: boolean; sessionClock?: () => Date } = {}): Promise<TestContext> {
  const { db, close } = await createTestDb({ sqliteFile: options.sqliteFile });
  await migrateLatest(db);
  const clock = new TestClock(options.now ?? "2026-11-24T10:00:00Z");
  if (options.seed !== false) await runSeeds(db, { now: clock.now() });
  const config = { ...loadConfig({ NODE_ENV: "test" }), sessionSecret: "test-secret" };
  const app = createApp({ db, config, clock: clock.now, sessionClock: options.sessionClock, episodePanels: new EpisodePanels() });
  return { app, db, clock, close };
}

/** The CSRF token in a page's forms. */
export function csrfFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error("No CSRF token on the page");
  return match[1];
}

export interface SignedInAgent {
  agent: ReturnType<typeof supertest.agent>;
  csrf: string;
  /** POST a form with the CSRF token added. */
  submit: (url: string, form: Record<string, string | string[]>) => supertest.Test;
}

/** A browser-like agent signed in as the demo user of a role. */
export async function signIn(app: App, role: Role): Promise<SignedInAgent> {
  const demo = DEMO_SIGN_INS.find((s) => s.role === role)!;
  const agent = supertest.agent(app);
  const page = await agent.get("/sign-in");
  const signedIn = await agent.post("/sign-in").type("form").send({ _csrf: csrfFrom(page.text), username: demo.username, password: demo.password });
  if (signedIn.status !== 303) throw new Error(`Sign-in as ${role} failed: ${signedIn.status}`);
  const home = await agent.get("/patients/new").redirects(0);
  const csrf = csrfFrom(home.status === 200 ? home.text : (await agent.get("/admin/users")).text);
  return {
    agent,
    csrf,
    submit: (url, form) => agent.post(url).type("form").send({ _csrf: csrf, ...form }),
  };
}

/** A bearer token of a role, for API tests. */
export async function apiToken(db: Db, role: Role): Promise<string> {
  const { token } = await createApiToken(db, { name: `test ${role}`, role, createdBy: null }, new Date().toISOString());
  return token;
}

/** The text of a page without tags, with spaces collapsed: what a person reads. */
export function pageText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();
}

/** The hidden fields of the page's form that posts to `action` (CSRF token, one-time key, ...), as a browser sends them back. */
export function hiddenFields(html: string, action: string): Record<string, string> {
  const form = [...html.matchAll(/<form[\s\S]*?<\/form>/g)].map((m) => m[0]).find((f) => f.includes(`action="${action}"`));
  if (!form) throw new Error(`No form posts to ${action}`);
  const fields: Record<string, string> = {};
  for (const m of form.matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
    const name = /name="([^"]+)"/.exec(m[0])?.[1];
    const value = /value="([^"]*)"/.exec(m[0])?.[1];
    if (name) fields[name] = value ?? "";
  }
  return fields;
}
