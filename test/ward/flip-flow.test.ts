import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { SYSTEM_ACTOR } from "../../src/audit/audit.ts";
import type { Episode } from "../../src/patients/model.ts";
import { recordBladderEvent } from "../../src/ward/service.ts";
import { createTestApp, pageText, signIn, type SignedInAgent, type TestContext } from "../helpers/app.ts";
import { newEpisode, onceKeyOf, ukTime } from "./helpers.ts";

const NOW = "2026-11-24T08:00:00Z";

describe("flip-flow schedules", () => {
  let ctx: TestContext;
  let nurse: SignedInAgent;
  let clinician: SignedInAgent;
  let episode: Episode;
  before(async () => {
    ctx = await createTestApp({ now: NOW });
    nurse = await signIn(ctx.app, "nurse");
    clinician = await signIn(ctx.app, "clinician");
    episode = await newEpisode(ctx.db, { now: NOW });
    await recordBladderEvent(ctx.db, SYSTEM_ACTOR, episode, { type: "recatheterised", at: "2026-11-24T07:50:00Z", phase: null, volumeMl: null, sensationToVoid: null, catheterType: "long-term-flip-flow" }, "test:recath", "system", NOW);
  });
  after(() => ctx.close());

  test("a nurse cannot choose a shorter interval: the form offers 4 h only and a posted 120 is refused with 403", async () => {
    const form = await nurse.agent.get(`/episodes/${episode.id}/flip-flow/start`);
    assert.equal(form.status, 200);
    assert.doesNotMatch(form.text, /name="intervalMinutes"/);
    assert.match(pageText(form.text), /every 4 hours/);
    const res = await nurse.submit(`/episodes/${episode.id}/flip-flow/start`, { intervalMinutes: "120", ...ukTime("firstOpeningAt", 24, 11, 2026, "12:00") });
    assert.equal(res.status, 403);
    assert.equal((await ctx.db("flip_flow_schedules").where({ episode_id: episode.id })).length, 0);
  });

  test("a first opening more than one interval ahead is refused (F1)", async () => {
    const res = await nurse.submit(`/episodes/${episode.id}/flip-flow/start`, { ...ukTime("firstOpeningAt", 24, 11, 2026, "12:01") });
    assert.equal(res.status, 400);
    assert.match(pageText(res.text), /no later than Tue, 24 Nov 2026, 12:00 GMT/);
  });

  test("a nurse starts a 4-hourly schedule; the next 24 h of openings show in UK time; double submit stores one", async () => {
    const once = onceKeyOf((await nurse.agent.get(`/episodes/${episode.id}/flip-flow/start`)).text);
    const form = { _once: once, ...ukTime("firstOpeningAt", 24, 11, 2026, "12:00") };
    assert.equal((await nurse.submit(`/episodes/${episode.id}/flip-flow/start`, form)).status, 303);
    assert.equal((await nurse.submit(`/episodes/${episode.id}/flip-flow/start`, form)).status, 303);
    assert.equal((await ctx.db("flip_flow_schedules").where({ episode_id: episode.id })).length, 1);
    const page = await nurse.agent.get(`/episodes/${episode.id}/flip-flow`);
    const text = pageText(page.text);
    assert.match(text, /Open the valve every 4 h/);
    assert.match(text, /Next opening 12:00 in 4 h 0 min/);
    for (const t of ["Tue, 24 Nov 2026, 12:00 GMT", "Tue, 24 Nov 2026, 16:00 GMT", "Tue, 24 Nov 2026, 20:00 GMT", "Wed, 25 Nov 2026, 00:00 GMT", "Wed, 25 Nov 2026, 04:00 GMT", "Wed, 25 Nov 2026, 08:00 GMT"]) {
      assert.match(text, new RegExp(`${t} Upcoming`), t);
    }
    const audit = await ctx.db("audit_events").where({ entity: "flip-flow-schedule", action: "start-schedule", patient_id: episode.patientId });
    assert.equal(audit.length, 1);
  });

  test("an opening not recorded by its time is overdue, with how late it is; 4 h after the last drain (F1) the slot is missed; a recorded one is ticked off with its volume", async () => {
    ctx.clock.set("2026-11-24T12:25:00Z");
    let text = pageText((await nurse.agent.get(`/episodes/${episode.id}/flip-flow`)).text);
    assert.match(text, /Opening due at 12:00 is overdue by 25 min/);
    assert.match(text, /Tue, 24 Nov 2026, 12:00 GMT Missed: not recorded/, "4-hourly from the schedule's start at 08:00: F1's 4 h ran out at 12:00");
    const board = pageText((await nurse.agent.get("/ward?ward=Test%20ward")).text);
    assert.match(board, /Flip-flow opening 12:00 Overdue by 25 min: missed \(F1\)/, "the board flags the missed opening as the page does");

    const res = await nurse.submit(`/episodes/${episode.id}/bladder/record/flip-flow-opening`, { when: "now", volumeMl: "300" });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, `/episodes/${episode.id}/flip-flow`);
    text = pageText((await nurse.agent.get(`/episodes/${episode.id}/flip-flow`)).text);
    assert.match(text, /Tue, 24 Nov 2026, 12:00 GMT ✓ Opened 12:25 \(25 min after the due time\) 300 ml/);
    assert.match(text, /Next opening 16:00/);
  });

  test("a missed opening stays flagged once the next one is due", async () => {
    ctx.clock.set("2026-11-24T20:10:00Z");
    const text = pageText((await nurse.agent.get(`/episodes/${episode.id}/flip-flow`)).text);
    assert.match(text, /Tue, 24 Nov 2026, 16:00 GMT Missed: not recorded/);
    assert.match(text, /Opening due at 16:00 is overdue by 4 h 10 min/, "overdue counts from the first opening not done");
  });

  test("a drain of 500 ml or more is flagged with the engine's suggested interval (F2); only a clinician accepts it, audited", async () => {
    const open = (time: string, volumeMl: string) => nurse.submit(`/episodes/${episode.id}/bladder/record/flip-flow-opening`, { when: "earlier", ...ukTime("at", 24, 11, 2026, time), volumeMl });
    assert.equal((await open("20:05", "600")).status, 303);
    const nursePage = pageText((await nurse.agent.get(`/episodes/${episode.id}/flip-flow`)).text);
    assert.match(nursePage, /F2 F1 Drained 600 ml/);
    // fastest fill: 600 ml in 7 h 40 min -> 78 ml/h -> 4 h keeps under 500 ml (F1 limit)
    assert.match(nursePage, /Ask a clinician|already matches/);

    assert.equal((await open("20:09", "300")).status, 303); // 300 ml in 4 min: a very fast fill -> 30 min
    const page = await clinician.agent.get(`/episodes/${episode.id}/flip-flow`);
    const text = pageText(page.text);
    assert.match(text, /Suggested interval: every 30 min/);
    const key = onceKeyOf(page.text, `/episodes/${episode.id}/flip-flow/accept`);

    assert.equal((await nurse.submit(`/episodes/${episode.id}/flip-flow/accept`, { intervalMinutes: "30" })).status, 403);
    const stale = await clinician.submit(`/episodes/${episode.id}/flip-flow/accept`, { intervalMinutes: "90" });
    assert.equal(stale.status, 409);
    const ok = await clinician.submit(`/episodes/${episode.id}/flip-flow/accept`, { _once: key, intervalMinutes: "30" });
    assert.equal(ok.status, 303);
    const schedules = await ctx.db("flip_flow_schedules").where({ episode_id: episode.id }).orderBy("id");
    assert.equal(schedules.length, 2);
    assert.ok(schedules[0].ended_at, "the old schedule ended");
    assert.equal(schedules[1].interval_minutes, 30);
    const audit = await ctx.db("audit_events").where({ entity: "flip-flow-schedule", action: "accept-f2-interval" });
    assert.equal(audit.length, 1);
    assert.match(audit[0].actor_name, /clinician/);
  });

  test("the bedside sheet prints the openings and the .ics has the Europe/London zone", async () => {
    const sheet = await nurse.agent.get(`/episodes/${episode.id}/flip-flow/sheet`);
    assert.equal(sheet.status, 200);
    assert.match(pageText(sheet.text), /every 30 min/);
    const ics = await nurse.agent.get(`/episodes/${episode.id}/flip-flow/openings.ics?days=1`);
    assert.equal(ics.status, 200);
    assert.match(ics.headers["content-type"], /text\/calendar/);
    assert.match(ics.headers["content-disposition"], /attachment; filename="flip-flow-openings.ics"/);
    const body = ics.text;
    assert.match(body, /^BEGIN:VCALENDAR\r\n/);
    assert.match(body, /BEGIN:VTIMEZONE\r\nTZID:Europe\/London/);
    assert.match(body, /DTSTART;TZID=Europe\/London:20261124T203900\r\n/);
    assert.equal(body.match(/BEGIN:VEVENT/g)!.length, 48, "every 30 min for 24 h");
    assert.doesNotMatch(body, /[^\r]\n/, "lines end with CRLF");
  });

  test("stopping the schedule is audited; a second stop does not fail", async () => {
    const res = await nurse.submit(`/episodes/${episode.id}/flip-flow/stop`, { stopReason: "Discharged on ISC" });
    assert.equal(res.status, 303);
    const again = await nurse.submit(`/episodes/${episode.id}/flip-flow/stop`, { stopReason: "Discharged on ISC" });
    assert.equal(again.status, 303);
    assert.match(pageText((await nurse.agent.get(`/episodes/${episode.id}/flip-flow`)).text), /No flip-flow schedule is in force/);
    assert.equal((await ctx.db("audit_events").where({ entity: "flip-flow-schedule", action: "stop-schedule" })).length, 1);
    assert.equal((await nurse.agent.get(`/episodes/${episode.id}/flip-flow/openings.ics`)).status, 404);
  });
});
