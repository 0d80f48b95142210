import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { SYSTEM_ACTOR } from "../../src/audit/audit.ts";
import { getFollowupState } from "../../src/followup/index.ts";
import { markReminderDone } from "../../src/reminders/service.ts";
import { createTestApp, pageText, signIn, type SignedInAgent, type TestContext } from "../helpers/app.ts";

// A Tuesday: this week's clinic runs from Monday 23 to Sunday 29 November 2026.
const NOW = "2026-11-24T10:00:00Z";

async function episodeOf(ctx: TestContext, nhsNumber: string): Promise<number> {
  const row = await ctx.db("episodes").join("patients", "patients.id", "episodes.patient_id").where("patients.nhs_number", nhsNumber).first("episodes.id");
  return row.id as number;
}

/** The text of one patient's row on the clinic list. */
function rowText(html: string, episodeId: number): string {
  const m = new RegExp(`<tr class="nhsuk-table__row" id="clinic-episode-${episodeId}">([\\s\\S]*?)</tr>`).exec(html);
  assert.ok(m, `episode ${episodeId} is on the list`);
  return pageText(m[1]);
}

/** Attribute values as a browser reads them ("&#x3D;" is "="). */
function attributes(html: string): string {
  return html.replace(/&#x3D;/g, "=").replace(/&amp;/g, "&");
}

/** The section of the page with this id. */
function section(html: string, id: string): string {
  const m = new RegExp(`<section id="${id}"[\\s\\S]*?</section>`).exec(html);
  assert.ok(m, id);
  return m[0];
}

describe("clinic list /clinic", () => {
  let ctx: TestContext;
  let clinician: SignedInAgent;
  let nurse: SignedInAgent;
  let evans: number;
  let li: number;
  let patel: number;
  let walker: number;
  before(async () => {
    ctx = await createTestApp({ now: NOW });
    clinician = await signIn(ctx.app, "clinician");
    nurse = await signIn(ctx.app, "nurse");
    evans = await episodeOf(ctx, "4109466857");
    li = await episodeOf(ctx, "2347039709");
    patel = await episodeOf(ctx, "9876543210");
    walker = await episodeOf(ctx, "1176086502");
  });
  after(() => ctx.close());

  test("this week by default: appointments grouped by consultant, each row linking to the follow-up page", async () => {
    const res = await clinician.agent.get("/clinic");
    assert.equal(res.status, 200);
    const week = section(res.text, "this-week");
    const text = pageText(week);
    // The clinic's three demo outpatients and Megan Jones, the demo patient at home who gets texts.
    assert.match(text, /This week: Monday 23 November 2026 to Sunday 29 November 2026 4 appointment\(s\)\./);
    // Dr Cara Clinician's patients (by appointment time), then Mr Omar Shah's
    assert.match(text, /Dr Cara Clinician .*JONES, Megan.*EVANS, Rhys.*PATEL, Priya.* Mr Omar Shah .*LI, Mei/);
    assert.doesNotMatch(text, /WALKER/, "an appointment of an earlier week is not in this week's clinic");
    for (const id of [evans, li, patel]) assert.match(week, new RegExp(`href="/episodes/${id}/follow-up"`));

    assert.match(rowText(res.text, evans), /^Wed, 25 Nov 2026, 09:30 GMT Spinal outpatients EVANS, Rhys : follow-up NHS number 410 946 6857 born 19 May 1971 Acute chronic from 13 January 2027 To do: B6 bowel function X4 sexual function Not indicated by what is recorded Overdue Due 26 October 2026 to 2 November 2026 GP letter not sent Not yet checked with the GP$/);
    assert.match(rowText(res.text, li), /Chronic since 17 October 2026: P5–P8 apply .*Indicated, not sent because of: Dependent on a catheter or intermittent self-catheterisation U7 /);
    assert.match(rowText(res.text, patel), /Indicated, not sent because of: Bowel issues B5 /);
  });

  test("each row says what the follow-up state says (nothing worked out again on the page)", async () => {
    const html = (await clinician.agent.get("/clinic")).text;
    for (const id of [evans, li, patel]) {
      const state = await getFollowupState(ctx.db, id, NOW);
      const row = rowText(html, id);
      assert.match(row, state.painPhase === "chronic" ? /Chronic since/ : /Acute chronic from/);
      assert.equal(/Indicated, not sent/.test(row), state.sciReferral.indicated && state.sciReferral.sentAt === null, `SCI for ${id}`);
      for (const rule of ["B6", "X4"] as const) assert.equal(row.includes(`${rule} `), state.reassessmentOutstanding.includes(rule), `${rule} for ${id}`);
    }
  });

  test("the GP drug review (P4) is tagged overdue as on the episode page until the clinician marks the check done", async () => {
    const reminder = await ctx.db("reminders").where({ episode_id: evans, kind: "gp-drug-review", status: "scheduled" }).first();
    assert.ok(reminder, "Rhys Evans's P4 check is open");
    assert.match(rowText((await clinician.agent.get("/clinic")).text, evans), /Overdue Due 26 October 2026 to 2 November 2026/);
    assert.equal(await markReminderDone(ctx.db, SYSTEM_ACTOR, reminder.id, NOW), true);
    const row = rowText((await clinician.agent.get("/clinic")).text, evans);
    assert.doesNotMatch(row, /Overdue Due/);
    assert.match(row, /Due 26 October 2026 to 2 November 2026 GP letter not sent Checked 24 November 2026/);
  });

  test("the week picker: any day of a week shows that week; previous and next week links", async () => {
    const res = await nurse.agent.get("/clinic?week=2026-11-12");
    assert.equal(res.status, 200);
    res.text = attributes(res.text);
    const text = pageText(section(res.text, "this-week"));
    assert.match(text, /^Monday 9 November 2026 to Sunday 15 November 2026 1 appointment\(s\)/);
    assert.match(text, /Overdue Sun, 15 Nov 2026, 09:30 GMT .*WALKER, Jo/);
    assert.doesNotMatch(pageText(section(res.text, "overdue")), /WALKER/, "shown once, in its week");
    assert.match(res.text, /href="\/clinic\?week=2026-11-02">Previous week/);
    assert.match(res.text, /href="\/clinic\?week=2026-11-16">Next week/);
    assert.match(res.text, /href="\/clinic\?week=2026-11-24">This week/);
    const next = await nurse.agent.get("/clinic?week=2026-11-30");
    assert.match(pageText(section(next.text, "this-week")), /Monday 30 November 2026 to Sunday 6 December 2026 0 appointment\(s\)\. .*No outpatient appointments are booked in this week/);
  });

  test("overdue: an appointment passed with B6/X4 not recorded; it leaves the list once the re-assessment is recorded", async () => {
    let html = (await clinician.agent.get("/clinic")).text;
    const overdue = pageText(section(html, "overdue"));
    const overdueCount = () => Number(/(\d+) patient\(s\) whose outpatient appointment has passed/.exec(pageText(section(html, "overdue")))![1]);
    const before = overdueCount();
    assert.ok(before >= 1, overdue);
    assert.match(overdue, /Overdue Sun, 15 Nov 2026, 09:30 GMT Spinal outpatients WALKER, Jo/);

    const res = await clinician.submit(`/episodes/${walker}/follow-up/reassessment`, {
      "appointmentDate-day": "15", "appointmentDate-month": "11", "appointmentDate-year": "2026",
      bowel: "no", sexual: "not-assessed", outcome: "Bowel fine; sexual function not discussed", referral: "none",
    });
    assert.equal(res.status, 303);
    html = (await clinician.agent.get("/clinic")).text;
    assert.match(rowText(html, walker), /To do: X4 sexual function/, "X4 is still outstanding: still overdue");
    assert.doesNotMatch(rowText(html, walker), /B6/);

    await clinician.submit(`/episodes/${walker}/follow-up/checklist`, { item: "sexual-x4-outpatient-reassessment", done: "yes" });
    html = (await clinician.agent.get("/clinic")).text;
    assert.doesNotMatch(html, new RegExp(`clinic-episode-${walker}"`));
    assert.equal(overdueCount(), before - 1, "one fewer overdue patient");
  });

  test("my patients: the signed-in clinician's own patients only", async () => {
    const all = { text: attributes((await clinician.agent.get("/clinic")).text) };
    const href = /href="([^"]+)" id="my-patients"/.exec(all.text)?.[1];
    assert.ok(href, "a clinician is offered My patients");
    const mine = await clinician.agent.get(href);
    assert.equal(mine.status, 200);
    const text = pageText(mine.text);
    assert.match(text, /My patients: outpatient clinic/);
    assert.match(text, /3 appointment\(s\) for Dr Cara Clinician/);
    assert.doesNotMatch(text, /LI, Mei/);
    assert.doesNotMatch((await nurse.agent.get("/clinic")).text, /id="my-patients"/, "a nurse is no consultant");
  });

  test("a week or consultant that cannot be read is a clear 400, with no list", async () => {
    for (const [query, message] of [
      ["week=2026-02-30", /Enter a real date for the week to show/],
      ["week=next", /Enter a real date for the week to show/],
      ["consultant=99999", /Select a consultant from the list/],
      ["week=2026-11-24&week=2026-12-01", /Enter a real date for the week to show/],
    ] as const) {
      const res = await clinician.agent.get(`/clinic?${query}`);
      assert.equal(res.status, 400, query);
      assert.match(pageText(res.text), /There is a problem/);
      assert.match(pageText(res.text), message);
      assert.doesNotMatch(res.text, /id="this-week"/);
    }
  });

  test("clinical staff only; the menu offers it; the page prints without menus", async () => {
    const admin = await signIn(ctx.app, "admin");
    assert.equal((await admin.agent.get("/clinic")).status, 403);
    for (const user of [clinician, nurse]) assert.match((await user.agent.get("/patients")).text, /href="\/clinic">Clinic list</);
    const html = (await clinician.agent.get("/clinic")).text;
    assert.match(html, /<form method="get" action="\/clinic" class="[^"]*app-no-print/);
  });
});
