// A clinician completes the outpatient re-assessment, sees the SCI referral indicated, previews
// the referral letter and downloads its PDF; axe-core checks every page on the way.
import assert from "node:assert/strict";
import fs from "node:fs";
import { test } from "node:test";
import { expectNoAxeViolations, screenshot, signInAs, useServerAndBrowser, watchPage } from "./helpers.ts";

const env = useServerAndBrowser();

test("clinician: re-assessment, SCI referral indicated, letter preview and PDF download", async () => {
  const context = await env.browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  const watch = watchPage(page, env.server.url);
  await signInAs(page, env.server.url, "clinician");

  // The Brown patient (night surgery) has nothing recorded yet: find the episode from the patient list.
  await page.goto(`${env.server.url}/patients?q=Brown`);
  await page.click("text=Brown, Sam");
  await page.click("a[href^='/episodes/']");
  await page.waitForSelector("#followup-panel");
  await expectNoAxeViolations(page, "episode page with the follow-up panel");
  await page.click("#followup-panel a");
  await page.waitForSelector("h1:has-text('Outpatient follow-up')");
  assert.match(await page.textContent("#sci-referral") ?? "", /Not indicated/);
  await expectNoAxeViolations(page, "follow-up page");

  await page.click("text=Record the outpatient re-assessment");
  await expectNoAxeViolations(page, "re-assessment form");
  await page.click("button:has-text('Save re-assessment')");
  await page.waitForSelector(".nhsuk-error-summary");
  await expectNoAxeViolations(page, "re-assessment form with errors");
  await page.check("input[name='bowel'][value='yes']");
  await page.check("input[name='sexual'][value='no']");
  await page.fill("#outcome", "Faecal urgency and incomplete evacuation; referred to the SCI service.");
  await page.check("input[name='referral'][value='sci']");
  await page.click("button:has-text('Save re-assessment')");
  await page.waitForSelector("#sci-reasons");
  const sci = (await page.textContent("#sci-referral")) ?? "";
  assert.match(sci, /SCI referral indicated/);
  assert.match(sci, /B5\s*Bowel issues: follow-up with the SCI service/);
  await expectNoAxeViolations(page, "follow-up page with the referral indicated");
  await screenshot(page, "followup-referral-indicated");

  await page.click("text=Letters for this episode");
  await expectNoAxeViolations(page, "letters page");
  await page.click("button:has-text('Generate draft'):has-text('Referral to the spinal cord injury centre')");
  await page.waitForSelector(".app-letter");
  const letter = (await page.textContent(".app-letter")) ?? "";
  assert.match(letter, /Brown/);
  assert.match(letter, /B5\s*Bowel issues/);
  await expectNoAxeViolations(page, "letter preview");
  await screenshot(page, "letter-preview");

  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#downloads a[href$='/pdf']")]);
  const file = await download.path();
  const pdf = fs.readFileSync(file!);
  assert.equal(pdf.subarray(0, 5).toString(), "%PDF-");
  assert.ok(pdf.length > 5000);

  await page.click("text=Referral pack for the National Spinal Cord Injury Database");
  await expectNoAxeViolations(page, "referral pack");
  await page.goBack();
  await page.check("input[name='method'][value='post']");
  await page.click("button:has-text('Mark as sent')");
  await page.waitForSelector("text=This version is frozen");
  await expectNoAxeViolations(page, "sent letter");
  watch.assertClean();
  await context.close();
});
