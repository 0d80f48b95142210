// A clinician drafts an SCI referral with a copy to the GP, is refused sending it once the record
// changes, regenerates and sends it by the NSCISB web form, then records the NSCISB reference; an
// admin keeps the letterhead. axe-core checks every page on the way.
import assert from "node:assert/strict";
import { test } from "node:test";
import { expectNoAxeViolations, screenshot, signInAs, useServerAndBrowser, watchPage } from "./helpers.ts";

const env = useServerAndBrowser();

test("clinician: letter preview with letterhead, a stale send refused, sent with how, NSCISB reference", async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const watch = watchPage(page, env.server.url);
  await signInAs(page, env.server.url, "clinician");

  await page.goto(`${env.server.url}/patients?q=Hughes`);
  await page.click("text=Hughes, David");
  await page.click("a[href^='/episodes/']");
  const episodeUrl = page.url();
  await page.goto(`${episodeUrl}/letters`);
  await expectNoAxeViolations(page, "letters page with the copy-to-GP boxes");
  await page.check("#ccGp-sci-referral");
  await page.click("button:has-text('Generate draft'):has-text('Referral to the spinal cord injury centre')");
  await page.waitForSelector(".app-letter");
  const letter = (await page.textContent(".app-letter")) ?? "";
  assert.match(letter, /Pinderfields Hospital\s*Department of Spinal Surgery/);
  assert.match(letter, /Consultant: /);
  assert.match(letter, /cc: Park View Medical Centre/);
  assert.match(letter, /Regional CES pathway rules cited:/);
  await expectNoAxeViolations(page, "letter preview");
  await screenshot(page, "letter-preview-letterhead");

  await page.click("button:has-text('Mark as sent')");
  await page.waitForSelector(".nhsuk-error-summary");
  assert.match((await page.textContent(".nhsuk-error-summary")) ?? "", /Select how the letter was sent/);
  await expectNoAxeViolations(page, "send refused without a method");
  const letterUrl = page.url().replace(/\/send$/, "");

  // The record changes under the draft: the page says what changed and offers no send.
  await page.goto(`${episodeUrl}/follow-up/issues/bowel`);
  await page.check("input[name='ongoing'][value='yes']");
  await page.fill("#details", "Faecal urgency");
  await page.click("form[action$='/follow-up/issues/bowel'] button[type='submit']");
  await page.waitForLoadState("load");
  await page.goto(letterUrl);
  assert.match((await page.textContent("#stale")) ?? "", /bowel/);
  assert.equal(await page.locator("button:has-text('Mark as sent')").count(), 0);
  await expectNoAxeViolations(page, "stale draft");
  await screenshot(page, "letter-stale");

  await page.click("button:has-text('Regenerate draft from the record')");
  await page.waitForSelector("text=regenerated from the record");
  await page.check("input[name='method'][value='nscisb-web-form']");
  await page.click("button:has-text('Mark as sent')");
  await page.waitForSelector("text=This version is frozen");
  assert.match((await page.textContent("#version-status")) ?? "", /National Spinal Cord Injury Database web form/);
  await page.fill("#nscisbReference", "NSCISB-2026/0417");
  await page.click("button:has-text('Save the reference')");
  await page.waitForSelector("#nscisb-reference strong");
  assert.match((await page.textContent("#nscisb-reference")) ?? "", /NSCISB-2026\/0417/);
  await expectNoAxeViolations(page, "sent referral with its NSCISB reference");
  await screenshot(page, "letter-sent-reference");
  watch.assertClean();
  await context.close();
});

test("admin: the service details page for the letterhead", async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await signInAs(page, env.server.url, "admin");
  await page.goto(`${env.server.url}/admin/service`);
  await expectNoAxeViolations(page, "service details");
  await page.fill("#hospital", "");
  await page.click("button:has-text('Save')");
  await page.waitForSelector(".nhsuk-error-summary");
  await expectNoAxeViolations(page, "service details with an error");
  await screenshot(page, "service-details-error");
  await context.close();
});
