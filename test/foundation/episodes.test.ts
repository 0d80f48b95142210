import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { toInstant } from "../../src/db/values.ts";
import { createTestApp, pageText, signIn, type SignedInAgent, type TestContext } from "../helpers/app.ts";

const NOW = "2026-11-24T10:00:00Z";

/** Date and time inputs for a field, typed as a person on the ward would (UK time). */
function at(field: string, day: number, month: number, year: number, time: string) {
  return { [`${field}-day`]: String(day), [`${field}-month`]: String(month), [`${field}-year`]: String(year), [`${field}-time`]: time };
}

/** An episode form with every check answered so that no flag is raised, before the overrides. */
function episodeForm(overrides: Record<string, string> = {}) {
  return {
    presentation: "CES-R",
    ...at("mriAt", 23, 11, 2026, "20:00"),
    ...at("anaesthesiaStartAt", 23, 11, 2026, "23:00"),
    procedure: "laminotomy",
    level: "L4/5",
    surgeon: "Ms Ortho",
    ward: "Ward 3 (Spinal)",
    bed: "12",
    ...at("preopReviewAt", 23, 11, 2026, "21:00"),
    consentRecorded: "yes",
    bsrRegistered: "yes",
    catheterisedBeforeSurgery: "yes",
    consultantSanction: "no",
    delayReason: "",
    ...overrides,
  };
}

describe("CES surgery episodes from the form", () => {
  let ctx: TestContext;
  let nurse: SignedInAgent;
  let clinician: SignedInAgent;
  let patientId: number;
  const count = async (table: string) => Number((await ctx.db(table).count({ n: "*" }))[0].n);

  before(async () => {
    ctx = await createTestApp({ now: NOW });
    nurse = await signIn(ctx.app, "nurse");
    clinician = await signIn(ctx.app, "clinician");
    const res = await nurse.submit("/patients", {
      nhsNumber: "450 557 7104", familyName: "Ng", givenName: "Lin", "dateOfBirth-day": "31", "dateOfBirth-month": "1", "dateOfBirth-year": "1970",
      sex: "female", emailConsent: "no",
    });
    assert.equal(res.status, 303);
    patientId = Number(/\/patients\/(\d+)/.exec(res.headers.location)![1]);
  });
  after(() => ctx.close());

  /** Registers an episode and returns the text of its page. */
  async function register(form: Record<string, string>) {
    const res = await nurse.submit(`/patients/${patientId}/episodes`, form);
    assert.equal(res.status, 303, pageText(res.text ?? "").slice(0, 500));
    const id = Number(/\/episodes\/(\d+)$/.exec(res.headers.location)![1]);
    const page = await nurse.agent.get(res.headers.location);
    assert.equal(page.status, 200);
    return { id, text: pageText(page.text), html: page.text };
  }

  /** The rule ids flagged on an episode page. */
  const flags = (html: string) => {
    const list = /<ul class="app-flag-list" id="surgical-flags">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? "";
    return [...list.matchAll(/<span class="app-rule-id">([^<]+)<\/span>/g)].map((m) => m[1]);
  };

  test("the form refuses anaesthesia before the MRI, times in the future and missing answers, and stores nothing", async () => {
    const before = [await count("episodes"), await count("audit_events")];
    const order = await nurse.submit(`/patients/${patientId}/episodes`, episodeForm(at("anaesthesiaStartAt", 23, 11, 2026, "19:00")));
    assert.equal(order.status, 400);
    assert.match(pageText(order.text), /There is a problem .*Start of anaesthesia must be after the MRI/);
    assert.match(order.text, /value="19:00"/, "the typed time is kept");

    const future = await nurse.submit(`/patients/${patientId}/episodes`, episodeForm({ ...at("mriAt", 24, 11, 2026, "10:30"), ...at("anaesthesiaStartAt", 24, 11, 2026, "11:00") }));
    assert.equal(future.status, 400);
    assert.match(pageText(future.text), /MRI time must be in the past/);
    assert.match(pageText(future.text), /Start of anaesthesia must be in the past/);

    const { presentation: _p, procedure: _q, ...unanswered } = episodeForm();
    const missing = await nurse.submit(`/patients/${patientId}/episodes`, unanswered);
    assert.equal(missing.status, 400);
    assert.match(pageText(missing.text), /Select CES presentation/);
    assert.match(pageText(missing.text), /Select procedure/);
    assert.match(missing.text, /<a href="#presentation">/, "the summary links to the question");

    const badTime = await nurse.submit(`/patients/${patientId}/episodes`, episodeForm(at("mriAt", 23, 11, 2026, "25:10")));
    assert.equal(badTime.status, 400);
    assert.match(pageText(badTime.text), /Enter the time of MRI time as hours and minutes/);

    // 01:30 on 29 March 2026 never happened in the UK: the clocks went from 01:00 to 02:00.
    const gap = await nurse.submit(`/patients/${patientId}/episodes`, episodeForm({ ...at("mriAt", 29, 3, 2026, "01:30"), ...at("anaesthesiaStartAt", 29, 3, 2026, "04:00"), ...at("preopReviewAt", 29, 3, 2026, "03:00") }));
    assert.equal(gap.status, 400);
    assert.match(pageText(gap.text), /that time does not exist in the UK/);
    assert.deepEqual([await count("episodes"), await count("audit_events")], before);
  });

  test("a complete record raises no flag, and is audited", async () => {
    const { id, text, html } = await register(episodeForm());
    assert.deepEqual(flags(html), []);
    assert.match(text, /All surgical record checks are met \(S-DOC, S-CONSENT, S-BSR, S-CATH, S-TIME-R, S-NIGHT\)/, "every id cited is a rule book id");
    assert.equal(await ctx.db("audit_events").where({ entity: "episode", entity_id: id, action: "register" }).count({ n: "*" }).then((r) => Number(r[0].n)), 1);
  });

  test("anaesthesia at 02:00 UK time without a consultant's sanction is flagged S-NIGHT; with it, it is not", async () => {
    const night = await register(episodeForm({ ...at("anaesthesiaStartAt", 24, 11, 2026, "02:00") }));
    assert.deepEqual(flags(night.html), ["S-NIGHT"]);
    const row = await ctx.db("episodes").where({ id: night.id }).first();
    assert.equal(toInstant(row.anaesthesia_start_at), "2026-11-24T02:00:00.000Z", "GMT in November: UK time is UTC");
    assert.match(night.text, /Anaesthesia started Tue, 24 Nov 2026, 02:00 GMT/);

    const sanctioned = await register(episodeForm({ ...at("anaesthesiaStartAt", 24, 11, 2026, "02:00"), consultantSanction: "yes" }));
    assert.deepEqual(flags(sanctioned.html), []);
  });

  test("times are read and shown in UK time across the clock change (BST in summer)", async () => {
    const summer = await register(
      episodeForm({ ...at("mriAt", 9, 7, 2026, "22:00"), ...at("preopReviewAt", 9, 7, 2026, "23:00"), ...at("anaesthesiaStartAt", 10, 7, 2026, "02:00") }),
    );
    const row = await ctx.db("episodes").where({ id: summer.id }).first();
    assert.equal(toInstant(row.anaesthesia_start_at), "2026-07-10T01:00:00.000Z", "02:00 BST is 01:00 UTC");
    assert.match(summer.text, /Anaesthesia started Fri, 10 Jul 2026, 02:00 BST/);
    assert.match(summer.text, /MRI Thu, 9 Jul 2026, 22:00 BST/);
    assert.deepEqual(flags(summer.html), ["S-NIGHT"]);
    // 07:45 BST is 06:45 UTC: outside the night window in UK time, so no flag.
    const morning = await register(episodeForm({ ...at("mriAt", 10, 7, 2026, "05:00"), ...at("preopReviewAt", 10, 7, 2026, "06:00"), ...at("anaesthesiaStartAt", 10, 7, 2026, "07:45") }));
    assert.deepEqual(flags(morning.html), []);
    // The edit form shows the stored time back in UK time.
    const edit = await nurse.agent.get(`/episodes/${summer.id}/edit`);
    assert.match(edit.text, /id="anaesthesiaStartAt-time" name="anaesthesiaStartAt-time" type="text" inputmode="numeric" value="02:00"/);
  });

  test("25 October's repeated 01:00-02:00: the form asks BST or GMT, and an unchanged edit keeps both times", async () => {
    const night = { ...at("mriAt", 25, 10, 2026, "01:50"), ...at("preopReviewAt", 25, 10, 2026, "00:10"), ...at("anaesthesiaStartAt", 25, 10, 2026, "01:30") };
    const ask = await nurse.submit(`/patients/${patientId}/episodes`, episodeForm(night));
    assert.equal(ask.status, 400);
    assert.match(pageText(ask.text), /MRI time: 01:50 happened twice that night \(the clocks went back\): choose BST for the first 01:50 or GMT for the second/);
    assert.match(ask.text, /name="anaesthesiaStartAt-zone" type="radio" value="GMT"/, "the choice is offered beside the time");
    assert.doesNotMatch(ask.text, /name="preopReviewAt-zone"/, "00:10 happened once: no choice");

    const chosen = await register(episodeForm({ ...night, "mriAt-zone": "BST", "anaesthesiaStartAt-zone": "GMT" }));
    const stored = async () => {
      const row = await ctx.db("episodes").where({ id: chosen.id }).first();
      return [toInstant(row.mri_at), toInstant(row.anaesthesia_start_at)];
    };
    assert.deepEqual(await stored(), ["2026-10-25T00:50:00.000Z", "2026-10-25T01:30:00.000Z"]);
    assert.match(chosen.text, /MRI Sun, 25 Oct 2026, 01:50 BST/);
    assert.match(chosen.text, /Anaesthesia started Sun, 25 Oct 2026, 01:30 GMT/);

    // The edit form comes back with each zone chosen as stored; sending it unchanged changes nothing.
    const edit = await nurse.agent.get(`/episodes/${chosen.id}/edit`);
    assert.match(edit.text, /name="mriAt-zone" type="radio" value="BST" checked/);
    assert.match(edit.text, /name="anaesthesiaStartAt-zone" type="radio" value="GMT" checked/);
    const resent = await nurse.submit(`/episodes/${chosen.id}/edit`, episodeForm({ ...night, "mriAt-zone": "BST", "anaesthesiaStartAt-zone": "GMT", reason: "Checked" }));
    assert.equal(resent.status, 303, pageText(resent.text ?? "").slice(0, 400));
    assert.deepEqual(await stored(), ["2026-10-25T00:50:00.000Z", "2026-10-25T01:30:00.000Z"]);
  });

  test("CES-R surgery 30 hours after the MRI without a reason is flagged S-TIME-R; a reason clears it", async () => {
    const late = await register(episodeForm({ ...at("mriAt", 22, 11, 2026, "08:00"), ...at("preopReviewAt", 22, 11, 2026, "12:00"), ...at("anaesthesiaStartAt", 23, 11, 2026, "14:00") }));
    assert.deepEqual(flags(late.html), ["S-TIME-R"]);
    assert.match(late.text, /S-TIME-R/);
    const explained = await register(
      episodeForm({ ...at("mriAt", 22, 11, 2026, "08:00"), ...at("preopReviewAt", 22, 11, 2026, "12:00"), ...at("anaesthesiaStartAt", 23, 11, 2026, "14:00"), delayReason: "Theatre occupied by a trauma case" }),
    );
    assert.deepEqual(flags(explained.html), []);
    assert.match(explained.text, /Reason for delay Theatre occupied by a trauma case/);
  });

  test("consent recorded 'no' is flagged S-CONSENT, and unanswered checks are flagged too", async () => {
    const noConsent = await register(episodeForm({ consentRecorded: "no" }));
    assert.deepEqual(flags(noConsent.html), ["S-CONSENT"]);
    const unanswered = await register({
      ...Object.fromEntries(Object.entries(episodeForm()).filter(([k]) => !k.startsWith("preopReviewAt"))),
      bsrRegistered: "",
      catheterisedBeforeSurgery: "",
    });
    assert.deepEqual(flags(unanswered.html).sort(), ["S-BSR", "S-CATH", "S-DOC"]);
  });

  test("discharge is recorded and audited; a correction keeps the previous discharge in the audit trail", async () => {
    const { id } = await register(episodeForm());
    const form = await clinician.agent.get(`/episodes/${id}/discharge`);
    assert.equal(form.status, 200);
    const early = await clinician.submit(`/episodes/${id}/discharge`, { ...at("dischargedAt", 23, 11, 2026, "22:00"), destination: "Home", catheterStatus: "none" });
    assert.equal(early.status, 400);
    assert.match(pageText(early.text), /Discharge time must be after the surgery/);
    const noStatus = await clinician.submit(`/episodes/${id}/discharge`, { ...at("dischargedAt", 24, 11, 2026, "09:00"), destination: "Home" });
    assert.equal(noStatus.status, 400);
    assert.match(pageText(noStatus.text), /Select catheter status at discharge/);

    const first = await clinician.submit(`/episodes/${id}/discharge`, { ...at("dischargedAt", 24, 11, 2026, "09:00"), destination: "Home", catheterStatus: "flip-flow" });
    assert.equal(first.status, 303);
    const page = pageText((await clinician.agent.get(`/episodes/${id}`)).text);
    assert.match(page, /Discharged Tue, 24 Nov 2026, 09:00 GMT/);
    assert.match(page, /Destination Home/);

    ctx.clock.advance(5 * 60_000);
    const correction = await nurse.submit(`/episodes/${id}/discharge`, { ...at("dischargedAt", 24, 11, 2026, "09:30"), destination: "Pinderfields rehabilitation unit", catheterStatus: "flip-flow" });
    assert.equal(correction.status, 303);
    const rows = await ctx.db("audit_events").where({ entity: "episode", entity_id: id }).whereIn("action", ["discharge", "correct-discharge"]).orderBy("id");
    assert.deepEqual(rows.map((r) => r.action), ["discharge", "correct-discharge"]);
    assert.equal(JSON.parse(rows[1].before).destination, "Home", "the previous discharge is kept");
    assert.match(rows[0].actor_name, /clinician/);
    assert.match(rows[1].actor_name, /nurse/);

    const audit = pageText((await nurse.agent.get(`/patients/${patientId}/audit`)).text);
    assert.match(
      audit,
      /Tue, 24 Nov 2026, 10:05 GMT Nia Nurse \(nurse\) corrected the discharge \(CES surgery episode\) Discharged : Tue, 24 Nov 2026, 09:00 GMT → Tue, 24 Nov 2026, 09:30 GMT Discharged to : Home → Pinderfields rehabilitation unit/,
      "who, when, and each changed field before and after, times in UK time",
    );
    assert.match(audit, /Dr Cara Clinician \(clinician\) recorded the discharge \(CES surgery episode\)/);
    assert.match(audit, /registered the patient \(patient details\)/);
  });
});
