import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createTestApp, pageText, signIn, type SignedInAgent, type TestContext } from "../helpers/app.ts";

const NOW = "2026-11-24T10:00:00Z";

function at(field: string, day: number, month: number, year: number, time: string) {
  return { [`${field}-day`]: String(day), [`${field}-month`]: String(month), [`${field}-year`]: String(year), [`${field}-time`]: time };
}

const episodeForm = (overrides: Record<string, string>) => ({
  presentation: "CES-I", ...at("mriAt", 23, 11, 2026, "20:00"), ...at("anaesthesiaStartAt", 23, 11, 2026, "23:00"),
  procedure: "laminotomy", level: "L4/5", surgeon: "Mr A. Surgeon", bed: "12", ...at("preopReviewAt", 23, 11, 2026, "21:00"),
  consentRecorded: "yes", bsrRegistered: "yes", catheterisedBeforeSurgery: "yes", consultantSanction: "no", delayReason: "",
  ...overrides,
});

describe("an episode's ward and responsible consultant are chosen from lists", () => {
  let ctx: TestContext;
  let nurse: SignedInAgent;
  let patientId: number;
  let ward7: number;
  let clinicianId: number;
  let nurseId: number;
  const episodes = async () => Number((await ctx.db("episodes").count({ n: "*" }))[0].n);

  before(async () => {
    ctx = await createTestApp({ now: NOW });
    nurse = await signIn(ctx.app, "nurse");
    const res = await nurse.submit("/patients", {
      nhsNumber: "450 557 7104", familyName: "Ng", givenName: "Lin", "dateOfBirth-day": "31", "dateOfBirth-month": "1", "dateOfBirth-year": "1970",
      sex: "female", emailConsent: "no",
    });
    patientId = Number(/\/patients\/(\d+)/.exec(res.headers.location)![1]);
    ward7 = (await ctx.db("wards").where({ name: "Ward 7 (Orthopaedics)" }).first()).id;
    clinicianId = (await ctx.db("users").where({ username: "clinician" }).first()).id;
    nurseId = (await ctx.db("users").where({ username: "nurse" }).first()).id;
  });
  after(() => ctx.close());

  test("the form offers the wards not retired and the clinicians as select lists", async () => {
    await ctx.db("wards").insert({ name: "Ward 1 (Closed)", retired_at: NOW, created_at: NOW, updated_at: NOW });
    const page = await nurse.agent.get(`/patients/${patientId}/episodes/new`);
    assert.equal(page.status, 200);
    const wardSelect = /<select[^>]*name="wardId"[\s\S]*?<\/select>/.exec(page.text)![0];
    assert.match(wardSelect, new RegExp(`<option value="${ward7}">Ward 7 \\(Orthopaedics\\)</option>`));
    assert.match(wardSelect, /Ward 3 \(Spinal\)/);
    assert.doesNotMatch(wardSelect, /Ward 1 \(Closed\)/, "a retired ward is not offered");
    const consultantSelect = /<select[^>]*name="consultantUserId"[\s\S]*?<\/select>/.exec(page.text)![0];
    assert.match(consultantSelect, new RegExp(`<option value="${clinicianId}">Dr Cara Clinician</option>`));
    assert.doesNotMatch(consultantSelect, /Nia Nurse/, "only clinicians are consultants");
    assert.doesNotMatch(page.text, /name="ward"/, "the ward is no longer typed");
  });

  test("a registered episode points to its ward and consultant; the surgeon's name is kept as typed for letters", async () => {
    const res = await nurse.submit(`/patients/${patientId}/episodes`, episodeForm({ wardId: String(ward7), consultantUserId: String(clinicianId) }));
    assert.equal(res.status, 303, pageText(res.text ?? "").slice(0, 400));
    const id = Number(/\/episodes\/(\d+)$/.exec(res.headers.location)![1]);
    const row = await ctx.db("episodes").where({ id }).first();
    assert.equal(row.ward_id, ward7);
    assert.equal(row.consultant_user_id, clinicianId);
    assert.equal(row.ward, "Ward 7 (Orthopaedics)", "the ward's name at the time is kept with the episode");
    assert.equal(row.surgeon, "Mr A. Surgeon");
    const text = pageText((await nurse.agent.get(`/episodes/${id}`)).text);
    assert.match(text, /Inpatient Ward 7 \(Orthopaedics\) · bed 12/);
    assert.match(text, /Responsible consultant Dr Cara Clinician/);
    assert.match(text, /Surgeon Mr A\. Surgeon/);
    const audit = await ctx.db("audit_events").where({ entity: "episode", entity_id: id, action: "register" }).first();
    assert.equal(JSON.parse(audit.after).wardId, ward7);
    assert.equal(JSON.parse(audit.after).consultantUserId, clinicianId);
    assert.match(pageText((await nurse.agent.get(`/patients/${patientId}`)).text), /Inpatient Ward 7 \(Orthopaedics\) bed 12/);
    await ctx.db("wards").where({ id: ward7 }).update({ name: "Ward 7 (Trauma)" });
    assert.match(pageText((await nurse.agent.get("/patients?q=Ng")).text), /Ward 7 \(Trauma\)/, "the list shows the ward's name today");
    assert.match(pageText((await nurse.agent.get(`/episodes/${id}`)).text), /Inpatient Ward 7 \(Trauma\)/);
    await ctx.db("wards").where({ id: ward7 }).update({ name: "Ward 7 (Orthopaedics)" });

    const edit = await nurse.agent.get(`/episodes/${id}/edit`);
    assert.match(edit.text, new RegExp(`<option value="${ward7}" selected>`), "the correction form starts from the stored ward");
    assert.match(edit.text, new RegExp(`<option value="${clinicianId}" selected>`));
  });

  for (const [what, form, field, message] of [
    ["an unknown ward", { wardId: "99999" }, "wardId", /Select a ward from the list/],
    ["a ward id that is not a number", { wardId: "ward 3" }, "wardId", /Ward must be a whole number/],
    ["a retired ward", { wardId: "RETIRED" }, "wardId", /Select a ward from the list/],
    ["a ward name that names no ward", { ward: "Ward 99" }, "wardId", /there is no ward called "Ward 99"/],
    ["an unknown consultant", { consultantUserId: "99999" }, "consultantUserId", /Select the responsible consultant from the list/],
    ["a nurse as consultant", { consultantUserId: "NURSE" }, "consultantUserId", /Select the responsible consultant from the list/],
  ] as const) {
    test(`${what} is refused with a field error (400) and nothing is stored`, async () => {
      const retired = (await ctx.db("wards").where({ name: "Ward 1 (Closed)" }).first()).id;
      const values = Object.fromEntries(Object.entries(form).map(([k, v]) => [k, v.replace("RETIRED", String(retired)).replace("NURSE", String(nurseId))]));
      const before = await episodes();
      const res = await nurse.submit(`/patients/${patientId}/episodes`, episodeForm(values));
      assert.equal(res.status, 400);
      assert.match(pageText(res.text), message);
      assert.match(res.text, new RegExp(`href="#${field}"`), "the error summary links to the list");
      assert.match(res.text, new RegExp(`id="${field}-error"`));
      assert.equal(await episodes(), before);
    });
  }

  test("a ward's name sent as text (an older form) finds the ward, ignoring case and spaces", async () => {
    const res = await nurse.submit(`/patients/${patientId}/episodes`, episodeForm({ ward: "  ward 7 (orthopaedics) " }));
    assert.equal(res.status, 303);
    const row = await ctx.db("episodes").orderBy("id", "desc").first();
    assert.equal(row.ward_id, ward7);
    assert.equal(row.ward, "Ward 7 (Orthopaedics)");
    assert.equal(row.consultant_user_id, null);
  });

  test("correcting an episode whose ward text names no ward says so, rather than dropping it unseen", async () => {
    const res = await nurse.submit(`/patients/${patientId}/episodes`, episodeForm({ wardId: String(ward7) }));
    const id = Number(/\/episodes\/(\d+)$/.exec(res.headers.location)![1]);
    await ctx.db("episodes").where({ id }).update({ ward_id: null, ward: "Ward 12 (Day unit)" });
    const edit = await nurse.agent.get(`/episodes/${id}/edit`);
    assert.match(pageText(edit.text), /Recorded as "Ward 12 \(Day unit\)", which is not a ward on the list/);
    assert.match(edit.text, /<select [^>]*id="wardId" name="wardId" aria-describedby="wardId-hint"/);
    await ctx.db("episodes").where({ id }).update({ ward: "  ward 7 (ORTHOPAEDICS)" });
    assert.match((await nurse.agent.get(`/episodes/${id}/edit`)).text, new RegExp(`<option value="${ward7}" selected>`), "text that names a ward starts the form on it");
  });

  test("an episode on a ward retired since keeps it when corrected; the ward can be cleared", async () => {
    const [{ id: wardId }] = await ctx.db("wards").insert({ name: "Ward 5", created_at: NOW, updated_at: NOW }).returning("id");
    const res = await nurse.submit(`/patients/${patientId}/episodes`, episodeForm({ wardId: String(wardId) }));
    const id = Number(/\/episodes\/(\d+)$/.exec(res.headers.location)![1]);
    await ctx.db("wards").where({ id: wardId }).update({ retired_at: NOW });
    const edit = await nurse.agent.get(`/episodes/${id}/edit`);
    assert.match(edit.text, new RegExp(`<option value="${wardId}" selected>Ward 5 \\(retired\\)</option>`));
    assert.equal((await nurse.submit(`/episodes/${id}/edit`, episodeForm({ wardId: String(wardId), bed: "3" }))).status, 303);
    assert.equal((await ctx.db("episodes").where({ id }).first()).ward_id, wardId);
    assert.equal((await nurse.submit(`/episodes/${id}/edit`, episodeForm({ wardId: "" }))).status, 303);
    const cleared = await ctx.db("episodes").where({ id }).first();
    assert.equal(cleared.ward_id, null);
    assert.equal(cleared.ward, null);
  });
});
