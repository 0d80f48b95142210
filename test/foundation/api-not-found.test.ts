import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import supertest from "supertest";
import { apiToken, createTestApp, type TestContext } from "../helpers/app.ts";

describe("an unknown API path", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestApp({ seed: false });
  });
  after(() => ctx.close());

  test("is a JSON 404 for any method, with or without a token, never a CSRF 403 or a sign-in page", async () => {
    const token = await apiToken(ctx.db, "nurse");
    for (const req of [
      supertest(ctx.app).post("/api/v1/no-such-thing").send({ a: 1 }),
      supertest(ctx.app).post("/api/v1/episodes/1/no-such-thing").set("Authorization", `Bearer ${token}`).send({}),
      supertest(ctx.app).get("/api/v2/episodes"),
      supertest(ctx.app).delete("/api/v1/episodes/1").set("Authorization", `Bearer ${token}`),
      supertest(ctx.app).get("/api"),
      supertest(ctx.app).get("/API/v1/nope"),
    ]) {
      const res = await req;
      assert.equal(res.status, 404);
      assert.match(res.headers["content-type"], /json/);
      assert.equal(res.body.code, "not-found");
    }
  });
});
