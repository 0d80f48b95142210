import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createTestApp, signIn, type TestContext } from "../helpers/app.ts";

describe("views", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestApp();
  });
  after(() => ctx.close());

  test("a form shown again keeps a multi-line textarea value exactly as typed (no indentation added)", async () => {
    const user = await signIn(ctx.app, "clinician");
    const address = "1 Bench Road\nWakefield\nWF1 4DG";
    // No NHS number: the form comes back with its errors and the values as sent.
    const res = await user.submit("/patients", { gpAddress: address, familyName: "Smith" });
    assert.equal(res.status, 400);
    const value = /<textarea[^>]* name="gpAddress"[^>]*>([^<]*)<\/textarea>/.exec(res.text)?.[1];
    assert.equal(value, address);
  });
});
