import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { SYSTEM_ACTOR } from "../../src/audit/audit.ts";
import type { Episode } from "../../src/patients/model.ts";
import type { BladderEventInput } from "../../src/ward/model.ts";
import { recordBladderEvent, startFlipFlow } from "../../src/ward/service.ts";
import { createTestApp, pageText, signIn, type SignedInAgent, type TestContext } from "../helpers/app.ts";
import { newEpisode } from "./helpers.ts";

const NOW = "2026-11-24T10:00:00Z";
const WARD = "Handover ward";
const none = { phase: null, volumeMl: null, sensationToVoid: null, catheterType: null };
const ev = (e: Partial<BladderEventInput> & Pick<BladderEventInput, "type" | "at">): BladderEventInput => ({ ...none, ...e });

describe("the shift handover sheet and the ward's task list", () => {
  let ctx: TestContext;
  let nurse: SignedInAgent;
  let trial: Episode;
  let valve: Episode;
  let wardId: number;
  before(async () => {
    ctx = await createTestApp({ now: NOW });
    nurse = await signIn(ctx.app, "nurse");
    trial = await newEpisode(ctx.db, { now: NOW, ward: WARD, bed: "1", familyName: "Trialist" });
    valve = await newEpisode(ctx.db, { now: NOW, ward: WARD, bed: "2", familyName: "Valveson" });
    wardId = (await ctx.db("wards").where({ name: WARD }).first()).id;
    let n = 0;
    const record = (episode: Episode, e: BladderEventInput) => recordBladderEvent(ctx.db, SYSTEM_ACTOR, episode, e, `t:${++n}`, "system", NOW);
    await record(trial, ev({ type: "catheter-removed", at: "2026-11-24T07:00:00Z" }));
    await record(valve, ev({ type: "catheter-removed", at: "2026-11-24T01:00:00Z" }));
    await record(valve, ev({ type: "scan", at: "2026-11-24T02:00:00Z", phase: "pre-void", volumeMl: 700, sensationToVoid: false }));
    await record(valve, ev({ type: "recatheterised", at: "2026-11-24T02:10:00Z", catheterType: "long-term-flip-flow", sensate: false, catheterTugDone: true, catheterTugResult: "secure" }));
    await startFlipFlow(ctx.db, SYSTEM_ACTOR, valve, { intervalMinutes: 240, firstOpeningAt: "2026-11-24T03:00:00Z", reason: "started", note: null }, "t:ff", "2026-11-24T02:20:00Z");
    await record(valve, ev({ type: "flip-flow-opening", at: "2026-11-24T03:10:00Z", volumeMl: 400 }));
  });
  after(() => ctx.close());

  test("per bed: the TWOC stage with its rule ids, the no-void deadline, the valve's interval, last drain, next opening and the last 12 h's lapses, U5/U7/U8 items and U-SAFE", async () => {
    const res = await nurse.agent.get(`/ward/handover?ward=${wardId}`);
    assert.equal(res.status, 200);
    const rows = [...res.text.matchAll(/<tr class="nhsuk-table__row[^"]*" data-episode="(\d+)">([^]*?)<\/tr>/g)];
    assert.deepEqual(rows.map((r) => Number(r[1])), [trial.id, valve.id], "by bed");
    const [bed1, bed2] = rows.map((r) => pageText(r[2]));
    assert.match(bed1, /Bed 1 TRIALIST, Alex/);
    assert.match(bed1, /TWOC in progress U1/);
    assert.match(bed1, /Tue, 24 Nov 2026, 13:00 GMT/, "the no-void deadline (U4)");
    assert.match(bed1, /No schedule/);
    assert.match(bed2, /TWOC failed U3(?! U-SAFE)/, "U-SAFE is not in force once resolved");
    assert.match(bed2, /Every 4 h F1 Last drain: Tue, 24 Nov 2026, 03:10 GMT, 400 ml/);
    assert.match(bed2, /Next: Tue, 24 Nov 2026, 07:00 GMT, overdue by 3 h/);
    assert.match(bed2, /due 03:00: opened 03:10, 10 min late/);
    assert.match(bed2, /due 07:00: missed \(F1\)/);
    assert.match(bed2, /U-SAFE resolved: re-catheterised Tue, 24 Nov 2026, 02:10 GMT/);
    assert.match(bed2, /U5 U8 Referred to local services to learn intermittent self-catheterisation \(ISC\): not done/);
    assert.match(bed2, /U7 Follow-up arranged .*: not done/);
    assert.doesNotMatch(bed2, /Re-catheterised with a long-term catheter with a flip-flow valve: not done/, "done items are not listed");
    const page = pageText(res.text);
    assert.match(page, /Printed by Nia Nurse \(nurse\) on Tue, 24 Nov 2026, 10:00 GMT \(UK time\)/);
    assert.match(res.text, /data-print/);
  });

  test("an unknown ward is a 404 with the list to choose from", async () => {
    const res = await nurse.agent.get("/ward/handover?ward=nowhere");
    assert.equal(res.status, 404);
    assert.match(pageText(res.text), /There is no ward "nowhere"/);
  });

  test("the board's task list: every due or overdue task in time order, each one click from its form", async () => {
    const res = await nurse.agent.get(`/ward?ward=${wardId}`);
    const section = /<section class="app-tasks" id="ward-tasks"[^]*?<\/section>/.exec(res.text)![0];
    const items = [...section.matchAll(/<li [^>]*data-episode="(\d+)">([^]*?)<\/li>/g)];
    assert.deepEqual(items.map((m) => Number(m[1])), [valve.id, trial.id], "the overdue opening before the 13:00 deadline");
    assert.match(pageText(items[0][2]), /Overdue by 3 h.*Bed 2, VALVESON, Alex: Open the flip-flow valve now \(F1\)/);
    assert.match(items[0][2], new RegExp(`href="/episodes/${valve.id}/bladder/record/flip-flow-opening"`));
    assert.match(pageText(items[1][2]), /No-void deadline \(U4\) 13:00 \(in 3 h 0 min\).*Bed 1, TRIALIST, Alex: Scan before and after the next void/);
    assert.match(items[1][2], new RegExp(`href="/episodes/${trial.id}/bladder/void-and-scan"`));
    for (const m of items) {
      const href = /href="([^"]+)"/.exec(m[2])![1];
      assert.equal((await nurse.agent.get(href)).status, 200, `${href} is a form`);
    }
    assert.match(res.text, new RegExp(`href="/ward/handover\\?ward(=|&#x3D;)${wardId}"`));
  });
});
