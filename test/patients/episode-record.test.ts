/**
 * Every change to an episode re-derives what depends on it, whoever makes it: a registration,
 * a correction or a discharge typed on a page shows its reminders at once.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createTestApp, hiddenFields, pageText, signIn, type SignedInAgent, type TestContext } from "../helpers/app.ts";
import { SYSTEM_ACTOR } from "../../src/audit/audit.ts";
import { findEpisode } from "../../src/patients/repository.ts";
import { correctEpisode, recordDischarge } from "../../src/patients/service.ts";
import { recordBladderEvent } from "../../src/ward/service.ts";
import { newEpisode } from "../ward/helpers.ts";

const NOW = "2026-11-24T10:00:00Z";
const at = (field: string, day: number, month: number, year: number, time: string) => ({
  [`${field}-day`]: String(day), [`${field}-month`]: String(month), [`${field}-year`]: String(year), [`${field}-time`]: time,
});

describe("the episode record re-derives its reminders on every change", () => {
  let ctx: TestContext;
  let clinician: SignedInAgent;
  const reminders = async (episodeId: number, kind: string) =>
    ctx.db("reminders").where({ episode_id: episodeId, kind, status: "scheduled" }).orderBy("due_at").pluck("due_at");

  before(async () => {
    ctx = await createTestApp({ now: NOW });
    clinician = await signIn(ctx.app, "clinician");
  });
  after(() => ctx.close());

  async function post(path: string, fields: Record<string, string>) {
    const page = await clinician.agent.get(path);
    return clinician.agent.post(path).type("form").send({ ...hiddenFields(page.text, path), ...fields });
  }

  test("a discharge typed on the page schedules the GP drug review (P4) 1-2 weeks later", async () => {
    const episode = await newEpisode(ctx.db, { now: NOW });
    assert.deepEqual(await reminders(episode.id, "gp-drug-review"), []);
    const res = await post(`/episodes/${episode.id}/discharge`, { ...at("dischargedAt", 24, 11, 2026, "09:00"), destination: "Home", catheterStatus: "none" });
    assert.equal(res.status, 303);
    const due = await reminders(episode.id, "gp-drug-review");
    assert.equal(due.length, 1);
    assert.equal(new Date(due[0]).toISOString(), "2026-12-01T08:00:00.000Z", "08:00 UK time a week after the discharge");
  });

  test("moving the surgery a month earlier moves the chronic-phase review (P5-P8) with it", async () => {
    const episode = await newEpisode(ctx.db, { now: NOW });
    const before = await reminders(episode.id, "pain-chronic-review");
    assert.deepEqual(before.map((d) => new Date(d).toISOString()), ["2027-02-23T08:00:00.000Z"]);
    const edit = `/episodes/${episode.id}/edit`;
    const page = await clinician.agent.get(edit);
    const form = Object.fromEntries([...page.text.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const res = await clinician.agent.post(edit).type("form").send({
      ...form, ...hiddenFields(page.text, edit),
      presentation: "CES-I", procedure: "laminotomy", consentRecorded: "yes", bsrRegistered: "yes", catheterisedBeforeSurgery: "yes", consultantSanction: "no",
      ...at("mriAt", 23, 10, 2026, "04:00"), ...at("anaesthesiaStartAt", 23, 10, 2026, "14:00"),
    });
    assert.equal(res.status, 303, res.text.slice(0, 2000));
    assert.deepEqual((await reminders(episode.id, "pain-chronic-review")).map((d) => new Date(d).toISOString()), ["2027-01-23T08:00:00.000Z"]);
    const old = await ctx.db("reminders").where({ episode_id: episode.id, kind: "pain-chronic-review", status: "cancelled" });
    assert.equal(old.length, 1, "the old review is cancelled, not deleted");
  });
});

describe("the episode record keeps its own order and its history readable", () => {
  let ctx: TestContext;
  let clinician: SignedInAgent;
  before(async () => {
    ctx = await createTestApp({ now: NOW });
    clinician = await signIn(ctx.app, "clinician");
  });
  after(() => ctx.close());

  test("a surgery moved after the recorded discharge is refused on the form and nothing is stored", async () => {
    const episode = await newEpisode(ctx.db, { now: NOW });
    await recordDischarge(ctx.db, SYSTEM_ACTOR, episode.id, { dischargedAt: "2026-11-24T09:00:00Z", destination: "Home", catheterStatus: "none" }, NOW);
    const { id: _i, patientId: _p, discharge: _d, createdAt: _c, updatedAt: _u, ...input } = (await findEpisode(ctx.db, episode.id))!;
    await assert.rejects(correctEpisode(ctx.db, SYSTEM_ACTOR, episode.id, { ...input, anaesthesiaStartAt: "2026-11-24T09:30:00Z" }, NOW), /before the discharge recorded at Tue, 24 Nov 2026, 09:00 GMT/);
    assert.equal((await findEpisode(ctx.db, episode.id))!.anaesthesiaStartAt, input.anaesthesiaStartAt);
  });

  test("a patient discharged with the trial still open: no running no-void clock, and the episode says clinical review (U-REVIEW)", async () => {
    const episode = await newEpisode(ctx.db, { now: NOW });
    await recordBladderEvent(ctx.db, SYSTEM_ACTOR, episode, { type: "catheter-removed", at: "2026-11-24T08:00:00Z", phase: null, volumeMl: null, sensationToVoid: null, catheterType: null }, "removal", "system", NOW);
    assert.match((await clinician.agent.get(`/episodes/${episode.id}`)).text, /id="no-void-deadline"/);
    await recordDischarge(ctx.db, SYSTEM_ACTOR, episode.id, { dischargedAt: "2026-11-24T09:30:00Z", destination: "Home", catheterStatus: "none" }, NOW);
    const page = await clinician.agent.get(`/episodes/${episode.id}`);
    assert.doesNotMatch(page.text, /id="no-void-deadline"/);
    assert.match(pageText(page.text), /U-REVIEW Discharged on Tue, 24 Nov 2026, 09:30 GMT with this trial still open/);
    const u4 = await ctx.db("reminders").where({ episode_id: episode.id, kind: "twoc-no-void-deadline", status: "scheduled" });
    assert.equal(u4.length, 0, "no ward alert for a patient who has gone home");
  });

  test("text shaped like a time but not a real one (a bed typed as 2026-13-01T10:00:00Z) is shown as typed in the audit trail, never a 500", async () => {
    const episode = await newEpisode(ctx.db, { now: NOW });
    const { id: _i, patientId: _p, discharge: _d, createdAt: _c, updatedAt: _u, ...input } = (await findEpisode(ctx.db, episode.id))!;
    await correctEpisode(ctx.db, SYSTEM_ACTOR, episode.id, { ...input, bed: "2026-13-01T10:00:00Z" }, NOW);
    const page = await clinician.agent.get(`/patients/${episode.patientId}/audit`);
    assert.equal(page.status, 200);
    assert.match(page.text, /2026-13-01T10:00:00Z/);
  });
});
