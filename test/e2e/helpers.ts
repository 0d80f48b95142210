import fs from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { after, before } from "node:test";
import { chromium, type Browser, type Page } from "playwright-core";
import { createApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { createDb, type Db } from "../../src/db/knex.ts";
import { openRecord } from "../../src/record.ts";
import { migrateLatest, runSeeds } from "../../src/db/migrate.ts";
import { EpisodePanels } from "../../src/patients/episode-panels.ts";
import type { Role } from "../../src/web/routing.ts";
import { DEMO_SIGN_INS } from "../../seeds/01_users.ts";

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
export const artifactsDir = path.resolve("test-artifacts");

export interface RunningServer {
  url: string;
  /** The server's own database, for a test to set up or inspect what the browser cannot. */
  db: Db;
  stop: () => Promise<void>;
}

/** The real app on a free port, with a fresh SQLite file holding the demo data, and the real clock. */
export async function startServer(): Promise<RunningServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ces-e2e-"));
  const config = { ...loadConfig({ NODE_ENV: "test", DATA_DIR: dir }), sessionSecret: "e2e-secret" };
  const db = openRecord(createDb({ databaseUrl: null, sqliteFile: path.join(dir, "e2e.sqlite") }));
  await migrateLatest(db);
  await runSeeds(db, { now: new Date() });
  const app = createApp({ db, config, clock: () => new Date(), episodePanels: new EpisodePanels() });
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    db,
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Debian's chromium, headless, with the flags this offline machine needs. Never downloads a browser. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
}

/**
 * Watches a page for what the product promises never happens: a request to another host,
 * or a Content-Security-Policy violation. Call `assertClean()` at the end of the test.
 */
export function watchPage(page: Page, baseUrl: string) {
  const foreign: string[] = [];
  const cspErrors: string[] = [];
  const origin = new URL(baseUrl).origin;
  page.on("request", (req) => {
    const url = req.url();
    if (!url.startsWith(origin) && !url.startsWith("data:") && !url.startsWith("blob:")) foreign.push(url);
  });
  page.on("console", (msg) => {
    if (msg.type() === "error" && /Content Security Policy/i.test(msg.text())) cspErrors.push(msg.text());
  });
  return {
    assertClean() {
      assert.deepEqual(foreign, [], "no page may load anything from another host");
      assert.deepEqual(cspErrors, [], "no Content-Security-Policy violations");
    },
  };
}

export async function signInAs(page: Page, baseUrl: string, role: Role): Promise<void> {
  const demo = DEMO_SIGN_INS.find((s) => s.role === role)!;
  await page.goto(`${baseUrl}/sign-in`);
  await page.fill("#username", demo.username);
  await page.fill("#password", demo.password);
  await page.click("button:has-text('Sign in')");
  await page.waitForLoadState("load");
}

/** Runs axe-core (WCAG 2.0-2.2 A and AA rules) on the current page and fails on any violation. */
export async function expectNoAxeViolations(page: Page, label: string): Promise<void> {
  // Evaluated through the DevTools protocol, so the page's strict CSP does not block it.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: { id: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
    });
    return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
  });
  assert.deepEqual(violations, [], `accessibility violations on ${label}`);
}

/** Saves a screenshot under test-artifacts/ and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * One server and one browser for a test file, started before its tests and stopped after them.
 * Read `env.server` and `env.browser` inside tests (they exist once the before hook has run).
 */
export function useServerAndBrowser(): { readonly server: RunningServer; readonly browser: Browser } {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });
  return {
    get server() {
      return server!;
    },
    get browser() {
      return browser!;
    },
  };
}
