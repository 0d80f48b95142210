// What a patient (or anyone reading their messages) sees: the stop pages for emails and texts,
// in the neutral "Spinal team reminders" layout: axe-core finds nothing, no clinical word shows,
// nothing is loaded from another host. And staff see each channel's consent on the patient's page.
import assert from "node:assert/strict";
import { test } from "node:test";
import { stopTextsToken, unsubscribeToken } from "../../src/reminders/unsubscribe.ts";
import { forbiddenWordsIn } from "../../src/reminders/words.ts";
import { expectNoAxeViolations, screenshot, signInAs, useServerAndBrowser, watchPage } from "./helpers.ts";

const env = useServerAndBrowser();
const SECRET = "e2e-secret";

test("the stop pages for emails and texts: no accessibility violations, no clinical words, ask then confirm", async () => {
  const page = await env.browser.newPage();
  const watch = watchPage(page, env.server.url);
  const visit = async (path: string, label: string) => {
    await page.goto(`${env.server.url}${path}`);
    await expectNoAxeViolations(page, label);
    const text = `${await page.title()}\n${await page.locator("body").innerText()}`;
    assert.deepEqual(forbiddenWordsIn(text), [], `${label}: ${text}`);
    assert.match(text, /Spinal team reminders/);
    await screenshot(page, `patient-${label}`);
    return text;
  };
  const ask = await visit(`/unsubscribe/${unsubscribeToken(1, SECRET)}`, "unsubscribe-ask");
  assert.doesNotMatch(ask, /You will no longer/);
  await page.click("button:has-text('Stop reminder emails')");
  await page.waitForLoadState("load");
  await expectNoAxeViolations(page, "unsubscribe-done");
  assert.match(await page.locator("h1").innerText(), /You will not get any more reminder emails/);
  assert.deepEqual(forbiddenWordsIn(await page.locator("body").innerText()), []);

  await visit(`/stop/${stopTextsToken(1, SECRET)}`, "stop-texts-ask");
  await page.click("button:has-text('Stop reminder text messages')");
  await page.waitForLoadState("load");
  await expectNoAxeViolations(page, "stop-texts-done");

  const invalid = await visit("/unsubscribe/1.not-a-real-signature", "invalid-link");
  assert.match(invalid, /This link is not valid[\s\S]*call 0113 000 0003/);
  watch.assertClean();
});

test("staff see each channel's consent, opt-out and history on the patient's page", async () => {
  const page = await env.browser.newPage();
  await signInAs(page, env.server.url, "clinician");
  await page.goto(`${env.server.url}/patients?q=jones`);
  await page.click("a:has-text('JONES, Megan'), a:has-text('Jones')");
  await page.waitForLoadState("load");
  const text = await page.locator("main").innerText();
  assert.match(text, /Text message\s+07700 900461\s+Yes\s+No\s+Reminders go by this channel/);
  await expectNoAxeViolations(page, "patient page with channels");
  await screenshot(page, "patient-channels");
});
