import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { SYSTEM_ACTOR } from "../../src/audit/audit.ts";
import type { Episode } from "../../src/patients/model.ts";
import type { BladderEventInput } from "../../src/ward/model.ts";
import { recordBladderEvent, recordTwocAction, startFlipFlow } from "../../src/ward/service.ts";
import supertest from "supertest";
import { apiToken, createTestApp, pageText, signIn, type SignedInAgent, type TestContext } from "../helpers/app.ts";
import { newEpisode } from "./helpers.ts";

const NOW = "2026-11-24T10:00:00Z";
const none = { phase: null, volumeMl: null, sensationToVoid: null, catheterType: null };
const ev = (e: Partial<BladderEventInput> & Pick<BladderEventInput, "type" | "at">): BladderEventInput => ({ ...none, ...e });

describe("the discharge form's checklist and the patient's discharge sheet", () => {
  let ctx: TestContext;
  let nurse: SignedInAgent;
  let failed: Episode;
  let wardPhone: string;
  before(async () => {
    ctx = await createTestApp({ now: NOW });
    nurse = await signIn(ctx.app, "nurse");
    failed = await newEpisode(ctx.db, { now: NOW, ward: "Discharge ward" });
    wardPhone = "0113 000 0042";
    await ctx.db("wards").where({ name: "Discharge ward" }).update({ phone: wardPhone });
    let n = 0;
    const record = (e: BladderEventInput) => recordBladderEvent(ctx.db, SYSTEM_ACTOR, failed, e, `d:${++n}`, "system", NOW);
    await record(ev({ type: "catheter-removed", at: "2026-11-24T01:00:00Z" }));
    await record(ev({ type: "scan", at: "2026-11-24T02:00:00Z", phase: "pre-void", volumeMl: 550, sensationToVoid: false }));
    await record(ev({ type: "recatheterised", at: "2026-11-24T02:10:00Z", catheterType: "long-term-flip-flow" }));
    await startFlipFlow(ctx.db, SYSTEM_ACTOR, failed, { intervalMinutes: 240, firstOpeningAt: "2026-11-24T06:00:00Z", reason: "started", note: null }, "d:ff", "2026-11-24T02:20:00Z");
    await record(ev({ type: "flip-flow-opening", at: "2026-11-24T09:30:00Z", volumeMl: 300 }));
  });
  after(() => ctx.close());

  test("warns (without blocking) of U7, U8, R1 and the GP letter outstanding, and pre-fills the catheter status from the record", async () => {
    const html = (await nurse.agent.get(`/episodes/${failed.id}/discharge`)).text;
    const box = pageText(/<div class="nhsuk-warning-callout" id="discharge-checklist">[^]*?<\/div>/.exec(html)![0]);
    assert.match(box, /U7 Follow-up with the regional SCI service or the local urology service is not arranged/);
    assert.match(box, /U8 ISC teaching is not recorded as done/);
    assert.match(box, /R1 .*The SCI referral is indicated and has not been sent/);
    assert.match(box, /The GP letter has not been sent/);
    assert.match(html, /value="flip-flow" checked/);
    assert.match(pageText(html), /Pre-filled from the bladder record: a flip-flow schedule is in force \(every 4 h\)/);

    await recordTwocAction(ctx.db, SYSTEM_ACTOR, failed, "follow-up-arranged", true, "d:u7", NOW);
    const after1 = pageText((await nurse.agent.get(`/episodes/${failed.id}/discharge`)).text);
    assert.doesNotMatch(after1, /U7 Follow-up with the regional SCI service/, "a ticked item leaves the list");
  });

  test("the API refuses a discharge dated before the last bladder record exactly as the form does (400, the same message, nothing stored)", async () => {
    const token = await apiToken(ctx.db, "admin");
    const res = await supertest(ctx.app)
      .post(`/api/v1/episodes/${failed.id}/discharge`)
      .set("authorization", `Bearer ${token}`)
      .send({ dischargedAt: "2026-11-24T09:00:00Z", destination: "Home", catheterStatus: "flip-flow" });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body.errors?.map((e: { field: string }) => e.field), ["dischargedAt"]);
    assert.match(JSON.stringify(res.body), /is before the last bladder record \(Tue, 24 Nov 2026, 09:30 GMT\)/);
    assert.equal((await ctx.db("episodes").where({ id: failed.id }).first()).discharged_at, null, "nothing stored");
  });

  test("a discharge typed in the same minute as the last bladder record, which was taken seconds later, says so instead of naming two equal times", async () => {
    const other = await newEpisode(ctx.db, { now: NOW, ward: "Discharge ward" });
    await recordBladderEvent(ctx.db, SYSTEM_ACTOR, other, ev({ type: "catheter-removed", at: "2026-11-24T09:40:30Z" }), "d:same-minute", "system", NOW);
    const res = await nurse.submit(`/episodes/${other.id}/discharge`, { "dischargedAt-day": "24", "dischargedAt-month": "11", "dischargedAt-year": "2026", "dischargedAt-time": "09:40", destination: "Home", catheterStatus: "none" });
    assert.equal(res.status, 400);
    assert.match(pageText(res.text), /The discharge time \(Tue, 24 Nov 2026, 09:40 GMT\) is in the same minute as the last bladder record, which was taken 30 seconds later: enter the next minute or later/);
  });

  test("a discharge dated before the last bladder record is refused with a clear message; a later one is saved despite the warnings", async () => {
    const early = await nurse.submit(`/episodes/${failed.id}/discharge`, { "dischargedAt-day": "24", "dischargedAt-month": "11", "dischargedAt-year": "2026", "dischargedAt-time": "09:00", destination: "Home", catheterStatus: "flip-flow" });
    assert.equal(early.status, 400);
    assert.match(pageText(early.text), /The discharge time \(Tue, 24 Nov 2026, 09:00 GMT\) is before the last bladder record \(Tue, 24 Nov 2026, 09:30 GMT\)/);
    assert.equal((await ctx.db("episodes").where({ id: failed.id }).first()).discharged_at, null, "nothing stored");
    const ok = await nurse.submit(`/episodes/${failed.id}/discharge`, { "dischargedAt-day": "24", "dischargedAt-month": "11", "dischargedAt-year": "2026", "dischargedAt-time": "09:45", destination: "Home", catheterStatus: "flip-flow" });
    assert.equal(ok.status, 303, pageText(ok.text));
  });

  test("the patient's discharge sheet: identification, the valve times and the ward's phone number", async () => {
    const res = await nurse.agent.get(`/episodes/${failed.id}/discharge/sheet`);
    assert.equal(res.status, 200);
    const text = pageText(res.text);
    assert.match(text, /Name Testcase, Alex Date of birth 1 January 1970 NHS number/);
    assert.match(text, /Open your valve and drain your bladder every 4 h/);
    assert.match(text, /The next times \(UK time\): Tue, 24 Nov 2026, 14:00 GMT Tue, 24 Nov 2026, 18:00 GMT/, "the schedule's next openings (assessFlipFlow)");
    assert.match(text, new RegExp(`Discharge ward: ${wardPhone}`));
    assert.match(res.text, /data-print/);
  });
});
