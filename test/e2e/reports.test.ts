// The service lead (a clinician) opens the pathway reports, asks for a period that is not one,
// corrects it, and downloads a CSV; axe-core checks each page.
import assert from "node:assert/strict";
import fs from "node:fs";
import { test } from "node:test";
import { expectNoAxeViolations, screenshot, signInAs, useServerAndBrowser, watchPage } from "./helpers.ts";

const env = useServerAndBrowser();

test("clinician: pathway reports with charts, tables and a CSV download", async () => {
  const context = await env.browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  const watch = watchPage(page, env.server.url);
  await signInAs(page, env.server.url, "clinician");

  assert.equal(await page.locator("a.nhsuk-header__navigation-link[href='/reports']").count(), 1);
  await page.goto(`${env.server.url}/reports`);
  await page.waitForSelector("h1:has-text('Pathway reports')");
  assert.match((await page.textContent("#period-summary")) ?? "", /[1-9]\d* episodes? with surgery from/);
  assert.equal(await page.locator("svg.app-report-chart").count(), 9);
  assert.match((await page.textContent("#twoc")) ?? "", /Failed \(U3\)/);
  await expectNoAxeViolations(page, "reports page");
  await screenshot(page, "reports");

  await page.fill("#from-day", "31");
  await page.fill("#from-month", "2");
  await page.click("button:has-text('Show reports')");
  await page.waitForSelector(".nhsuk-error-summary");
  assert.match((await page.textContent(".nhsuk-error-summary")) ?? "", /Start date must be a real date/);
  await expectNoAxeViolations(page, "reports page with a period error");
  await screenshot(page, "reports-error");

  await page.fill("#from-day", "1");
  await page.click("button:has-text('Show reports')");
  await page.waitForSelector("svg.app-report-chart");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#flip-flow a[href*='.csv']")]);
  const csv = fs.readFileSync((await download.path())!, "utf8");
  assert.ok(csv.startsWith("\uFEFFEpisode,NHS number,"));
  assert.match(download.suggestedFilename(), /^flip-flow-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);

  watch.assertClean();
  await context.close();
});
