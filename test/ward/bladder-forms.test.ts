import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Episode } from "../../src/patients/model.ts";
import { getWardState } from "../../src/ward/index.ts";
import { createTestApp, pageText, signIn, type SignedInAgent, type TestContext } from "../helpers/app.ts";
import { newEpisode, onceKeyOf, ukTime } from "./helpers.ts";

const NOW = "2026-11-24T03:00:00Z"; // 3 a.m. on the ward, GMT

async function count(ctx: TestContext, episodeId: number): Promise<number> {
  const [{ n }] = await ctx.db("bladder_events").where({ episode_id: episodeId }).count({ n: "*" });
  return Number(n);
}

describe("recording bladder events from the forms", () => {
  let ctx: TestContext;
  let nurse: SignedInAgent;
  let clinician: SignedInAgent;
  let episode: Episode;
  before(async () => {
    ctx = await createTestApp({ now: NOW });
    nurse = await signIn(ctx.app, "nurse");
    clinician = await signIn(ctx.app, "clinician");
    episode = await newEpisode(ctx.db, { now: NOW });
  });
  after(() => ctx.close());

  test("each form page renders with a one-time key and the time defaulting to now", async () => {
    for (const type of ["catheter-removed", "scan", "void", "recatheterised", "flip-flow-opening"]) {
      const res = await nurse.agent.get(`/episodes/${episode.id}/bladder/record/${type}`);
      assert.equal(res.status, 200, type);
      assert.match(res.text, /name="_once" value="[0-9a-f]{24}"/);
      assert.doesNotMatch(res.text, /name="formKey"/, "one idempotency key per form: the app-wide one");
      assert.match(res.text, /value="now" checked/);
      assert.match(res.text, /id="at-time"[^>]*value="03:00"/, "the earlier-time field is prefilled with now in UK time");
      for (const input of res.text.match(/<input [^>]*>/g) ?? []) {
        assert.match(input, /type="(text|hidden|radio|checkbox|search)"/, `${type}: every input has a real HTML type: ${input}`);
      }
    }
    const a = onceKeyOf((await nurse.agent.get(`/episodes/${episode.id}/bladder/record/scan`)).text);
    const b = onceKeyOf((await nurse.agent.get(`/episodes/${episode.id}/bladder/record/scan`)).text);
    assert.notEqual(a, b, "each render has its own key");
    assert.equal((await nurse.agent.get(`/episodes/${episode.id}/bladder/record/nonsense`)).status, 404);
  });

  /** The fields the form was rendered with (the boxes prefilled with the time it was shown, and what it showed). */
  async function renderedForm(agent: SignedInAgent, episodeId: number, type: string): Promise<Record<string, string>> {
    const html = (await agent.agent.get(`/episodes/${episodeId}/bladder/record/${type}`)).text;
    const fields: Record<string, string> = {};
    for (const input of html.match(/<input [^>]*>/g) ?? []) {
      const name = /name="([^"]+)"/.exec(input)?.[1];
      const value = /value="([^"]*)"/.exec(input)?.[1] ?? "";
      if (!name || name === "_csrf") continue;
      if (/type="radio"/.test(input) && !/checked/.test(input)) continue;
      fields[name] = value;
    }
    return fields;
  }

  test("a time typed over the prefilled one is saved even with Now still chosen: the U4 deadline runs from it", async () => {
    const other = await newEpisode(ctx.db, { now: NOW });
    const form = await renderedForm(nurse, other.id, "catheter-removed");
    assert.equal(form.when, "now");
    assert.equal(form["at-time"], "03:00");
    assert.equal(form.atShown, "24|11|2026|03:00|", "the form carries what its boxes showed");
    ctx.clock.advance(5 * 60_000); // the nurse saves five minutes later
    try {
      const res = await nurse.submit(`/episodes/${other.id}/bladder/record/catheter-removed`, { ...form, "at-time": "01:00" });
      assert.equal(res.status, 303, pageText(res.text));
      const [event] = await ctx.db("bladder_events").where({ episode_id: other.id });
      assert.equal(new Date(event.at).toISOString(), "2026-11-24T01:00:00.000Z", "the typed time, not the save time");
      const state = await getWardState(ctx.db, other.id, ctx.clock.now().toISOString());
      assert.equal(new Date(state.twoc.noVoidDeadline!).toISOString(), "2026-11-24T07:00:00.000Z", "U4: six hours after the typed removal");
      const page = pageText((await nurse.agent.get(res.headers.location)).text);
      assert.match(page, /Recorded: .* at 01:00/);
    } finally {
      ctx.clock.set(NOW);
    }
  });

  test("Now with the boxes untouched (or emptied) stores the save time", async () => {
    const untouched = await newEpisode(ctx.db, { now: NOW });
    const form = await renderedForm(nurse, untouched.id, "catheter-removed");
    ctx.clock.advance(7 * 60_000);
    try {
      const res = await nurse.submit(`/episodes/${untouched.id}/bladder/record/catheter-removed`, form);
      assert.equal(res.status, 303, pageText(res.text));
      const [event] = await ctx.db("bladder_events").where({ episode_id: untouched.id });
      assert.equal(new Date(event.at).toISOString(), "2026-11-24T03:07:00.000Z", "the save time, not the time the form was shown");
      const state = await getWardState(ctx.db, untouched.id, ctx.clock.now().toISOString());
      assert.equal(new Date(state.twoc.noVoidDeadline!).toISOString(), "2026-11-24T09:07:00.000Z");

      const emptied = await newEpisode(ctx.db, { now: NOW });
      const blank = { ...(await renderedForm(nurse, emptied.id, "void")), "at-day": "", "at-month": "", "at-year": "", "at-time": "" };
      assert.equal((await nurse.submit(`/episodes/${emptied.id}/bladder/record/void`, blank)).status, 303);
      const [voided] = await ctx.db("bladder_events").where({ episode_id: emptied.id });
      assert.equal(new Date(voided.at).toISOString(), "2026-11-24T03:07:00.000Z");
    } finally {
      ctx.clock.set(NOW);
    }
  });

  test("a typed time with Now chosen is checked like an earlier one; the re-rendered form keeps what it first showed", async () => {
    const other = await newEpisode(ctx.db, { now: NOW });
    const form = await renderedForm(nurse, other.id, "scan");
    const res = await nurse.submit(`/episodes/${other.id}/bladder/record/scan`, { ...form, "at-time": "04:30", phase: "post-void", volumeMl: "80" });
    assert.equal(res.status, 400);
    assert.match(pageText(res.text), /cannot be in the future: it is now 03:00/);
    assert.match(res.text, /name="atShown" value="24\|11\|2026\|03:00\|"/);
    assert.equal(await count(ctx, other.id), 0);
  });

  test("a volume typed with its unit (80 ml, 80ML) is read as the number; other text is refused", async () => {
    const other = await newEpisode(ctx.db, { now: NOW });
    for (const volumeMl of ["80 ml", "80ML"]) {
      const form = await renderedForm(nurse, other.id, "scan");
      assert.equal((await nurse.submit(`/episodes/${other.id}/bladder/record/scan`, { ...form, phase: "post-void", volumeMl })).status, 303, volumeMl);
    }
    assert.deepEqual((await ctx.db("bladder_events").where({ episode_id: other.id }).pluck("volume_ml")).map(Number), [80, 80]);
    const form = await renderedForm(nurse, other.id, "scan");
    const res = await nurse.submit(`/episodes/${other.id}/bladder/record/scan`, { ...form, phase: "post-void", volumeMl: "80 cc" });
    assert.equal(res.status, 400);
    assert.match(pageText(res.text), /must be a whole number of ml/);
  });

  test("a form that does not say what its boxes showed, with Now and a time, asks which was meant and stores nothing", async () => {
    const other = await newEpisode(ctx.db, { now: NOW });
    const res = await nurse.submit(`/episodes/${other.id}/bladder/record/catheter-removed`, { when: "now", ...ukTime("at", 24, 11, 2026, "01:00") });
    assert.equal(res.status, 400);
    assert.match(pageText(res.text), /choose Earlier to save the time you entered, or Now and clear the time/);
    assert.equal(await count(ctx, other.id), 0);
  });

  test("a future time is refused with a clear message and nothing is stored", async () => {
    const res = await nurse.submit(`/episodes/${episode.id}/bladder/record/catheter-removed`, { when: "earlier", ...ukTime("at", 24, 11, 2026, "03:30") });
    assert.equal(res.status, 400);
    assert.match(pageText(res.text), /There is a problem/);
    assert.match(pageText(res.text), /cannot be in the future: it is now 03:00/);
    assert.equal(await count(ctx, episode.id), 0);
  });

  test("at 03:00 a time from last evening typed on today's date is refused with the day to change it to", async () => {
    const res = await nurse.submit(`/episodes/${episode.id}/bladder/record/catheter-removed`, { when: "earlier", ...ukTime("at", 24, 11, 2026, "23:50") });
    assert.equal(res.status, 400);
    assert.match(pageText(res.text), /If it was yesterday, change the day to 23\./);
    assert.equal(await count(ctx, episode.id), 0);
  });

  test("a time more than 24 hours back is refused", async () => {
    const res = await nurse.submit(`/episodes/${episode.id}/bladder/record/catheter-removed`, { when: "earlier", ...ukTime("at", 23, 11, 2026, "02:59") });
    assert.equal(res.status, 400);
    assert.match(pageText(res.text), /set back at most 24 hours/);
    assert.equal(await count(ctx, episode.id), 0);
  });

  test("volumes of 3001, -1 and 1.5 ml are refused as data-entry errors; the typed value is kept", async () => {
    for (const volumeMl of ["3001", "-1", "1.5", "lots"]) {
      const res = await nurse.submit(`/episodes/${episode.id}/bladder/record/scan`, { when: "now", phase: "pre-void", volumeMl, sensationToVoid: "yes" });
      assert.equal(res.status, 400, volumeMl);
      assert.match(pageText(res.text), /Bladder volume must be (a whole number of ml|between 0 and 3000 ml)/, volumeMl);
      assert.match(res.text, new RegExp(`id="volumeMl"[^>]*value="${volumeMl.replace(".", "\\.")}"`));
    }
    assert.equal(await count(ctx, episode.id), 0);
  });

  test("a pre-void scan needs the sensation to void (U3)", async () => {
    const res = await nurse.submit(`/episodes/${episode.id}/bladder/record/scan`, { when: "now", phase: "pre-void", volumeMl: "300" });
    assert.equal(res.status, 400);
    assert.match(pageText(res.text), /Select whether the patient has a sensation to void/);
  });

  test("the same form posted twice (refresh, double click) stores one event", async () => {
    const key = onceKeyOf((await nurse.agent.get(`/episodes/${episode.id}/bladder/record/catheter-removed`)).text);
    const form = { _once: key, when: "earlier", ...ukTime("at", 24, 11, 2026, "01:30") };
    const first = await nurse.submit(`/episodes/${episode.id}/bladder/record/catheter-removed`, form);
    assert.equal(first.status, 303);
    const second = await nurse.submit(`/episodes/${episode.id}/bladder/record/catheter-removed`, form);
    assert.equal(second.status, 303);
    assert.equal(await count(ctx, episode.id), 1);
    const page = await nurse.agent.get(second.headers.location);
    assert.match(pageText(page.text), /already been sent: it was saved once/);
    const audit = await ctx.db("audit_events").where({ entity: "bladder-event", action: "record", patient_id: episode.patientId });
    assert.equal(audit.length, 1, "one audit row for one event");
    assert.match(audit[0].actor_name, /nurse/);
  });

  test("a failed TWOC (U3 with U-SAFE) shows the reason, the urgent alert and the action checklist", async () => {
    const res = await nurse.submit(`/episodes/${episode.id}/bladder/record/scan`, { when: "earlier", ...ukTime("at", 24, 11, 2026, "02:30"), phase: "pre-void", volumeMl: "620", sensationToVoid: "no" });
    assert.equal(res.status, 303);
    const page = await nurse.agent.get(`/episodes/${episode.id}/bladder`);
    const text = pageText(page.text);
    assert.match(text, /TWOC failed/);
    assert.match(page.text, /<span class="app-rule-id">U3<\/span>/);
    assert.match(text, /Pre-void scan 620 ml with no sensation to void/);
    assert.match(page.text, /class="app-urgent" role="alert" id="u-safe-alert"/);
    assert.match(text, /U5 Re-catheterised with a long-term catheter with a flip-flow valve: not done/);
    assert.match(text, /U7 Follow-up arranged .*: not done/);
  });

  test("ticking a checklist action is stored and audited", async () => {
    const res = await nurse.submit(`/episodes/${episode.id}/twoc/actions`, { action: "follow-up-arranged", done: "yes" });
    assert.equal(res.status, 303);
    const page = await nurse.agent.get(`/episodes/${episode.id}/bladder`);
    assert.match(pageText(page.text), /U7 Follow-up arranged .*: done/);
    const audit = await ctx.db("audit_events").where({ entity: "twoc-action", action: "tick", patient_id: episode.patientId });
    assert.equal(audit.length, 1);
    assert.deepEqual(JSON.parse(audit[0].after), { action: "follow-up-arranged", done: true });
    const bad = await nurse.submit(`/episodes/${episode.id}/twoc/actions`, { action: "delete-everything", done: "yes" });
    assert.equal(bad.status, 400);
  });

  test("U6: a new catheter removal after the failed TWOC is refused (409) and nothing is stored", async () => {
    const before = await count(ctx, episode.id);
    const form = await nurse.agent.get(`/episodes/${episode.id}/bladder/record/catheter-removed`);
    assert.match(pageText(form.text), /U6: the last trial without catheter failed/);
    const res = await nurse.submit(`/episodes/${episode.id}/bladder/record/catheter-removed`, { when: "now" });
    assert.equal(res.status, 409);
    assert.match(pageText(res.text), /A clinician must record an override with a reason/);
    assert.equal(await count(ctx, episode.id), before);
  });

  test("a nurse cannot record the clinician override (403) and nothing is stored", async () => {
    assert.doesNotMatch((await nurse.agent.get(`/episodes/${episode.id}/bladder`)).text, /href="\/episodes\/\d+\/twoc\/override"/, "no link a nurse cannot open");
    assert.match((await clinician.agent.get(`/episodes/${episode.id}/bladder`)).text, /href="\/episodes\/\d+\/twoc\/override">Clinician override/);
    assert.equal((await nurse.agent.get(`/episodes/${episode.id}/twoc/override`)).status, 403);
    const res = await nurse.submit(`/episodes/${episode.id}/twoc/override`, { reason: "I think it will be fine" });
    assert.equal(res.status, 403);
    assert.equal((await ctx.db("twoc_overrides").where({ episode_id: episode.id })).length, 0);
  });

  test("a clinician's override needs a reason, is audited, and then allows one new catheter removal", async () => {
    const empty = await clinician.submit(`/episodes/${episode.id}/twoc/override`, { reason: "" });
    assert.equal(empty.status, 400);
    assert.match(pageText(empty.text), /Enter the clinical reason/);
    const ok = await clinician.submit(`/episodes/${episode.id}/twoc/override`, { reason: "Sensation returned; urology agree a second trial" });
    assert.equal(ok.status, 303);
    const audit = await ctx.db("audit_events").where({ entity: "twoc-override", action: "override-u6", patient_id: episode.patientId });
    assert.equal(audit.length, 1);
    assert.match(audit[0].actor_name, /clinician/);
    assert.match(JSON.parse(audit[0].after).reason, /Sensation returned/);
    const removal = await nurse.submit(`/episodes/${episode.id}/bladder/record/catheter-removed`, { when: "now" });
    assert.equal(removal.status, 303);
    const page = pageText((await nurse.agent.get(`/episodes/${episode.id}/bladder`)).text);
    assert.match(page, /TWOC in progress/);
  });

  test("a correction supersedes the original, which stays in the history, and is audited with before and after", async () => {
    const [scan] = await ctx.db("bladder_events").where({ episode_id: episode.id, type: "scan" });
    const form = await nurse.agent.get(`/episodes/${episode.id}/bladder/events/${scan.id}/correct`);
    assert.equal(form.status, 200);
    const noReason = await nurse.submit(`/episodes/${episode.id}/bladder/events/${scan.id}/correct`, { ...ukTime("at", 24, 11, 2026, "02:30"), phase: "pre-void", volumeMl: "520", sensationToVoid: "no", reason: "" });
    assert.equal(noReason.status, 400);
    const res = await nurse.submit(`/episodes/${episode.id}/bladder/events/${scan.id}/correct`, { ...ukTime("at", 24, 11, 2026, "02:30"), phase: "pre-void", volumeMl: "520", sensationToVoid: "no", reason: "Typed 620 for 520" });
    assert.equal(res.status, 303);
    const rows = await ctx.db("bladder_events").where({ episode_id: episode.id, type: "scan" }).orderBy("id");
    assert.equal(rows.length, 2, "the original is kept");
    assert.equal(rows[0].volume_ml, 620);
    assert.equal(rows[0].superseded_by, rows[1].id);
    assert.equal(rows[1].corrected_from, rows[0].id);
    const history = pageText((await nurse.agent.get(`/episodes/${episode.id}/bladder`)).text);
    assert.match(history, /Pre-void scan 620 ml, no sensation to void \(corrected\)/);
    assert.match(history, /Correction: Typed 620 for 520/);
    const audit = await ctx.db("audit_events").where({ entity: "bladder-event", action: "correct", patient_id: episode.patientId });
    assert.equal(audit.length, 1);
    assert.equal(JSON.parse(audit[0].before).volumeMl, 620);
    assert.equal(JSON.parse(audit[0].after).volumeMl, 520);
    const again = await nurse.agent.get(`/episodes/${episode.id}/bladder/events/${scan.id}/correct`);
    assert.equal(again.status, 303, "a superseded record cannot be corrected again");
  });

  test("signed-out users are sent to sign in; an admin has no access", async () => {
    const admin = await signIn(ctx.app, "admin");
    assert.equal((await admin.agent.get(`/episodes/${episode.id}/bladder`)).status, 403);
    assert.equal((await admin.agent.get("/ward")).status, 403);
  });
});
