// A ward PC left on the board: the board's own refresh must not keep the nurse signed in.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type supertest from "supertest";
import type { App } from "../../src/app.ts";
import { createTestApp, pageText, signIn, TestClock, type TestContext } from "../helpers/app.ts";

const MINUTE = 60_000;

describe("automatic refresh and the idle limit", () => {
  let ctx: TestContext;
  let app: App;
  // Sessions follow their own clock: moved here minute by minute, as a screen left on would see.
  const wall = new TestClock(new Date().toISOString());
  before(async () => {
    // The idle limit is 30 minutes (the default).
    ctx = await createTestApp({ sessionClock: wall.now });
    app = ctx.app;
  });
  after(() => ctx.close());

  const autoRefresh = (agent: ReturnType<typeof supertest.agent>, path: string) => agent.get(path).set("ces-auto-refresh", "1").redirects(0);

  test("the board refreshing itself every minute for 31 minutes does not keep the nurse signed in: the next page asks for sign-in", async () => {
    const { agent } = await signIn(app, "nurse");
    assert.equal((await agent.get("/ward").redirects(0)).status, 200, "the nurse opens the board");
    for (let minute = 1; minute <= 29; minute++) {
      wall.advance(MINUTE);
      const board = await autoRefresh(agent, "/ward");
      assert.equal(board.status, 200, `refresh at minute ${minute} still shows the board`);
      assert.match(pageText(board.text), /Ward board/);
    }
    wall.advance(2 * MINUTE);
    const refresh = await autoRefresh(agent, "/ward");
    assert.equal(refresh.status, 303, "31 minutes with nobody using it: signed out");
    assert.equal(refresh.headers.location, "/sign-in?returnTo=%2Fward");
    const next = await agent.get("/patients").redirects(0);
    assert.equal(next.status, 303);
    assert.match(next.headers.location, /^\/sign-in/, "the next page asks for sign-in");
  });

  test("/due refreshing itself does not keep anyone signed in either", async () => {
    const { agent } = await signIn(app, "clinician");
    assert.equal((await agent.get("/due").redirects(0)).status, 200);
    for (let minute = 1; minute <= 31; minute++) {
      wall.advance(MINUTE);
      await autoRefresh(agent, "/due");
    }
    assert.match((await agent.get("/due").redirects(0)).headers.location ?? "", /^\/sign-in/);
  });

  test("ordinary use still extends the session: a page opened every 10 minutes keeps the nurse signed in for an hour", async () => {
    const { agent } = await signIn(app, "nurse");
    for (let minute = 10; minute <= 60; minute += 10) {
      wall.advance(10 * MINUTE);
      // The board refreshing in between changes nothing either way.
      await autoRefresh(agent, "/ward");
      const page = await agent.get(minute % 20 ? "/ward" : "/patients").redirects(0);
      assert.equal(page.status, 200, `still signed in at minute ${minute}`);
    }
    wall.advance(31 * MINUTE);
    assert.equal((await agent.get("/ward").redirects(0)).status, 303, "and then idle past the limit: signed out");
  });

  test("the session row's expiry is not moved by an automatic refresh, and is by a page the user opens", async () => {
    const { agent } = await signIn(app, "nurse");
    const expiry = async () => {
      const rows = await ctx.db("sessions").whereNotNull("user_id").orderBy("expires_at", "desc").select("expires_at");
      return Date.parse(new Date(rows[0].expires_at).toISOString());
    };
    await agent.get("/ward");
    const first = await expiry();
    wall.advance(5 * MINUTE);
    await autoRefresh(agent, "/ward");
    assert.equal(await expiry(), first, "an automatic refresh leaves the expiry alone");
    await agent.get("/ward");
    assert.equal(await expiry(), first + 5 * MINUTE, "a page the nurse opens moves it to 30 minutes from now");
  });
});
