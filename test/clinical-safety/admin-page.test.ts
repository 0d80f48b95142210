import assert from "node:assert/strict";
import fs from "node:fs";
import { after, before, describe, test } from "node:test";
import { createTestApp, pageText, signIn, type SignedInAgent, type TestContext } from "../helpers/app.ts";
import { SAFETY_CASE_HTML } from "../../src/clinical-safety/routes.ts";

describe("the clinical safety page for admins", () => {
  let ctx: TestContext;
  let admin: SignedInAgent;
  before(async () => {
    ctx = await createTestApp({ now: "2026-12-31T23:30:00Z" });
    admin = await signIn(ctx.app, "admin");
  });
  after(() => ctx.close());

  test("only admins open it", async () => {
    const clinician = await signIn(ctx.app, "clinician");
    assert.equal((await clinician.agent.get("/admin/clinical-safety")).status, 403);
    assert.equal((await admin.agent.get("/admin/clinical-safety")).status, 200);
  });

  test("the admin page warns once the rule book's review date has passed, by the app's clock", async () => {
    ctx.clock.set("2026-12-31T23:30:00Z");
    const beforeHtml = (await admin.agent.get("/admin/clinical-safety")).text;
    assert.match(pageText(beforeHtml), /Version 5 November 2024 Review due January 2027 \(not yet\)/);
    assert.ok(!beforeHtml.includes('id="rule-book-review-due"'), "no warning before the review date");

    // 00:30 on 1 January in London: the review is due.
    ctx.clock.set("2027-01-01T00:30:00Z");
    const afterHtml = (await admin.agent.get("/admin/clinical-safety")).text;
    assert.ok(afterHtml.includes('id="rule-book-review-due"'));
    const after = pageText(afterHtml);
    assert.match(after, /Important: Rule book review date has passed .*was due for review in January 2027/);
    assert.doesNotMatch(after, /\(not yet\)/);
  });

  test("it shows the safety case report that npm run safety-case wrote, with each control's test result", async () => {
    const text = pageText((await admin.agent.get("/admin/clinical-safety")).text);
    if (fs.existsSync(SAFETY_CASE_HTML)) {
      assert.match(text, /Clinical safety case report .*H-001: A wrong trial without catheter \(TWOC\) decision/);
      assert.match(text, /(passed|failed|skipped|not run)\s*: test\/pathway\/twoc\.test\.ts/);
    } else {
      assert.match(text, /has not been generated yet/);
    }
  });
});
