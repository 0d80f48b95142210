// The public statements open without signing in from any page's footer; an admin reads the clinical
// safety case; axe-core checks each page.
import assert from "node:assert/strict";
import { test } from "node:test";
import { expectNoAxeViolations, screenshot, signInAs, useServerAndBrowser, watchPage } from "./helpers.ts";

const env = useServerAndBrowser();

test("signed out: the accessibility statement, privacy notice and cookie page from the footer pass axe", async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const watch = watchPage(page, env.server.url);
  // Straight from a reminder's link: no sign-in page first (it would start a session).
  await page.goto(`${env.server.url}/cookies`);
  for (const [link, heading, name] of [
    ["Privacy notice", "Privacy notice for patients", "statement-privacy"],
    ["Accessibility statement", "Accessibility statement", "statement-accessibility"],
    ["Cookies", "Cookies", "statement-cookies"],
  ] as const) {
    await page.click(`footer a:has-text('${link}')`);
    await page.waitForSelector(`h1:has-text('${heading}')`);
    assert.ok(!page.url().includes("/sign-in"), `${link} opens without signing in`);
    await expectNoAxeViolations(page, heading);
    await screenshot(page, name);
  }
  assert.equal((await context.cookies()).filter((c) => c.name === "ces.sid").length, 0, "no session cookie from the statements");
  watch.assertClean();
  await context.close();
});

test("admin: the clinical safety page shows the rule book's version and passes axe", async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const watch = watchPage(page, env.server.url);
  await signInAs(page, env.server.url, "admin");
  await page.goto(`${env.server.url}/admin/clinical-safety`);
  await page.waitForSelector("h1:has-text('Clinical safety')");
  assert.match((await page.textContent("main")) ?? "", /Version\s*5 November 2024/);
  assert.match((await page.textContent("#rule-book-version")) ?? "", /Rule book version 5 November 2024, review due January 2027/);
  await expectNoAxeViolations(page, "clinical safety");
  await screenshot(page, "admin-clinical-safety");
  watch.assertClean();
  await context.close();
});
