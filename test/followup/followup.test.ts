import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { getFollowupState } from "../../src/followup/index.ts";
import { createTestApp, pageText, signIn, type SignedInAgent, type TestContext } from "../helpers/app.ts";
import { demoEpisode, HOSTILE_FAMILY, HOSTILE_GIVEN, hostilePatient } from "./helpers.ts";

const NOW = "2026-11-24T10:00:00Z";

describe("follow-up page and checklists", () => {
  let ctx: TestContext;
  let nurse: SignedInAgent;
  let clinician: SignedInAgent;
  let reviewId: number;
  let twocId: number;
  before(async () => {
    ctx = await createTestApp({ now: NOW });
    nurse = await signIn(ctx.app, "nurse");
    clinician = await signIn(ctx.app, "clinician");
    reviewId = (await demoEpisode(ctx.db, "outpatient-review-due"))!.id;
    twocId = (await demoEpisode(ctx.db, "twoc-under-way"))!.id;
  });
  after(() => ctx.close());

  test("the page shows the four sections with each item's rule id, the phase and the chronic date", async () => {
    const res = await nurse.agent.get(`/episodes/${reviewId}/follow-up`);
    assert.equal(res.status, 200);
    const text = pageText(res.text);
    for (const heading of ["Bowel (B1–B6)", "Pain (P1–P8)", "Sexual function (X1–X5)", "Psychological support (Y1–Y3)"]) assert.ok(text.includes(heading), heading);
    for (const rule of ["B1", "B3", "B6", "P5", "P6", "P7", "P8", "X2", "X5", "Y3"]) assert.match(res.text, new RegExp(`app-rule-id">${rule}<`), rule);
    // surgery 95 days before 24 Nov 2026 is 21 Aug 2026: chronic from 21 Nov 2026
    assert.match(text, /Pain phase today Chronic/);
    assert.match(text, /Chronic phase from 21 November 2026/);
    // B2 and P3/P4 are acute-phase items: not on a chronic patient's checklist
    assert.doesNotMatch(res.text, /id="bowel-b2-stimulant-softener"/);
    assert.doesNotMatch(res.text, /id="pain-p4-gp-drug-review"/);
  });

  test("the episode page links to the follow-up page with a short status", async () => {
    const res = await nurse.agent.get(`/episodes/${reviewId}`);
    const text = pageText(res.text);
    assert.match(text, /Outpatient follow-up Pain phase today: chronic \(chronic from 21 November 2026\)/);
    assert.match(text, /R1 SCI referral indicated, not sent, because: B5 Bowel issues: follow-up with the SCI service/);
    assert.match(res.text, new RegExp(`href="/episodes/${reviewId}/follow-up"`));
  });

  test("a nurse ticks an inpatient item: who and when are shown and audited; un-ticking keeps the history", async () => {
    const tick = await nurse.submit(`/episodes/${twocId}/follow-up/checklist`, { item: "bowel-b3-drs-dre", done: "yes" });
    assert.equal(tick.status, 303);
    let page = pageText((await nurse.agent.get(`/episodes/${twocId}/follow-up`)).text);
    assert.match(page, /B3 Educate the patient to do digital rectal stimulation .*? Done by Nia Nurse \(nurse\), Tue, 24 Nov 2026, 10:00 GMT/);

    ctx.clock.advance(60_000);
    const untick = await clinician.submit(`/episodes/${twocId}/follow-up/checklist`, { item: "bowel-b3-drs-dre", done: "no" });
    assert.equal(untick.status, 303);
    page = pageText((await nurse.agent.get(`/episodes/${twocId}/follow-up`)).text);
    assert.match(page, /B3 Educate .*? Not done un-ticked by Dr Cara Clinician \(clinician\), Tue, 24 Nov 2026, 10:01 GMT/);

    const rows = await ctx.db("followup_ticks").where({ episode_id: twocId, item_id: "bowel-b3-drs-dre" }).orderBy("id");
    assert.deepEqual(rows.map((r) => Boolean(r.done)), [true, false], "both the tick and the un-tick are kept");
    const audit = await ctx.db("audit_events").where({ entity: "followup-checklist" }).whereIn("action", ["tick", "untick"]).orderBy("id", "desc").limit(2);
    assert.deepEqual(audit.map((a) => a.action), ["untick", "tick"]);
    assert.match(audit[1].actor_name, /Nia Nurse/);
    assert.equal(JSON.parse(audit[0].after).done, false);
  });

  test("a nurse cannot tick an outpatient item (403) and the page says a clinician does it", async () => {
    const before = await ctx.db("followup_ticks").count({ n: "*" });
    const res = await nurse.submit(`/episodes/${reviewId}/follow-up/checklist`, { item: "bowel-b6-outpatient-reassessment", done: "yes" });
    assert.equal(res.status, 403);
    assert.deepEqual(await ctx.db("followup_ticks").count({ n: "*" }), before);
    const page = await nurse.agent.get(`/episodes/${reviewId}/follow-up`);
    assert.match(pageText(page.text), /B6 Re-assess bowel function .*? A clinician ticks this at the outpatient appointment/);
    const ok = await clinician.submit(`/episodes/${reviewId}/follow-up/checklist`, { item: "pain-p7-root-block", done: "yes" });
    assert.equal(ok.status, 303);
  });

  test("an unknown item or a missing answer re-renders the page with 400 and stores nothing", async () => {
    const before = await ctx.db("followup_ticks").count({ n: "*" });
    for (const form of [{ item: "bowel-zz-made-up", done: "yes" }, { item: "bowel-b1-advice-and-booklet", done: "maybe" }, { item: ["a", "b"] as unknown as string, done: "yes" }]) {
      const res = await nurse.submit(`/episodes/${reviewId}/follow-up/checklist`, form);
      assert.equal(res.status, 400);
      assert.match(pageText(res.text), /There is a problem/);
    }
    assert.deepEqual(await ctx.db("followup_ticks").count({ n: "*" }), before);
  });

  test("an ongoing issue is recorded with free text, validated and audited", async () => {
    const bad = await nurse.submit(`/episodes/${twocId}/follow-up/issues/psychological`, { ongoing: "yes", details: "" });
    assert.equal(bad.status, 400);
    assert.match(pageText(bad.text), /There is a problem Describe the ongoing issue/);
    const unanswered = await nurse.submit(`/episodes/${twocId}/follow-up/issues/pain`, { details: "" });
    assert.equal(unanswered.status, 400);
    assert.match(pageText(unanswered.text), /Select whether the patient has persistent neuropathic pain/);
    assert.equal(await ctx.db("followup_issues").where({ episode_id: twocId }).first(), undefined);

    const ok = await nurse.submit(`/episodes/${twocId}/follow-up/issues/psychological`, { ongoing: "yes", details: "Saddle numbness on the left" });
    assert.equal(ok.status, 303);
    const page = pageText((await nurse.agent.get(`/episodes/${twocId}/follow-up`)).text);
    assert.match(page, /Psychological support: .Ongoing CES symptoms \(such as saddle numbness or leg weakness\). recorded as Yes/, "the confirmation says what was answered");
    assert.match(page, /Ongoing CES symptoms \(such as saddle numbness or leg weakness\): Yes, ongoing Saddle numbness on the left/);
    assert.match(page, /SCI referral indicated Y3 Ongoing cauda equina symptoms/);
    const audit = await ctx.db("audit_events").where({ entity: "followup-issue", patient_id: (await ctx.db("episodes").where({ id: twocId }).first()).patient_id });
    assert.equal(audit.length, 1);
    assert.equal(JSON.parse(audit[0].after).details, "Saddle numbness on the left");

    await nurse.submit(`/episodes/${twocId}/follow-up/issues/pain`, { ongoing: "no", details: "" });
    assert.match(pageText((await nurse.agent.get(`/episodes/${twocId}/follow-up`)).text), /Pain: .Persistent neuropathic pain. recorded as No/, "a No is confirmed as No, not as an ongoing issue");

    assert.equal((await nurse.agent.get(`/episodes/${twocId}/follow-up/issues/kidneys`)).status, 404);
  });

  test("the outpatient appointment is recorded in UK time and shown; bad dates are refused", async () => {
    const bad = await nurse.submit(`/episodes/${twocId}/follow-up/appointment`, { "appointmentAt-day": "31", "appointmentAt-month": "2", "appointmentAt-year": "2027", "appointmentAt-time": "10:00" });
    assert.equal(bad.status, 400);
    const ok = await nurse.submit(`/episodes/${twocId}/follow-up/appointment`, { "appointmentAt-day": "2", "appointmentAt-month": "4", "appointmentAt-year": "2027", "appointmentAt-time": "09:15", clinic: "Spinal OPD" });
    assert.equal(ok.status, 303);
    const state = await getFollowupState(ctx.db, twocId, ctx.clock.now().toISOString());
    assert.equal(state.outpatientAppointmentAt, "2027-04-02T08:15:00.000Z", "09:15 BST");
    const page = pageText((await nurse.agent.get(`/episodes/${twocId}/follow-up`)).text);
    assert.match(page, /Appointment: Fri, 2 Apr 2027, 09:15 BST , Spinal OPD/);
  });
});

describe("outpatient re-assessment", () => {
  let ctx: TestContext;
  let nurse: SignedInAgent;
  let clinician: SignedInAgent;
  let episodeId: number;
  const valid = { "appointmentDate-day": "24", "appointmentDate-month": "11", "appointmentDate-year": "2026", bowel: "no", sexual: "yes", outcome: "Erectile dysfunction reported; discussed PDE5 inhibitor", referral: "sci" };
  before(async () => {
    ctx = await createTestApp({ now: NOW });
    nurse = await signIn(ctx.app, "nurse");
    clinician = await signIn(ctx.app, "clinician");
    episodeId = (await demoEpisode(ctx.db, "failed-twoc-flip-flow"))!.id;
  });
  after(() => ctx.close());

  test("nurses cannot open or post the re-assessment (clinicians' form)", async () => {
    assert.equal((await nurse.agent.get(`/episodes/${episodeId}/follow-up/reassessment`)).status, 403);
    assert.equal((await nurse.submit(`/episodes/${episodeId}/follow-up/reassessment`, valid)).status, 403);
    assert.equal(await ctx.db("outpatient_reassessments").first(), undefined);
  });

  test("errors re-render with 400, keep the typed values and store nothing", async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ ...valid, "appointmentDate-day": "30", "appointmentDate-month": "2" }, /must be a real date/],
      [{ ...valid, "appointmentDate-year": "2027" }, /must be today or in the past/],
      [{ ...valid, bowel: "" }, /Select bowel function/],
      [{ ...valid, outcome: " " }, /Enter outcome of the re-assessment/],
      [{ ...valid, referral: "none" }, /There is an issue: B6 and X4 say refer/],
    ];
    for (const [form, message] of cases) {
      const res = await clinician.submit(`/episodes/${episodeId}/follow-up/reassessment`, form);
      assert.equal(res.status, 400, String(message));
      assert.match(pageText(res.text), message);
      if (form.outcome.trim()) assert.match(res.text, /Erectile dysfunction reported/, "typed values are kept");
    }
    assert.equal(await ctx.db("outpatient_reassessments").first(), undefined);
    assert.equal(await ctx.db("followup_issues").where({ episode_id: episodeId }).first(), undefined);
  });

  test("a re-assessment records the findings, ticks B6 and X4, and makes the SCI referral indicated (X3)", async () => {
    const before = await getFollowupState(ctx.db, episodeId, NOW);
    assert.equal(before.reassessmentDone, false);
    assert.equal(before.sciReferral.reasons.some((r) => r.rule === "X3"), false);

    const res = await clinician.submit(`/episodes/${episodeId}/follow-up/reassessment`, valid);
    assert.equal(res.status, 303);
    const page = pageText((await clinician.agent.get(`/episodes/${episodeId}/follow-up`)).text);
    assert.match(page, /24 November 2026 recorded by Dr Cara Clinician \(clinician\) No issue Issue found Erectile dysfunction reported/);
    assert.match(page, /SCI referral indicated .*X3 Sexual dysfunction: follow-up with the SCI service/);
    assert.match(page, /B6 Re-assess bowel function .*? Done by Dr Cara Clinician/);
    assert.match(page, /X4 Re-assess sexual function .*? Done by Dr Cara Clinician/);

    const after_ = await getFollowupState(ctx.db, episodeId, NOW);
    assert.equal(after_.reassessmentDone, true);
    assert.deepEqual(after_.sciReferral.reasons.map((r) => r.rule), [...before.sciReferral.reasons.map((r) => r.rule), "X3"]);
    assert.equal(after_.sciReferral.indicated, true);
    assert.equal(after_.sciReferral.sentAt, null);
    const actions = (await ctx.db("audit_events").where({ actor_name: "Dr Cara Clinician (clinician)" })).map((a) => `${a.entity}:${a.action}`);
    for (const a of ["outpatient-reassessment:record", "followup-checklist:tick", "followup-issue:record"]) assert.ok(actions.includes(a), a);
  });
});

describe("medicines and the pain phase", () => {
  let ctx: TestContext;
  let nurse: SignedInAgent;
  let clinician: SignedInAgent;
  before(async () => {
    ctx = await createTestApp({ now: NOW });
    nurse = await signIn(ctx.app, "nurse");
    clinician = await signIn(ctx.app, "clinician");
  });
  after(() => ctx.close());

  test("the demo chronic-phase patient's opioid and pregabalin carry P5 and P6", async () => {
    const id = (await demoEpisode(ctx.db, "outpatient-review-due"))!.id;
    const text = pageText((await clinician.agent.get(`/episodes/${id}/follow-up/medicines`)).text);
    assert.match(text, /Co-codamol 30\/500 2 tablets four times a day .*? Important: Medication review Co-codamol 30\/500 contains codeine, an opioid: not offered in the chronic phase \(P5\)\./);
    assert.match(text, /Pregabalin 75 mg .*? Pregabalin 75 mg is a gabapentinoid and anti-epileptic: not offered in the chronic phase \(P6\)\./);
    assert.doesNotMatch(text, /\(recognised as/, "no matching notes in the flags");
    assert.match(text, /Senna 7.5 mg 2 tablets at night \d+ \w+ 2026 No flag Recognised as senna: laxative/);
  });

  test("nurses see the list on the follow-up page but the medicines page is for clinicians", async () => {
    const id = (await demoEpisode(ctx.db, "outpatient-review-due"))!.id;
    assert.equal((await nurse.agent.get(`/episodes/${id}/follow-up/medicines`)).status, 403);
    assert.equal((await nurse.submit(`/episodes/${id}/follow-up/medicines`, { name: "Diazepam 2 mg" })).status, 403);
    assert.match(pageText((await nurse.agent.get(`/episodes/${id}/follow-up`)).text), /Pregabalin 75 mg .*? P6/);
  });

  test("when the phase turns chronic the flags change: P3 before, P5 from the chronic date", async () => {
    const id = (await demoEpisode(ctx.db, "twoc-under-way"))!.id;
    const acute = pageText((await clinician.agent.get(`/episodes/${id}/follow-up/medicines`)).text);
    assert.match(acute, /Pain phase today: acute/);
    assert.match(acute, /Oramorph 10 mg\/5 ml contains morphine, an opioid, and there is no laxative on the list: add a laxative to avoid constipation \(P3\)\./);
    assert.doesNotMatch(acute, /\(P5\)\./);

    const state = await getFollowupState(ctx.db, id, NOW);
    ctx.clock.set(`${state.chronicFrom}T00:30:00Z`);
    const chronic = pageText((await clinician.agent.get(`/episodes/${id}/follow-up/medicines`)).text);
    assert.match(chronic, /Pain phase today: chronic/);
    assert.match(chronic, /Oramorph 10 mg\/5 ml contains morphine, an opioid: not offered in the chronic phase \(P5\)\./);
    assert.doesNotMatch(chronic, /\(P3\)\./);

    ctx.clock.set(new Date(Date.parse(`${state.chronicFrom}T00:00:00Z`) - 2 * 3600_000).toISOString());
    const dayBefore = pageText((await clinician.agent.get(`/episodes/${id}/follow-up/medicines`)).text);
    assert.match(dayBefore, /Pain phase today: acute/);
    ctx.clock.set(NOW);
  });

  test("adding an unrecognised medicine lists it as not classified; bad input is refused", async () => {
    const id = (await demoEpisode(ctx.db, "twoc-under-way"))!.id;
    const count = await ctx.db("medications").count({ n: "*" });
    const bad = await clinician.submit(`/episodes/${id}/follow-up/medicines`, { name: "", "startedOn-day": "1", "startedOn-month": "1", "startedOn-year": "2030" });
    assert.equal(bad.status, 400);
    assert.match(pageText(bad.text), /Enter name of the medicine .*Start date must be today or in the past/);
    assert.deepEqual(await ctx.db("medications").count({ n: "*" }), count);

    const ok = await clinician.submit(`/episodes/${id}/follow-up/medicines`, { name: "Zzylotrex 5 mg", dose: "5 mg", "startedOn-day": "24", "startedOn-month": "11", "startedOn-year": "2026" });
    assert.equal(ok.status, 303);
    const text = pageText((await clinician.agent.get(`/episodes/${id}/follow-up/medicines`)).text);
    assert.match(text, /Zzylotrex 5 mg 5 mg 24 November 2026 Not classified — check by hand/);
  });

  test("a known medicine with no flag says what it is: zopiclone is a Z-drug hypnotic, not a benzodiazepine, and leaves P6 clear", async () => {
    const id = (await demoEpisode(ctx.db, "twoc-under-way"))!.id;
    const ok = await clinician.submit(`/episodes/${id}/follow-up/medicines`, { name: "Zopiclone 7.5 mg", dose: "7.5 mg at night", "startedOn-day": "24", "startedOn-month": "11", "startedOn-year": "2026" });
    assert.equal(ok.status, 303);
    const text = pageText((await clinician.agent.get(`/episodes/${id}/follow-up/medicines`)).text);
    assert.match(text, /Zopiclone 7.5 mg 7.5 mg at night 24 November 2026 No flag Recognised as zopiclone: Z-drug hypnotic: not a benzodiazepine/);
    assert.doesNotMatch(text, /Not classified — check by hand: .*Zopiclone/);
  });

  test("stopping a medicine is a record, not a delete, and it leaves the review", async () => {
    const id = (await demoEpisode(ctx.db, "outpatient-review-due"))!.id;
    const med = await ctx.db("medications").where({ episode_id: id }).where("name", "like", "Pregabalin%").first();
    const bad = await clinician.submit(`/episodes/${id}/follow-up/medicines/${med.id}/stop`, { "stoppedOn-day": "1", "stoppedOn-month": "1", "stoppedOn-year": "2020" });
    assert.equal(bad.status, 400);
    assert.match(pageText(bad.text), /Stop date must be on or after the start date/);
    const ok = await clinician.submit(`/episodes/${id}/follow-up/medicines/${med.id}/stop`, { "stoppedOn-day": "24", "stoppedOn-month": "11", "stoppedOn-year": "2026", reason: "Chronic phase (P6)" });
    assert.equal(ok.status, 303);
    const text = pageText((await clinician.agent.get(`/episodes/${id}/follow-up/medicines`)).text);
    assert.doesNotMatch(text, /P6 Pregabalin/);
    assert.match(text, /Stopped medicines .*Pregabalin 75 mg 75 mg twice a day .* 24 November 2026: Chronic phase \(P6\)/);
    assert.ok(await ctx.db("medications").where({ id: med.id }).first(), "the row is kept");
    const again = await clinician.submit(`/episodes/${id}/follow-up/medicines/${med.id}/stop`, { "stoppedOn-day": "24", "stoppedOn-month": "11", "stoppedOn-year": "2026" });
    assert.equal(again.status, 400);
    assert.match(pageText(again.text), /already recorded as stopped/);
  });
});

describe("escaping and the state other features read", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestApp({ now: NOW });
  });
  after(() => ctx.close());

  test("a hostile patient name appears literally on the follow-up pages", async () => {
    const { episode } = await hostilePatient(ctx.db, "2026-11-20T09:00:00Z", NOW);
    const clinician = await signIn(ctx.app, "clinician");
    for (const url of [`/episodes/${episode.id}/follow-up`, `/episodes/${episode.id}/follow-up/medicines`, `/episodes/${episode.id}/follow-up/reassessment`, `/episodes/${episode.id}`]) {
      const res = await clinician.agent.get(url);
      assert.equal(res.status, 200, url);
      assert.doesNotMatch(res.text, /<script>alert/, url);
      assert.match(res.text, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/, url);
      assert.match(pageText(res.text), /O'Brien-SSmith/, url);
    }
    const shown = pageText((await clinician.agent.get(`/episodes/${episode.id}/follow-up`)).text).replace(/&lt;/g, "<").replace(/&gt;/g, ">");
    assert.ok(shown.includes(`${HOSTILE_FAMILY}, ${HOSTILE_GIVEN}`), "the name reads literally");
  });

  test("getFollowupState: acute patient discharged gets the P4 window; unknown episode is not found", async () => {
    const { episode } = await hostilePatient(ctx.db, "2026-11-20T09:00:00Z", NOW).catch(async () => {
      const row = await ctx.db("patients").where({ nhs_number: "4505577104" }).first();
      return { episode: await ctx.db("episodes").where({ patient_id: row.id }).first() };
    });
    const { recordDischarge } = await import("../../src/patients/service.ts");
    const { SYSTEM_ACTOR } = await import("../../src/audit/audit.ts");
    await recordDischarge(ctx.db, SYSTEM_ACTOR, episode.id, { dischargedAt: "2026-11-23T15:00:00Z", destination: "Home", catheterStatus: "isc" }, NOW);
    const state = await getFollowupState(ctx.db, episode.id, NOW);
    assert.equal(state.painPhase, "acute");
    assert.equal(state.chronicFrom, "2027-02-20");
    assert.deepEqual(state.gpDrugReviewDue, { from: "2026-11-30", to: "2026-12-07" });
    assert.deepEqual(state.sciReferral.reasons.map((r) => r.rule), ["U7"], "ISC dependence at discharge");
    assert.equal(state.outpatientAppointmentAt, null);
    await assert.rejects(getFollowupState(ctx.db, 999999, NOW), /Episode not found/);
  });
});
