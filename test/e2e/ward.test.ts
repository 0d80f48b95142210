import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { instantFields } from "../../src/web/form-values.ts";
import { expectNoAxeViolations, screenshot, signInAs, useServerAndBrowser, watchPage } from "./helpers.ts";

const env = useServerAndBrowser();

async function check(page: Page, label: string): Promise<void> {
  await expectNoAxeViolations(page, label);
}

test("a nurse records a failed TWOC and starts a flip-flow schedule; every page passes axe", async () => {
  const page = await env.browser.newPage({ viewport: { width: 1280, height: 900 } });
  const watch = watchPage(page, env.server.url);
  await signInAs(page, env.server.url, "nurse");

  await page.goto(`${env.server.url}/ward`);
  await check(page, "ward board");
  await page.click("a:has-text('OKAFOR, Grace')");
  await page.waitForLoadState("load");
  assert.match(await page.textContent("#twoc-panel") ?? "", /TWOC in progress/);
  await check(page, "bladder page (TWOC in progress)");
  const bladderUrl = page.url();

  await page.click("a:has-text('Bladder scan')");
  await check(page, "scan form");
  await page.check("#phase-0"); // pre-void
  await page.fill("#volumeMl", "650");
  await page.check("#sensationToVoid-1"); // no
  await page.click("button:has-text('Save')");
  await page.waitForLoadState("load");
  assert.equal(page.url(), bladderUrl);
  const panel = (await page.textContent("#twoc-panel")) ?? "";
  assert.match(panel, /TWOC failed/);
  assert.match(panel, /Pre-void scan 650 ml with no sensation to void/);
  assert.ok(await page.isVisible("#u-safe-alert"), "U-SAFE shows as an urgent alert");
  await check(page, "bladder page (failed TWOC)");

  await page.click("a:has-text('Re-catheterised')");
  await page.check("#catheterType-0"); // long-term with flip-flow valve
  // U-SAFE is open: the form asks for whether sensate and the catheter tug.
  await page.check("#sensate-1"); // not sensate
  await page.check("#catheterTugDone-0"); // done
  await page.fill("#catheterTugResult", "Catheter secure");
  await page.click("button:has-text('Save')");
  await page.waitForLoadState("load");
  assert.match((await page.textContent("#twoc-checklist + ul")) ?? "", /Re-catheterised with a long-term catheter with a flip-flow valve: done/);

  await page.click("button:has-text('Tick as done: Follow-up arranged')");
  await page.waitForLoadState("load");
  assert.match((await page.textContent("#twoc-checklist + ul")) ?? "", /Follow-up arranged with the regional SCI service or the local urology service: done/);
  await page.goto(`${bladderUrl.replace(/\/bladder$/, "")}/flip-flow`);
  await check(page, "flip-flow page (no schedule)");
  await page.click("a:has-text('Start a flip-flow schedule')");
  await check(page, "start schedule form");
  await page.click("button:has-text('Start the schedule')");
  await page.waitForLoadState("load");
  assert.match((await page.textContent("main")) ?? "", /Open the valve every 4 h/);
  assert.match((await page.textContent("#openings")) ?? "", /Upcoming/);
  await check(page, "flip-flow schedule");

  await page.click("a:has-text('Printable bedside sheet')");
  await check(page, "bedside sheet");
  await page.emulateMedia({ media: "print" });
  assert.equal(await page.isVisible(".nhsuk-header"), false, "the header is not printed");
  await page.emulateMedia({ media: "screen" });

  watch.assertClean();
  await page.close();
});

test("a catheter removal typed two hours earlier, with Now still chosen, starts the U4 clock at the typed time", async () => {
  const page = await env.browser.newPage({ viewport: { width: 1280, height: 900 } });
  const watch = watchPage(page, env.server.url);
  await signInAs(page, env.server.url, "nurse");
  await page.goto(`${env.server.url}/ward`);
  await page.click("a:has-text('BROWN, Sam')"); // catheter in situ, TWOC not started
  await page.waitForLoadState("load");
  const bladderUrl = page.url();

  await page.click("a:has-text('Catheter removed')");
  await page.waitForLoadState("load");
  assert.ok(await page.isChecked("input[name=when][value=now]"), "Now is chosen by default");
  // The nurse types the time it happened over the prefilled one and leaves Now chosen.
  const removedAt = Math.floor((Date.now() - 2 * 3600_000) / 60_000) * 60_000;
  const typed = instantFields("at", new Date(removedAt).toISOString());
  for (const part of ["day", "month", "year", "time"]) await page.fill(`#at-${part}`, typed[`at-${part}`]);
  await page.click("button:has-text('Save')");
  await page.waitForLoadState("load");
  assert.equal(page.url(), bladderUrl);
  assert.match((await page.textContent("main")) ?? "", new RegExp(`Recorded: Catheter removed at ${typed["at-time"]}`));
  const deadline = await page.getAttribute("#no-void-deadline time", "datetime");
  assert.equal(deadline, new Date(removedAt + 6 * 3600_000).toISOString(), "U4: six hours after the typed time, not the save time");
  await check(page, "bladder page (TWOC started earlier)");
  watch.assertClean();
  await page.close();
});

for (const width of [1280, 768]) {
  test(`the ward board and the bladder chart at ${width} px`, async () => {
    const page = await env.browser.newPage({ viewport: { width, height: 900 } });
    const watch = watchPage(page, env.server.url);
    await signInAs(page, env.server.url, "nurse");
    await page.goto(`${env.server.url}/ward`);
    assert.match((await page.textContent("#ward-board")) ?? "", /HUGHES, David/);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no sideways scrolling at ${width} px (${overflow} px over)`);
    await check(page, `ward board at ${width} px`);
    await screenshot(page, `ward-board-${width}`);

    await page.click("a:has-text('HUGHES, David')");
    await page.waitForLoadState("load");
    await page.click("a:has-text('Bladder chart')");
    await page.waitForLoadState("load");
    const box = await page.locator("svg.app-bladder-chart >> visible=true").boundingBox();
    assert.ok(box && box.width > 300 && box.width <= width, `the chart fits the page (${box?.width} px)`);
    await check(page, `bladder chart at ${width} px`);
    await screenshot(page, `bladder-chart-${width}`);
    watch.assertClean();
    await page.close();
  });
}
