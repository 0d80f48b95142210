// Wall screens in a real browser at 1920x1080, and a ward PC's board refresh and session timeout.
import assert from "node:assert/strict";
import { test } from "node:test";
import { DEMO_WARD } from "../../seeds/02_patients.ts";
import { DEMO_DISPLAY_TOKEN } from "../../seeds/20_wall_display.ts";
import { SYSTEM_ACTOR } from "../../src/audit/audit.ts";
import { createDisplay } from "../../src/displays/repository.ts";
import { newEpisode } from "../ward/helpers.ts";
import { expectNoAxeViolations, screenshot, signInAs, useServerAndBrowser, watchPage } from "./helpers.ts";

const env = useServerAndBrowser();
const FULL_HD = { width: 1920, height: 1080 };

/** Enough inpatients on the demo ward for 12 or more rows. */
async function fillWard(): Promise<number> {
  const now = new Date().toISOString();
  const count = async () => Number((await env.server.db("episodes").join("wards", "wards.id", "episodes.ward_id").where("wards.name", DEMO_WARD).whereNull("discharged_at").count({ n: "*" }))[0].n);
  for (let bed = 20; (await count()) < 13; bed++) await newEpisode(env.server.db, { now, ward: DEMO_WARD, bed: String(bed), familyName: `Filler${bed}` });
  return count();
}

test("the wall screen at 1920x1080: 12 or more rows without scrolling, no names or NHS numbers in initials mode, axe clean in both themes", async () => {
  const inpatients = await fillWard();
  const page = await env.browser.newPage({ viewport: FULL_HD });
  const watch = watchPage(page, env.server.url);
  await page.goto(`${env.server.url}/wall/${DEMO_DISPLAY_TOKEN}`);
  const rows = page.locator(".app-wall__table tbody tr");
  assert.equal(await rows.count(), inpatients);
  let visible = 0;
  for (let i = 0; i < (await rows.count()); i++) {
    const box = await rows.nth(i).boundingBox();
    if (box && box.y + box.height <= FULL_HD.height) visible += 1;
  }
  assert.ok(visible >= 12, `${visible} rows fit on the screen without scrolling`);
  const fontSize = await page.locator(".app-wall__table td").first().evaluate((td) => parseFloat(getComputedStyle(td).fontSize));
  assert.ok(fontSize >= 28, `text readable across a bay (${fontSize}px)`);
  const text = (await page.textContent("body")) ?? "";
  assert.doesNotMatch(text, /\d{3} \d{3} \d{4}|Filler\d+|OKAFOR/i, "initials only");
  await expectNoAxeViolations(page, "wall screen, dark, initials");
  await screenshot(page, "wall-board-1920x1080-dark-initials");

  const wardId = (await env.server.db("wards").where({ name: DEMO_WARD }).first("id")).id;
  const { token } = await createDisplay(env.server.db, SYSTEM_ACTOR, { wardId, name: "Staff room", initialsOnly: false, theme: "light" }, new Date().toISOString());
  await page.goto(`${env.server.url}/wall/${token}`);
  assert.match((await page.textContent("body")) ?? "", /OKAFOR/);
  await expectNoAxeViolations(page, "wall screen, light, names");
  await screenshot(page, "wall-board-1920x1080-light-names");
  watch.assertClean();
  await page.close();
});

test("the wall screen refreshes itself, says so when it is old even with the server unreachable, and shows nothing once revoked", async () => {
  const page = await env.browser.newPage({ viewport: FULL_HD });
  await page.clock.install();
  const wardId = (await env.server.db("wards").where({ name: DEMO_WARD }).first("id")).id;
  const { id, token } = await createDisplay(env.server.db, SYSTEM_ACTOR, { wardId, name: "Bay 4", initialsOnly: true, theme: "dark" }, new Date().toISOString());
  let refreshes = 0;
  page.on("request", (req) => {
    if (req.headers()["ces-auto-refresh"] === "1") refreshes += 1;
  });
  await page.goto(`${env.server.url}/wall/${token}`);
  assert.ok(await page.locator("#wall-stale").isHidden());
  await page.clock.runFor(31_000);
  await page.waitForTimeout(300);
  assert.ok(refreshes >= 1, "it fetched itself after 30 seconds");
  assert.ok(await page.locator("#wall-stale").isHidden(), "fresh: no warning");

  // The server cannot be reached: the page keeps what it shows and, after 2 minutes, says how old it is.
  await page.route("**/wall/**", (route) => route.abort("internetdisconnected"));
  await page.clock.runFor(5 * 60_000);
  await page.waitForTimeout(300);
  const warning = (await page.textContent("#wall-stale")) ?? "";
  assert.match(warning, /Last updated [45] min ago, check the connection/);
  assert.ok(await page.locator("#wall-stale").isVisible());
  assert.ok(await page.locator(".app-wall__table").isVisible(), "the old board stays, dimmed under the warning");
  await expectNoAxeViolations(page, "stale wall screen");
  await screenshot(page, "wall-board-stale");

  // Back on line, and the link revoked meanwhile: the next refresh clears the board.
  await page.unroute("**/wall/**");
  await env.server.db("ward_displays").where({ id }).update({ revoked_at: new Date().toISOString() });
  await page.clock.runFor(31_000);
  await page.waitForTimeout(500);
  assert.equal(await page.locator(".app-wall__table").count(), 0, "no rows once revoked");
  assert.match((await page.textContent("body")) ?? "", /This screen's link is not active/);
  await page.close();
});

test("the ward board refreshes in place without keeping the nurse signed in; when the session has ended the PC shows sign-in", async () => {
  const page = await env.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.clock.install();
  await signInAs(page, env.server.url, "nurse");
  await page.goto(`${env.server.url}/ward`);
  assert.ok(await page.locator("#auto-refresh").isChecked());
  const before = await env.server.db("sessions").whereNotNull("user_id").max({ at: "expires_at" });
  await page.clock.runFor(61_000);
  await page.waitForTimeout(500);
  assert.match(page.url(), /\/ward$/);
  assert.match((await page.textContent("h1")) ?? "", /Ward board/);
  const afterRefresh = await env.server.db("sessions").whereNotNull("user_id").max({ at: "expires_at" });
  assert.deepEqual(afterRefresh, before, "the refresh did not extend the session");
  // The idle limit passes (the session row says so); the next refresh shows the sign-in page.
  await env.server.db("sessions").whereNotNull("user_id").update({ expires_at: new Date(Date.now() - 1000).toISOString() });
  await page.clock.runFor(61_000);
  await page.waitForURL(/\/sign-in/);
  assert.match((await page.textContent("h1")) ?? "", /Sign in/);
  await page.close();
});

test("a scan typed before the session ran out is kept through sign-in and saved only when sent again", async () => {
  const page = await env.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await signInAs(page, env.server.url, "nurse");
  const episode = await newEpisode(env.server.db, { now: new Date().toISOString(), ward: DEMO_WARD, bed: "40", familyName: "Timeout" });
  await page.goto(`${env.server.url}/episodes/${episode.id}/bladder/record/scan`);
  await page.check("#phase-0");
  await page.fill("#volumeMl", "388");
  await page.check("#sensationToVoid-0");
  await env.server.db("sessions").whereNotNull("user_id").update({ expires_at: new Date(Date.now() - 1000).toISOString() });
  await page.click("button:has-text('Save')");
  await page.waitForLoadState("load");
  assert.match((await page.textContent("main")) ?? "", /You were signed out[\s\S]*Sign in to save this/);
  assert.doesNotMatch(page.url(), /388/);
  await expectNoAxeViolations(page, "signed out with a kept form");
  const count = async () => Number((await env.server.db("bladder_events").where({ episode_id: episode.id }).count({ n: "*" }))[0].n);
  assert.equal(await count(), 0);
  await page.fill("#username", "nurse");
  await page.fill("#password", (await import("../../seeds/01_users.ts")).DEMO_SIGN_INS.find((s) => s.role === "nurse")!.password);
  await page.click("button:has-text('Sign in')");
  await page.waitForLoadState("load");
  assert.match(page.url(), new RegExp(`/episodes/${episode.id}/bladder/record/scan$`));
  assert.equal(await page.inputValue("#volumeMl"), "388");
  assert.ok(await page.isChecked("#phase-0"));
  assert.match((await page.textContent("#kept-form")) ?? "", /Nothing has been saved/);
  await expectNoAxeViolations(page, "form restored after sign-in");
  await screenshot(page, "kept-form-restored");
  assert.equal(await count(), 0, "nothing saved yet");
  await page.click("button:has-text('Save')");
  await page.waitForLoadState("load");
  assert.equal(await count(), 1);
  await page.close();
});
