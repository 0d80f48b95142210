import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import supertest from "supertest";
import { createTestApp, pageText, signIn, type SignedInAgent, type TestContext } from "../helpers/app.ts";

describe("/reports routes", () => {
  let ctx: TestContext;
  let clinician: SignedInAgent;

  before(async () => {
    ctx = await createTestApp({ now: "2026-12-06T10:00:00Z" });
    clinician = await signIn(ctx.app, "clinician");
  });
  after(() => ctx.close());

  test("a clinician (the service lead) sees the last 12 months by default, with the demo episodes in it", async () => {
    const res = await clinician.agent.get("/reports");
    assert.equal(res.status, 200);
    const text = pageText(res.text);
    assert.match(text, /\d+ episodes with surgery from 7 December 2025 to 6 December 2026/);
    assert.doesNotMatch(text, / 0 episodes with surgery/);
    assert.match(res.text, /name="from-day"[^>]*value="7"/);
    assert.match(res.text.replace(/&#x3D;/g, "="), /href="\/reports\/registry\/bsr.csv\?from-day=7&amp;from-month=12&amp;from-year=2025&amp;to-day=6&amp;to-month=12&amp;to-year=2026"/);
  });

  test("nurses and admins are refused; signed out goes to sign-in", async () => {
    for (const role of ["nurse", "admin"] as const) {
      const user = await signIn(ctx.app, role);
      for (const url of ["/reports", "/reports/twoc.csv", "/reports/registry/bsr.csv"]) {
        assert.equal((await user.agent.get(url)).status, 403, `${role} ${url}`);
      }
    }
    const anonymous = await supertest(ctx.app).get("/reports/twoc.csv").redirects(0);
    assert.equal(anonymous.status, 303);
  });

  test("a period that is not one answers 400 with an error summary and keeps what was typed", async () => {
    const cases: [string, RegExp][] = [
      ["from-day=31&from-month=2&from-year=2026&to-day=1&to-month=3&to-year=2026", /Start date must be a real date/],
      ["from-day=1&from-month=3&from-year=2026&to-day=1&to-month=1&to-year=2026", /End date must be the same as or after the start date/],
      ["from-day=1&from-month=3&from-year=2026", /Enter end date/],
      ["from-day=x&from-month=3&from-year=2026&to-day=1&to-month=1&to-year=2027", /Start date must be a real date/],
      ["from-day=1&from-month=1&from-year=2000&to-day=1&to-month=1&to-year=2026", /Choose a period of 5 years or less/],
      ["from-day[]=1&from-month=1&from-year=2026&to-day=1&to-month=2&to-year=2026", /Start date must be a real date/],
    ];
    for (const [query, message] of cases) {
      const res = await clinician.agent.get(`/reports?${query}`);
      assert.equal(res.status, 400, query);
      assert.equal(res.text.match(/class="nhsuk-error-summary"/g)?.length, 1, `one error summary: ${query}`);
      assert.match(pageText(res.text), message, query);
      assert.doesNotMatch(res.text, /app-report-chart/);
    }
    const kept = await clinician.agent.get("/reports?from-day=31&from-month=2&from-year=2026&to-day=1&to-month=3&to-year=2026");
    assert.match(kept.text, /name="from-day"[^>]*value="31"/);
    const csv = await clinician.agent.get("/reports/twoc.csv?from-day=31&from-month=2&from-year=2026&to-day=1&to-month=3&to-year=2026");
    assert.equal(csv.status, 400);
  });

  test("a period of over 10,000 episodes imported in bulk (no kept answers yet) is classified on first reading, in batches, and served", async () => {
    const at = "2020-06-01T10:00:00.000Z";
    const [patient] = await ctx.db("patients").insert({ nhs_number: "9434765129", family_name: "Many", given_name: "Episodes", date_of_birth: "1970-01-01", sex: "female", email_consent: false, search_name: "many episodes", created_at: at, updated_at: at }).returning("id");
    const patientId = typeof patient === "object" ? (patient as { id: number }).id : (patient as number);
    const rows = Array.from({ length: 10_001 }, () => ({ patient_id: patientId, presentation: "CES-I", mri_at: "2020-06-01T06:00:00.000Z", anaesthesia_start_at: at, procedure: "laminotomy", created_at: at, updated_at: at }));
    await ctx.db.batchInsert("episodes", rows, 500);
    const kept = async () => Number(((await ctx.db("episode_report_facts as f").join("episodes as e", "e.id", "f.episode_id").where("e.patient_id", patientId).count({ n: "*" }).first()) as { n: number | string }).n);
    assert.equal(await kept(), 0);
    const query = "from-day=1&from-month=6&from-year=2020&to-day=30&to-month=6&to-year=2020";
    const res = await clinician.agent.get(`/reports?${query}`);
    assert.equal(res.status, 200);
    assert.match(pageText(res.text), /10001 episodes with surgery from 1 June 2020 to 30 June 2020/);
    assert.match(pageText(res.text), /All hospitals 10001 4 h none 0 0/);
    assert.equal(await kept(), 10_001);
    const csv = await clinician.agent.get(`/reports/twoc.csv?${query}`);
    assert.equal(csv.status, 200);
    assert.equal(csv.text.replace(/^\uFEFF/, "").trimEnd().split("\r\n").length, 10_002);
  });

  test("a record the rule engine cannot read (surgery before the MRI, written by another system) is listed for correction, not a 500", async () => {
    const at = "2019-03-01T10:00:00.000Z";
    const [patient] = await ctx.db("patients").insert({ nhs_number: "9434765218", family_name: "Odd", given_name: "Record", date_of_birth: "1970-01-01", sex: "male", email_consent: false, search_name: "odd record", created_at: at, updated_at: at }).returning("id");
    const patientId = typeof patient === "object" ? (patient as { id: number }).id : (patient as number);
    const [episode] = await ctx.db("episodes").insert({ patient_id: patientId, presentation: "CES-R", mri_at: "2019-03-01T12:00:00.000Z", anaesthesia_start_at: at, procedure: "laminotomy", hospital: "Elsewhere", created_at: at, updated_at: at }).returning("id");
    const episodeId = typeof episode === "object" ? (episode as { id: number }).id : (episode as number);
    const query = "from-day=1&from-month=3&from-year=2019&to-day=31&to-month=3&to-year=2019";
    const res = await clinician.agent.get(`/reports?${query}`);
    assert.equal(res.status, 200);
    const text = pageText(res.text);
    assert.match(text, /0 episodes with surgery from 1 March 2019/);
    assert.match(text, new RegExp(`1 episode left out .* Episode ${episodeId} ?: anaesthesiaStartAt is before mriAt`));
    const csv = await clinician.agent.get(`/reports/twoc.csv?${query}`);
    assert.equal(csv.text.replace(/^\uFEFF/, "").trimEnd().split("\r\n").length, 1);
  });

  test("an unknown report's CSV is a 404", async () => {
    assert.equal((await clinician.agent.get("/reports/nothing.csv")).status, 404);
  });
});
