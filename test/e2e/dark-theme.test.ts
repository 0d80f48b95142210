// The dark, low-glare theme for night shifts: chosen by the user in the header, kept with the
// account, and every page still meets WCAG AA contrast (axe-core, 0 violations).
import assert from "node:assert/strict";
import { test } from "node:test";
import { DEMO_WARD } from "../../seeds/02_patients.ts";
import { expectNoAxeViolations, screenshot, signInAs, useServerAndBrowser, watchPage } from "./helpers.ts";

const env = useServerAndBrowser();

test("a nurse switches to the dark theme in the header; it stays on for her, and the ward pages pass axe in it", async () => {
  const page = await env.browser.newPage({ viewport: { width: 1280, height: 900 } });
  const watch = watchPage(page, env.server.url);
  await signInAs(page, env.server.url, "nurse");
  await page.goto(`${env.server.url}/ward`);
  assert.equal(await page.getAttribute("html", "class"), null, "light by default");
  await page.click("#theme-switch");
  await page.waitForLoadState("load");
  assert.match(page.url(), /\/ward$/, "back on the page it was switched from");
  assert.equal(await page.getAttribute("html", "class"), "app-theme-dark");
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(background, "rgb(15, 23, 30)", "a dark page");
  assert.equal((await env.server.db("users").where({ username: "nurse" }).first("theme")).theme, "dark", "kept with her account");

  const episode = await env.server.db("episodes").join("wards", "wards.id", "episodes.ward_id").where("wards.name", DEMO_WARD).whereNull("discharged_at").first("episodes.id");
  const pages: [string, string][] = [
    ["/ward", "ward board"],
    ["/patients", "patient list"],
    ["/due", "due and overdue"],
    [`/episodes/${episode.id}`, "episode"],
    [`/episodes/${episode.id}/bladder`, "bladder page"],
    [`/episodes/${episode.id}/bladder/record/scan`, "scan form"],
    [`/episodes/${episode.id}/flip-flow`, "flip-flow"],
    ["/patients/new", "register a patient"],
  ];
  for (const [path, label] of pages) {
    await page.goto(`${env.server.url}${path}`);
    await expectNoAxeViolations(page, `${label} (dark)`);
  }
  await page.goto(`${env.server.url}/ward`);
  await screenshot(page, "dark-theme-ward-board");
  await page.goto(`${env.server.url}/episodes/${episode.id}/bladder/record/scan`);
  await page.click("button:has-text('Save')");
  await page.waitForLoadState("load");
  await expectNoAxeViolations(page, "scan form with errors (dark)");
  await screenshot(page, "dark-theme-scan-form-errors");

  await page.click("#theme-switch");
  await page.waitForLoadState("load");
  assert.equal(await page.getAttribute("html", "class"), null, "and back to light");
  watch.assertClean();
  await page.close();
});

test("admin pages in the dark theme pass axe", async () => {
  const page = await env.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await signInAs(page, env.server.url, "admin");
  await page.click("#theme-switch");
  await page.waitForLoadState("load");
  for (const path of ["/admin/users", "/admin/wards", "/admin/displays", "/admin/api-tokens"]) {
    await page.goto(`${env.server.url}${path}`);
    await expectNoAxeViolations(page, `${path} (dark)`);
  }
  await page.goto(`${env.server.url}/admin/displays`);
  await screenshot(page, "dark-theme-admin-displays");
  await page.close();
});
