// An admin reads the hospital feed's messages (the demo data has one applied, one failed, one
// ignored), opens the failed one, and adds the missing PAS ward code. axe-core runs on each page.
import assert from "node:assert/strict";
import { test } from "node:test";
import { expectNoAxeViolations, screenshot, signInAs, useServerAndBrowser, watchPage } from "./helpers.ts";

const env = useServerAndBrowser();

test("an admin reads the feed messages and maps the unknown ward code", async () => {
  const page = await env.browser.newPage();
  const watch = watchPage(page, env.server.url);
  await signInAs(page, env.server.url, "admin");

  // The header's menu lists it (under "More" on a narrow screen).
  assert.equal(await page.locator("a.nhsuk-header__navigation-link[href='/admin/feed']").count(), 1);
  await page.goto(`${env.server.url}/admin/feed`);
  assert.equal(await page.locator("h1").textContent(), "Hospital feed messages");
  await expectNoAxeViolations(page, "feed messages");
  await screenshot(page, "hl7-feed-messages");

  await page.click("a:has-text('ADT A02 DEMO-0002')");
  assert.match((await page.locator("#feed-message").textContent()) ?? "", /Unknown ward code ICU1/);
  assert.match((await page.locator("#feed-raw").textContent()) ?? "", /PV1\|1\|I\|ICU1\^\^2\^RXX01/);
  await expectNoAxeViolations(page, "feed message");
  await screenshot(page, "hl7-feed-message");

  await page.goto(`${env.server.url}/admin/feed/ward-codes`);
  await page.click("button:has-text('Save code')");
  assert.match((await page.locator(".nhsuk-error-summary").textContent()) ?? "", /Enter PAS ward code/);
  await expectNoAxeViolations(page, "ward codes with errors");
  await page.fill("#code", "icu1");
  await page.selectOption("#wardId", { label: "Ward 3 (Spinal)" });
  await page.click("button:has-text('Save code')");
  assert.match((await page.locator("#ward-codes").textContent()) ?? "", /ICU1\s*Ward 3 \(Spinal\)/);
  await expectNoAxeViolations(page, "ward codes");
  await screenshot(page, "hl7-ward-codes");
  watch.assertClean();
});
