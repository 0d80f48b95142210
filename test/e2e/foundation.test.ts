// A nurse signs in, registers a patient with a wrong NHS number, sees the error, corrects it and
// sees the patient page. axe-core runs on every page visited; nothing is loaded from another host.
import assert from "node:assert/strict";
import { test } from "node:test";
import { expectNoAxeViolations, screenshot, signInAs, useServerAndBrowser, watchPage } from "./helpers.ts";

const env = useServerAndBrowser();

test("a nurse registers a patient, correcting a wrong NHS number on the way", async () => {
  const page = await env.browser.newPage();
  const watch = watchPage(page, env.server.url);

  await page.goto(`${env.server.url}/patients/new`);
  assert.match(page.url(), /\/sign-in\?returnTo=%2Fpatients%2Fnew$/, "signed out, the form sends the nurse to sign in");
  await expectNoAxeViolations(page, "sign-in");
  await screenshot(page, "foundation-sign-in");

  await signInAs(page, env.server.url, "nurse");
  await page.goto(`${env.server.url}/patients/new`);
  assert.equal(await page.locator("h1").textContent(), "Register a patient");
  await expectNoAxeViolations(page, "patient form");

  await page.fill("#nhsNumber", "450 557 7105");
  await page.fill("#familyName", "O'Brien");
  await page.fill("#givenName", "Mary");
  await page.fill("#dateOfBirth-day", "31");
  await page.fill("#dateOfBirth-month", "1");
  await page.fill("#dateOfBirth-year", "1970");
  await page.check("input[name=sex][value=female]");
  await page.check("input[name=emailConsent][value=no]");
  await page.click("button:has-text('Save patient')");
  await page.waitForLoadState("load");

  const summary = page.locator(".nhsuk-error-summary");
  assert.equal(await summary.locator("h2").textContent(), "There is a problem");
  assert.match((await summary.textContent()) ?? "", /NHS number is not valid/);
  assert.match((await page.locator("#nhsNumber-error").textContent()) ?? "", /NHS number is not valid/);
  assert.equal(await page.locator("#nhsNumber").getAttribute("aria-describedby"), "nhsNumber-hint nhsNumber-error");
  assert.equal(await page.inputValue("#familyName"), "O'Brien", "what was typed is kept");
  assert.match(await page.title(), /^Error: /);
  await expectNoAxeViolations(page, "patient form with errors");
  await screenshot(page, "foundation-nhs-number-error");

  // The summary's link takes the nurse to the field.
  await summary.locator("a", { hasText: "NHS number" }).click();
  assert.equal(await page.evaluate(() => document.activeElement?.id), "nhsNumber");

  await page.fill("#nhsNumber", "450 557 7104");
  await page.click("button:has-text('Save patient')");
  await page.waitForLoadState("load");
  assert.match(page.url(), /\/patients\/\d+$/);
  assert.match((await page.locator("main").textContent()) ?? "", /450 557 7104/);
  assert.match((await page.locator("main").textContent()) ?? "", /Mary O'Brien is registered/);
  assert.equal(await page.locator("h1").textContent(), "O'Brien, Mary");
  await expectNoAxeViolations(page, "patient page");
  await screenshot(page, "foundation-patient-page");

  watch.assertClean();
  await page.close();
});
