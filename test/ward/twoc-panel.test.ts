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

describe("TWOC panel: re-catheterised before the trial was decided", () => {
  const NOW = "2026-11-24T03:00:00Z";
  let ctx: TestContext;
  let nurse: SignedInAgent;
  let episode: Episode;
  before(async () => {
    ctx = await createTestApp({ now: NOW });
    nurse = await signIn(ctx.app, "nurse");
    episode = await newEpisode(ctx.db, { now: NOW, ward: "Recath ward" });
    await recordBladderEvent(ctx.db, SYSTEM_ACTOR, episode, removal("2026-11-23T23:00:00Z"), "test:removal", "system", NOW);
  });
  after(() => ctx.close());

  const scheduledU4 = () => ctx.db("reminders").where({ episode_id: episode.id, kind: "twoc-no-void-deadline", status: "scheduled" }).first();

  test("the nurse's re-catheterisation stops the no-void clock and asks for clinical review, not a U4 failure", async () => {
    assert.ok(await scheduledU4(), "while the trial runs, the ward is to be alerted at the U4 deadline");
    const saved = await nurse.submit(`/episodes/${episode.id}/bladder/record/recatheterised`, { when: "now", catheterType: "other" });
    assert.equal(saved.status, 303);

    const page = await nurse.agent.get(`/episodes/${episode.id}/bladder`);
    const text = pageText(page.text);
    assert.match(text, /Clinical review/);
    assert.match(text, /Re-catheterised at 03:00 on 24 November 2026 before a pass \(U2\) or a failure \(U3, U4\)/);
    assert.doesNotMatch(page.text, /id="no-void-deadline"/, "no deadline for a patient with a catheter in");
    assert.equal(await scheduledU4(), undefined, "no 'no void for 6 hours' alert for a catheterised patient");

    // Past the old deadline (05:00) nothing turns into a failure or locks the next TWOC (U6).
    ctx.clock.set("2026-11-24T06:00:00Z");
    const later = pageText((await nurse.agent.get(`/episodes/${episode.id}/bladder`)).text);
    assert.match(later, /Clinical review/);
    assert.doesNotMatch(later, /TWOC failed/);
    const board = pageText((await nurse.agent.get(`/ward?ward=${encodeURIComponent("Recath ward")}`)).text);
    assert.match(board, /Clinical review U-REVIEW/);
    assert.match(board, /Next step: Clinical review: outside the pathway's explicit thresholds \(U-REVIEW\)/, "the engine's next step on the board row");
    assert.match(later, /Next step: Clinical review: outside the pathway's explicit thresholds \(U-REVIEW\)/, "and on the TWOC panel");
    assert.doesNotMatch(board, /No-void deadline/);
  });
});
