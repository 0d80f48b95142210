import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { SYSTEM_ACTOR } from "../../src/audit/audit.ts";
import type { Episode } from "../../src/patients/model.ts";
import { recordBladderEvent } from "../../src/ward/service.ts";
import { createTestApp, pageText, signIn, type SignedInAgent, type TestContext } from "../helpers/app.ts";
import { newEpisode } from "./helpers.ts";

const removal = (at: string) => ({ type: "catheter-removed" as const, at, phase: null, volumeMl: null, sensationToVoid: null, catheterType: null });

/** The no-void deadline is shown as the UK clock time across the clock changes. */
for (const c of [
  {
    name: "October: removed 01:30 BST, deadline 06:30 GMT after the clocks go back",
    removedAt: "2026-10-25T00:30:00Z",
    now: "2026-10-25T03:00:00Z",
    clock: "06:30",
    zone: "GMT",
    left: "3 h 30 min",
  },
  {
    name: "March: removed 23:30 GMT, deadline 06:30 BST after the clocks go forward",
    removedAt: "2026-03-28T23:30:00Z",
    now: "2026-03-29T02:00:00Z",
    clock: "06:30",
    zone: "BST",
    left: "3 h 30 min",
  },
]) {
  describe(`TWOC panel: ${c.name}`, () => {
    let ctx: TestContext;
    let nurse: SignedInAgent;
    let episode: Episode;
    before(async () => {
      ctx = await createTestApp({ now: c.now });
      nurse = await signIn(ctx.app, "nurse");
      episode = await newEpisode(ctx.db, { now: c.now });
      await recordBladderEvent(ctx.db, SYSTEM_ACTOR, episode, removal(c.removedAt), "test:removal", "system", c.now);
    });
    after(() => ctx.close());

    test("the episode page's panel shows the deadline as a UK clock time and the time left", async () => {
      const res = await nurse.agent.get(`/episodes/${episode.id}`);
      assert.equal(res.status, 200);
      const deadline = /<div class="app-deadline" id="no-void-deadline">([\s\S]*?)<\/div>/.exec(res.text);
      assert.ok(deadline, "the no-void deadline is shown");
      const text = pageText(deadline[1]);
      assert.match(text, new RegExp(`U4 ${c.clock} `), "the big clock time");
      assert.match(text, new RegExp(`${c.clock} ${c.zone}`));
      assert.match(text, new RegExp(`${c.left} left`));
      assert.match(pageText(res.text), /TWOC in progress/);
      assert.match(res.text, /href="\/episodes\/\d+\/bladder"/, "links to the nurse's page for recording");
    });

    test("the API gives the engine's deadline with the London offset", async () => {
      const { apiToken } = await import("../helpers/app.ts");
      const token = await apiToken(ctx.db, "nurse");
      const res = await (await import("supertest")).default(ctx.app).get(`/api/v1/episodes/${episode.id}/twoc`).set("Authorization", `Bearer ${token}`);
      assert.equal(res.status, 200);
      assert.equal(res.body.status, "in-progress");
      assert.equal(res.body.noVoidDeadline, c.zone === "GMT" ? "2026-10-25T06:30:00+00:00" : "2026-03-29T06:30:00+01:00");
    });

    test("at the deadline the TWOC has failed by U4 and the clock is gone", async () => {
      ctx.clock.set(new Date(Date.parse(c.removedAt) + 6 * 3600_000).toISOString());
      const res = await nurse.agent.get(`/episodes/${episode.id}`);
      assert.match(pageText(res.text), /TWOC failed/);
      assert.match(res.text, /<span class="app-rule-id">U4<\/span>/);
      assert.doesNotMatch(res.text, /id="no-void-deadline"/);
    });
  });
}
