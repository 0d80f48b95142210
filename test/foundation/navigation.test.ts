import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createTestApp, signIn, type TestContext } from "../helpers/app.ts";

/** The header's menu links, in order. */
function menu(html: string): string[] {
  return [...html.matchAll(/class="nhsuk-header__navigation-link" href="([^"]+)"/g)].map((m) => m[1]);
}

describe("the header offers each role only the pages it may open", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestApp();
  });
  after(() => ctx.close());

  for (const role of ["nurse", "clinician", "admin"] as const) {
    test(role, async () => {
      const user = await signIn(ctx.app, role);
      const page = await user.agent.get(role === "admin" ? "/admin/users" : "/patients");
      const links = menu(page.text);
      assert.ok(links.length > 0);
      for (const href of links) {
        const res = await user.agent.get(href).redirects(0);
        assert.equal(res.status, 200, `${role} is offered ${href}`);
      }
      assert.equal(page.text.includes('action="/patients" method="get"'), role !== "admin", "the patient search is for clinical staff");
    });
  }
});
