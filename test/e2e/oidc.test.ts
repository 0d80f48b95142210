// A nurse signs in through the trust's identity provider (a real OpenID provider on this machine,
// as OIDC_DEV=true starts it): the app's button, the provider's own sign-in page, and back.
import assert from "node:assert/strict";
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { createApp } from "../../src/app.ts";
import { startDevSignIn } from "../../src/auth/oidc/dev-provider.ts";
import { loadConfig } from "../../src/config.ts";
import { createDb, type Db } from "../../src/db/knex.ts";
import { migrateLatest, runSeeds } from "../../src/db/migrate.ts";
import { EpisodePanels } from "../../src/patients/episode-panels.ts";
import { openRecord } from "../../src/record.ts";
import { expectNoAxeViolations, launchBrowser, screenshot } from "./helpers.ts";

let browser: Browser;
let db: Db;
let url: string;
let stop: () => Promise<void>;

before(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ces-e2e-oidc-"));
  db = openRecord(createDb({ databaseUrl: null, sqliteFile: path.join(dir, "e2e.sqlite") }));
  await migrateLatest(db);
  await runSeeds(db, { now: new Date() });
  const app0 = createApp({ db, config: { ...loadConfig({ NODE_ENV: "test", DATA_DIR: dir }), sessionSecret: "x" }, clock: () => new Date(), episodePanels: new EpisodePanels() });
  const server = app0.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const base = { ...loadConfig({ NODE_ENV: "test", DATA_DIR: dir, BASE_URL: url }), sessionSecret: "e2e-secret" };
  const dev = await startDevSignIn(base, db, 0);
  // The listening server answers with the app configured for the provider from here on.
  const app = createApp({ db, config: dev.config, clock: () => new Date(), episodePanels: new EpisodePanels() });
  server.removeAllListeners("request");
  server.on("request", app);
  browser = await launchBrowser();
  stop = async () => {
    await browser.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await dev.close();
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  };
});
after(() => stop());

test("a nurse signs in through the identity provider's page and lands on the ward board with the nurse role", async () => {
  const page = await browser.newPage();
  await page.goto(`${url}/sign-in`);
  await expectNoAxeViolations(page, "sign-in with the provider's button");
  await screenshot(page, "oidc-sign-in");
  await page.click("#sign-in-oidc");
  await page.waitForSelector("input[name=login]");
  assert.notEqual(new URL(page.url()).origin, url, "the browser is at the provider");
  await screenshot(page, "oidc-provider-page");
  await page.fill("input[name=login]", "dev-nurse");
  await page.fill("input[name=password]", "any password");
  await page.click("button[type=submit]");
  await page.waitForURL(`${url}/ward**`);
  assert.match((await page.locator("body").textContent()) ?? "", /Nina Nurse \(provider\)/);
  const user = await db("users").where({ oidc_subject: "dev-nurse" }).first();
  assert.equal(user.role, "nurse");
  await screenshot(page, "oidc-signed-in-board");
});
