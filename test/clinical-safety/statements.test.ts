import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import supertest from "supertest";
import { createTestApp, pageText, signIn, type TestContext } from "../helpers/app.ts";

describe("public statements and the footer", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestApp();
  });
  after(() => ctx.close());

  test("the accessibility statement, privacy notice and cookie page open without signing in, and set no cookie", async () => {
    const anonymous = supertest(ctx.app);
    const pages: [string, RegExp][] = [
      ["/accessibility", /Accessibility statement .*WCAG\) version 2\.2 at level AA.*axe-core.*Known issues/],
      ["/privacy", /Privacy notice for patients .*What we hold.*Why we hold it.*How long we keep it.*8 years after your treatment ends.*Who sees it.*Stopping messages.*link to stop reminders/],
      ["/cookies", /Cookies .*ces\.sid Strictly necessary: keeps a member of staff signed in.*After 30 minutes without use/],
    ];
    for (const [url, says] of pages) {
      const res = await anonymous.get(url);
      assert.equal(res.status, 200, url);
      assert.match(pageText(res.text), says, url);
      assert.equal(res.headers["set-cookie"], undefined, `${url} sets no cookie`);
    }
  });

  test("the privacy notice and cookie page, which patients reach, name no diagnosis or clinical rule anywhere on the page", async () => {
    for (const url of ["/privacy", "/cookies"]) {
      const html = (await supertest(ctx.app).get(url)).text;
      assert.doesNotMatch(html, /cauda equina|catheter|bladder|TWOC|spinal|rule book/i, url);
      assert.doesNotMatch(html, /\bCES\b/, url); // the cookie's name, ces.sid, is lower case
    }
  });

  test("every page's footer states the rule-book version and links the statements", async () => {
    // Staff pages; the patient-facing privacy and cookie pages link the statements but carry no pathway words.
    const clinician = await signIn(ctx.app, "clinician");
    const admin = await signIn(ctx.app, "admin");
    const pages = [
      [supertest(ctx.app), "/sign-in"],
      [supertest(ctx.app), "/accessibility"],
      [clinician.agent, "/patients"],
      [clinician.agent, "/clinic"],
      [admin.agent, "/admin/users"],
    ] as const;
    for (const [agent, url] of pages) {
      const res = await agent.get(url);
      assert.equal(res.status, 200, url);
      const footer = res.text.slice(res.text.indexOf('<footer'));
      assert.match(pageText(footer), /Accessibility statement Privacy notice Cookies .*Rule book version 5 November 2024, review due January 2027/, url);
      for (const href of ["/accessibility", "/privacy", "/cookies"]) assert.ok(footer.includes(`href="${href}"`), `${url} links ${href}`);
    }
  });
});
