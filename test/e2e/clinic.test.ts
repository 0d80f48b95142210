// A clinician opens this week's clinic list, prints it, opens a patient's follow-up page from it
// and saves several checklist ticks in one go; axe-core checks each page.
import assert from "node:assert/strict";
import { test } from "node:test";
import { expectNoAxeViolations, screenshot, signInAs, useServerAndBrowser, watchPage } from "./helpers.ts";

const env = useServerAndBrowser();

test("clinician: clinic list, print view, follow-up page with several ticks saved at once", async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const watch = watchPage(page, env.server.url);
  await signInAs(page, env.server.url, "clinician");

  await page.click("a.nhsuk-header__navigation-link:has-text('Clinic list')");
  await page.waitForSelector("h1:has-text('Outpatient clinic')");
  const week = (await page.textContent("#this-week")) ?? "";
  assert.match(week, /This week:/);
  assert.match(week, /EVANS, Rhys/);
  assert.match(week, /LI, Mei/);
  assert.match(week, /Mr Omar Shah/);
  assert.match((await page.textContent("#overdue")) ?? "", /WALKER, Jo/);
  await expectNoAxeViolations(page, "clinic list");
  await screenshot(page, "clinic-list");

  await page.emulateMedia({ media: "print" });
  assert.equal(await page.isVisible("form[action='/clinic']"), false, "the filters are not printed");
  assert.equal(await page.isVisible(".nhsuk-header"), false, "the menus are not printed");
  assert.equal(await page.isVisible("#this-week"), true);
  const linkSuffix = await page.evaluate(() => getComputedStyle(document.querySelector(".app-clinic-table a")!, "::after").content);
  assert.ok(linkSuffix === "none" || linkSuffix === "normal", `no link address printed after a name (${linkSuffix})`);
  await screenshot(page, "clinic-list-print");
  await page.emulateMedia({ media: "screen" });

  await page.click("#my-patients");
  await page.waitForSelector("h1:has-text('My patients: outpatient clinic')");
  assert.doesNotMatch((await page.textContent("#this-week")) ?? "", /LI, Mei/);
  await expectNoAxeViolations(page, "clinic list, my patients");

  await page.click("a:has-text('EVANS, Rhys')");
  await page.waitForSelector("h1:has-text('Outpatient follow-up')");
  const pain = (await page.textContent("#section-pain")) ?? "";
  assert.match(pain, /Paracetamol 1 g and Zapain 30\/500 both contain paracetamol: check the total daily dose/);
  await page.check("#tick-bowel-b1-advice-and-booklet");
  await page.check("#tick-sexual-x1-advice");
  await page.click("#section-bowel button:has-text('Save the ticked items')");
  await page.waitForSelector(".nhsuk-notification-banner");
  assert.match((await page.textContent(".nhsuk-notification-banner")) ?? "", /B1 and X1 marked as done/);
  assert.equal(await page.isChecked("#tick-bowel-b1-advice-and-booklet"), true);
  assert.match((await page.getAttribute("#bowel-b1-advice-and-booklet", "class")) ?? "", /app-checklist__item--done/);
  await expectNoAxeViolations(page, "follow-up page after saving ticks");
  await screenshot(page, "followup-checklist");

  // Mei Li is in the chronic phase on tramadol: P5 is a warning from the medication review, not a tick
  await page.goto(`${env.server.url}/clinic`);
  await page.click("a:has-text('LI, Mei')");
  await page.waitForSelector("#status-P5");
  assert.match((await page.textContent("#status-P5")) ?? "", /Takes an opioid: Tramadol 50 mg/);
  assert.equal(await page.locator("#pain-p5-no-opioids input[type=checkbox]").count(), 0);
  assert.match((await page.textContent("#status-P6")) ?? "", /Not on any gabapentinoid, anti-epileptic, oral steroid or benzodiazepine ✓/);
  await expectNoAxeViolations(page, "follow-up page in the chronic phase");
  await page.locator("#section-pain").screenshot({ path: "test-artifacts/followup-pain-chronic.png" });

  await page.goto(`${env.server.url}/patients`);
  await page.goto(`${env.server.url}/clinic`);
  await page.click("a:has-text('EVANS, Rhys')");
  await page.click("text=Audit trail: every tick, un-tick and change");
  const audit = (await page.textContent("table")) ?? "";
  assert.match(audit, /Dr Cara Clinician \(clinician\) ticked B1 as done/);
  assert.match(audit, /system started Zapain 30\/500/);
  await expectNoAxeViolations(page, "audit trail");
  await screenshot(page, "audit-trail");

  watch.assertClean();
  await context.close();
});
