import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import supertest from "supertest";
import { apiToken, createTestApp, type TestContext } from "../helpers/app.ts";

const NOW = "2026-11-24T10:00:00Z";
const patient = {
  nhsNumber: "450 557 7104",
  familyName: "Ng",
  givenName: "Lin",
  dateOfBirth: "1970-01-31",
  sex: "female",
  email: "lin@example.com",
  emailConsent: true,
  gp: { name: "Moor Surgery", address: "1 Moor Lane", email: "moor@example.nhs.uk" },
};
const episode = {
  presentation: "CES-R",
  mriAt: "2026-11-23T20:00:00+00:00",
  anaesthesiaStartAt: "2026-11-23T23:30:00Z",
  procedure: "laminotomy",
  level: "L4/5",
  ward: "Ward 3 (Spinal)",
  bed: "9",
  consultantSanction: true,
  consentRecorded: true,
};

describe("JSON API: patients and episodes", () => {
  let ctx: TestContext;
  let clinician: string;
  let nurse: string;
  let pas: string;
  before(async () => {
    ctx = await createTestApp({ now: NOW });
    clinician = await apiToken(ctx.db, "clinician");
    nurse = await apiToken(ctx.db, "nurse");
    pas = await apiToken(ctx.db, "admin");
  });
  after(() => ctx.close());

  const post = (url: string, body: unknown, token = pas) =>
    supertest(ctx.app).post(url).set("authorization", `Bearer ${token}`).set("content-type", "application/json").send(JSON.stringify(body));
  const count = async (table: string) => Number((await ctx.db(table).count({ n: "*" }))[0].n);

  /** Sends a body that must be refused with these field errors, and checks nothing was stored. */
  async function refused(url: string, body: unknown, fields: string[]) {
    const before = await Promise.all(["patients", "episodes", "audit_events"].map(count));
    const res = await post(url, body);
    assert.equal(res.status, 400, `${JSON.stringify(body).slice(0, 200)} -> ${res.status} ${JSON.stringify(res.body)}`);
    assert.equal(res.body.code, "validation");
    for (const e of res.body.errors) {
      assert.equal(typeof e.field, "string");
      assert.ok(typeof e.message === "string" && e.message.length > 5);
    }
    assert.deepEqual(res.body.errors.map((e: { field: string }) => e.field).sort(), [...fields].sort(), JSON.stringify(res.body.errors));
    assert.deepEqual(await Promise.all(["patients", "episodes", "audit_events"].map(count)), before, "nothing stored");
    return res.body.errors as { field: string; message: string }[];
  }

  test("POST /patients registers a patient (201 {id}), with an audit row naming the token", async () => {
    const res = await post("/api/v1/patients", patient);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.deepEqual(Object.keys(res.body), ["id"]);
    const row = await ctx.db("patients").where({ id: res.body.id }).first();
    assert.equal(row.nhs_number, "4505577104");
    assert.equal(row.gp_email, "moor@example.nhs.uk");
    const audit = await ctx.db("audit_events").where({ patient_id: res.body.id, action: "register" }).first();
    assert.equal(audit.actor_type, "api");
    assert.match(audit.actor_name, /API token "test admin"/);
    // A clinician token (the EPR) may register too.
    const epr = await post("/api/v1/patients", { ...patient, nhsNumber: "9434765870" }, clinician);
    assert.equal(epr.status, 201, JSON.stringify(epr.body));
  });

  test("the same NHS number again is a 409, however it is spaced", async () => {
    const before = await count("patients");
    const res = await post("/api/v1/patients", { ...patient, nhsNumber: "4505577104", familyName: "Other" });
    assert.equal(res.status, 409);
    assert.equal(res.body.code, "conflict");
    assert.match(res.body.message, /already registered/);
    assert.equal(await count("patients"), before);
  });

  test("a nurse token (a bladder scanner) cannot register patients (403)", async () => {
    const res = await post("/api/v1/patients", { ...patient, nhsNumber: "9000000009" }, nurse);
    assert.equal(res.status, 403);
    assert.equal(res.body.code, "forbidden");
  });

  test("each kind of bad patient field is a 400 naming that field", async () => {
    const url = "/api/v1/patients";
    const { nhsNumber: _n, familyName: _f, givenName: _g, dateOfBirth: _d, sex: _s, ...optional } = patient;
    await refused(url, optional, ["nhsNumber", "familyName", "givenName", "dateOfBirth", "sex"]);
    const [checksum] = await refused(url, { ...patient, nhsNumber: "4505577105" }, ["nhsNumber"]);
    assert.match(checksum.message, /check digit/);
    await refused(url, { ...patient, nhsNumber: "45055771" }, ["nhsNumber"]);
    await refused(url, { ...patient, nhsNumber: 4505577104 }, ["nhsNumber"]);
    await refused(url, { ...patient, familyName: "x".repeat(101) }, ["familyName"]);
    await refused(url, { ...patient, givenName: ["Lin"] }, ["givenName"]);
    await refused(url, { ...patient, dateOfBirth: "1970-02-30" }, ["dateOfBirth"]);
    await refused(url, { ...patient, dateOfBirth: "31/01/1970" }, ["dateOfBirth"]);
    await refused(url, { ...patient, dateOfBirth: "2026-11-25" }, ["dateOfBirth"]);
    await refused(url, { ...patient, sex: "F" }, ["sex"]);
    await refused(url, { ...patient, email: "lin@" }, ["email"]);
    await refused(url, { ...patient, email: null, emailConsent: true }, ["email"]);
    await refused(url, { ...patient, emailConsent: "yes" }, ["emailConsent"]);
    await refused(url, { ...patient, gp: "Moor Surgery" }, ["gp"]);
    await refused(url, { ...patient, gp: { ...patient.gp, email: "no-at-sign" } }, ["gp.email"]);
    await refused(url, { ...patient, gp: { ...patient.gp, name: 42 } }, ["gp.name"]);
    await refused(url, { ...patient, nhs_number: "4505577104" }, ["nhs_number"]);
    await refused(url, [patient], ["body", "nhsNumber", "familyName", "givenName", "dateOfBirth", "sex"]);
  });

  test("POST /patients/:id/episodes registers an episode (201 {id}) with its audit row", async () => {
    const p = await ctx.db("patients").where({ nhs_number: "4505577104" }).first();
    const res = await post(`/api/v1/patients/${p.id}/episodes`, episode, clinician);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const row = await ctx.db("episodes").where({ id: res.body.id }).first();
    assert.equal(row.patient_id, p.id);
    assert.equal(new Date(row.mri_at).toISOString(), "2026-11-23T20:00:00.000Z");
    assert.equal(await ctx.db("audit_events").where({ entity: "episode", entity_id: res.body.id, action: "register" }).first().then(Boolean), true);
    // Offsets other than Z are understood: 01:30 at +02:00 is 23:30 UTC the day before.
    const offset = await post(`/api/v1/patients/${p.id}/episodes`, { ...episode, anaesthesiaStartAt: "2026-11-24T01:30:00+02:00" });
    assert.equal(offset.status, 201);
    const second = await ctx.db("episodes").where({ id: offset.body.id }).first();
    assert.equal(new Date(second.anaesthesia_start_at).toISOString(), "2026-11-23T23:30:00.000Z");
  });

  test("POST /patients/:id/episodes links the ward record and the responsible consultant, by id or by the ward's name", async () => {
    const p = await ctx.db("patients").where({ nhs_number: "4505577104" }).first();
    const ward7 = await ctx.db("wards").where({ name: "Ward 7 (Orthopaedics)" }).first();
    const ward3 = await ctx.db("wards").where({ name: "Ward 3 (Spinal)" }).first();
    const clinicianUser = await ctx.db("users").where({ username: "clinician" }).first();
    const res = await post(`/api/v1/patients/${p.id}/episodes`, { ...episode, ward: undefined, wardId: ward7.id, consultantUserId: clinicianUser.id, surgeon: "Mr A Surgeon" });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const row = await ctx.db("episodes").where({ id: res.body.id }).first();
    assert.deepEqual([row.ward_id, row.ward, row.consultant_user_id, row.surgeon], [ward7.id, "Ward 7 (Orthopaedics)", clinicianUser.id, "Mr A Surgeon"]);
    const audit = await ctx.db("audit_events").where({ entity: "episode", entity_id: res.body.id, action: "register" }).first();
    assert.equal(JSON.parse(audit.after).wardId, ward7.id);
    assert.equal(JSON.parse(audit.after).consultantUserId, clinicianUser.id);

    // A ward's name (trimmed, case ignored) links that ward; no consultant sent, none recorded.
    const byName = await post(`/api/v1/patients/${p.id}/episodes`, { ...episode, ward: " ward 3 (SPINAL)" });
    assert.equal(byName.status, 201, JSON.stringify(byName.body));
    const named = await ctx.db("episodes").where({ id: byName.body.id }).first();
    assert.deepEqual([named.ward_id, named.ward, named.consultant_user_id], [ward3.id, "Ward 3 (Spinal)", null]);

    const shown = await supertest(ctx.app).get(`/api/v1/episodes/${res.body.id}`).set("authorization", `Bearer ${clinician}`);
    assert.deepEqual(shown.body.ward, { id: ward7.id, name: "Ward 7 (Orthopaedics)" });
    assert.deepEqual(shown.body.consultant, { id: clinicianUser.id, name: "Dr Cara Clinician" });
    assert.equal(shown.body.surgeon, "Mr A Surgeon");
  });

  test("an unknown or retired ward, or a consultant who is not an active clinician, is a 400 on that field and stores nothing", async () => {
    const p = await ctx.db("patients").where({ nhs_number: "4505577104" }).first();
    const url = `/api/v1/patients/${p.id}/episodes`;
    const nurseUser = await ctx.db("users").where({ username: "nurse" }).first();
    const adminUser = await ctx.db("users").where({ username: "admin" }).first();
    const [retired] = await ctx.db("wards").insert({ name: "Ward 13 (retired)", retired_at: NOW, created_at: NOW, updated_at: NOW }).returning("id");
    const retiredId = typeof retired === "object" ? (retired as { id: number }).id : (retired as number);
    const [gone] = await ctx.db("users").insert({ username: "gone", display_name: "Ms G Gone", role: "clinician", password_hash: "x", disabled_at: NOW, created_at: NOW, updated_at: NOW }).returning("id");
    const goneId = typeof gone === "object" ? (gone as { id: number }).id : (gone as number);
    await refused(url, { ...episode, wardId: 999999 }, ["wardId"]);
    const [retiredWard] = await refused(url, { ...episode, wardId: retiredId }, ["wardId"]);
    assert.match(retiredWard.message, /retired/);
    await refused(url, { ...episode, ward: "Ward 13 (retired)" }, ["wardId"]);
    const [unlisted] = await refused(url, { ...episode, ward: "Ward 99 (unlisted)" }, ["wardId"]);
    assert.match(unlisted.message, /no ward called "Ward 99 \(unlisted\)"/);
    await refused(url, { ...episode, wardId: "7" }, ["wardId"]);
    await refused(url, { ...episode, consultantUserId: nurseUser.id }, ["consultantUserId"]);
    await refused(url, { ...episode, consultantUserId: adminUser.id }, ["consultantUserId"]);
    await refused(url, { ...episode, consultantUserId: goneId }, ["consultantUserId"]);
    await refused(url, { ...episode, consultantUserId: -1 }, ["consultantUserId"]);
    await refused(url, { ...episode, wardId: 999999, consultantUserId: 999999 }, ["wardId", "consultantUserId"]);
  });

  test("an episode for an unknown patient is a 404", async () => {
    for (const id of ["999999", "abc", "0", "99999999999999999999"]) {
      const res = await post(`/api/v1/patients/${id}/episodes`, episode);
      assert.equal(res.status, 404, id);
      assert.equal(res.body.code, "not-found");
    }
  });

  test("episode times must carry an offset, be real, be in the past, and anaesthesia must follow the MRI", async () => {
    const p = await ctx.db("patients").where({ nhs_number: "4505577104" }).first();
    const url = `/api/v1/patients/${p.id}/episodes`;
    const [noOffset] = await refused(url, { ...episode, mriAt: "2026-11-23T20:00:00" }, ["mriAt"]);
    assert.match(noOffset.message, /with an offset/);
    await refused(url, { ...episode, anaesthesiaStartAt: "2026-11-23 23:30" }, ["anaesthesiaStartAt"]);
    for (const unreal of ["2026-02-30T20:00:00Z", "2026-11-23T24:00:00Z", "2026-11-23T20:60:00Z", "2026-11-23T20:00:61Z", "2026-11-23T20:00:00+25:00", "2026-13-01T20:00:00Z"]) {
      await refused(url, { ...episode, mriAt: unreal }, ["mriAt"]);
    }
    await refused(url, { ...episode, mriAt: 1764000000000 }, ["mriAt"]);
    await refused(url, { ...episode, anaesthesiaStartAt: "2026-11-24T10:30:00Z" }, ["anaesthesiaStartAt"]);
    const [order] = await refused(url, { ...episode, anaesthesiaStartAt: "2026-11-23T19:00:00Z" }, ["anaesthesiaStartAt"]);
    assert.match(order.message, /after the MRI/);
    await refused(url, { ...episode, presentation: "CES" }, ["presentation"]);
    await refused(url, { ...episode, procedure: "fusion" }, ["procedure"]);
    await refused(url, { ...episode, consentRecorded: "true" }, ["consentRecorded"]);
    await refused(url, { ...episode, patientId: 3 }, ["patientId"]);
    await refused(url, {}, ["presentation", "mriAt", "anaesthesiaStartAt", "procedure"]);
  });

  test("GET /openapi.json is an OpenAPI 3 document listing every API route the app declares", async () => {
    const res = await supertest(ctx.app).get("/api/v1/openapi.json");
    assert.equal(res.status, 200);
    assert.match(res.body.openapi, /^3\.\d+\.\d+$/);
    assert.ok(res.body.info.title);
    // The FHIR API (/fhir/R4) is described by its own CapabilityStatement, which the document points to.
    const declared = ctx.app.routeSpecs
      .filter((r) => r.kind === "api" && r.path.startsWith("/api/v1"))
      .map((r) => `${r.method} ${r.path.replace(/^\/api\/v1/, "").replace(/:([A-Za-z0-9_]+)/g, "{$1}")}`);
    const documented = Object.entries(res.body.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
    assert.ok(declared.length >= 3);
    assert.deepEqual([...documented].sort(), [...declared].sort(), "every declared API route is documented, and nothing else");
    for (const [p, ops] of Object.entries(res.body.paths as Record<string, Record<string, { responses?: object }>>)) {
      for (const [m, op] of Object.entries(ops)) assert.ok(op.responses, `${m} ${p} documents its responses`);
    }
  });
});
