import fs from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import type { Server } from "node:http";
import autocannon from "autocannon";
import express from "express";
import session from "express-session";
import Handlebars from "handlebars";
import { createApp } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { createDb, type Db } from "../src/db/knex.ts";
import { openRecord } from "../src/record.ts";
import { migrateLatest, runSeeds } from "../src/db/migrate.ts";
import { EpisodePanels } from "../src/patients/episode-panels.ts";
import type { Role } from "../src/web/routing.ts";
import { noStore, securityHeaders } from "../src/web/security.ts";
import { DEMO_SIGN_INS } from "../seeds/01_users.ts";

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  baseline: number | string | null;
  target: number | null;
  [extra: string]: unknown;
}

export interface Load {
  requestsPerSecond: number;
  medianLatencyMs: number;
  errors: number;
  non2xx: number;
}

/** autocannon against one URL; 50 connections for 10 s unless told otherwise. */
export async function load(url: string, options: { headers?: Record<string, string>; connections?: number; durationSeconds?: number } = {}): Promise<Load> {
  const result = await autocannon({
    url,
    connections: options.connections ?? 50,
    duration: options.durationSeconds ?? 10,
    headers: options.headers,
    // The load comes from a worker thread, so the server under test keeps the main thread to itself.
    workers: 1,
  });
  return {
    requestsPerSecond: result.requests.average,
    medianLatencyMs: result.latency.p50,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

export interface VersusBare {
  /** The median over the rounds of (page requests/s) / (bare requests/s) measured back to back. */
  ratio: number;
  bare: Load;
  page: Load;
  ratios: number[];
}

/**
 * Loads the bare page and then the page, `rounds` times in turn, and takes the median of the
 * per-round ratios. Other work on a shared machine comes and goes within seconds, so a ratio of two
 * loads taken back to back is steadier than one of two loads taken half a minute apart. The loads
 * returned are the medians of the rounds, with the errors and non-2xx answers of every round.
 */
export async function versusBare(bareUrl: string, url: string, options: { headers?: Record<string, string>; rounds?: number; secondsEach?: number } = {}): Promise<VersusBare> {
  const rounds = options.rounds ?? 4;
  const durationSeconds = options.secondsEach ?? 3;
  const bares: Load[] = [];
  const pages: Load[] = [];
  for (let i = 0; i < rounds; i++) {
    bares.push(await load(bareUrl, { durationSeconds }));
    pages.push(await load(url, { headers: options.headers, durationSeconds }));
  }
  const ratios = pages.map((p, i) => p.requestsPerSecond / bares[i].requestsPerSecond);
  const summary = (loads: Load[]): Load => ({
    requestsPerSecond: median(loads.map((l) => l.requestsPerSecond)),
    medianLatencyMs: median(loads.map((l) => l.medianLatencyMs)),
    errors: loads.reduce((n, l) => n + l.errors, 0),
    non2xx: loads.reduce((n, l) => n + l.non2xx, 0),
  });
  return { ratio: median(ratios), bare: summary(bares), page: summary(pages), ratios };
}

export interface BenchServer {
  url: string;
  db: Db;
  dir: string;
  close: () => Promise<void>;
}

/** The real app on a free port over a fresh SQLite file (migrated and seeded with the demo data). */
export async function startBenchServer(options: { sqliteFile?: string; now?: Date } = {}): Promise<BenchServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ces-bench-"));
  const config = { ...loadConfig({ NODE_ENV: "production", SESSION_SECRET: "bench-secret", DATA_DIR: dir }), env: "test" as const };
  const db = openRecord(createDb({ databaseUrl: null, sqliteFile: options.sqliteFile ?? path.join(dir, "bench.sqlite") }));
  await migrateLatest(db);
  await runSeeds(db, { now: options.now ?? new Date() });
  const app = createApp({ db, config, clock: () => new Date(), episodePanels: new EpisodePanels() });
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const close = () =>
    closeServer(server, async () => {
      // Let handlers still finishing the last requests of a load run end before the pool goes: a
      // load run ends with dozens of them queued for a connection, and destroying the pool under
      // them only prints an "aborted" error for each. Idle means no query for 300 ms.
      const pool = (db.client as { pool?: { numUsed(): number; numPendingAcquires(): number } }).pool;
      const busy = () => (pool ? pool.numUsed() + pool.numPendingAcquires() > 0 : false);
      const until = Date.now() + 15_000;
      for (let quiet = 0; quiet < 6 && Date.now() < until; ) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        quiet = busy() ? 0 : quiet + 1;
      }
      await db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    });
  return { url: urlOf(server), db, dir, close };
}

const BARE_TEMPLATE =
  "<!DOCTYPE html><html lang=\"en\"><head><title>{{title}}</title></head><body><h1>{{title}}</h1><ul>{{#each items}}<li>{{this}}</li>{{/each}}</ul></body></html>";

/** The baseline: a bare Express page rendering a fixed Handlebars template, in the same process and run. */
export async function startBareServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const template = Handlebars.compile(BARE_TEMPLATE);
  const app = express();
  app.get("/", (_req, res) => {
    res.send(template({ title: "Bare page", items: ["one", "two", "three"] }));
  });
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  return { url: urlOf(server), close: () => closeServer(server, async () => undefined) };
}

/**
 * The bare page behind the app's security headers and an express-session cookie session kept in
 * memory (no database): what Express itself costs a signed-in page before any of the app's work.
 * Returns the Cookie header of a session it made.
 */
export async function startFrameworkFloorServer(): Promise<{ url: string; cookie: string; close: () => Promise<void> }> {
  const template = Handlebars.compile(BARE_TEMPLATE);
  const app = express();
  app.use(securityHeaders(), noStore);
  app.use(session({ secret: "bench-secret", name: "ces.sid", resave: false, saveUninitialized: false, rolling: true, cookie: { httpOnly: true, sameSite: "lax", maxAge: 30 * 60_000 } }));
  app.get("/", (req, res) => {
    (req.session as { visits?: number }).visits ??= 1;
    res.send(template({ title: "Bare page", items: ["one", "two", "three"] }));
  });
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const url = urlOf(server);
  const cookie = ((await fetch(url)).headers.get("set-cookie") ?? "").split(";")[0];
  return { url, cookie, close: () => closeServer(server, async () => undefined) };
}

/** Signs in as a demo user and returns the Cookie header of the session. */
export async function signInCookie(baseUrl: string, role: Role): Promise<string> {
  const demo = DEMO_SIGN_INS.find((s) => s.role === role)!;
  const page = await fetch(`${baseUrl}/sign-in`);
  const cookie = (page.headers.get("set-cookie") ?? "").split(";")[0];
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1];
  const res = await fetch(`${baseUrl}/sign-in`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body: new URLSearchParams({ _csrf: csrf, username: demo.username, password: demo.password }),
  });
  if (res.status !== 303) throw new Error(`bench sign-in failed: ${res.status}`);
  return (res.headers.get("set-cookie") ?? "").split(";")[0];
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function round(value: number, places = 3): number {
  const f = 10 ** places;
  return Math.round(value * f) / f;
}

function urlOf(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function closeServer(server: Server, then: () => Promise<void>): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await then();
}
