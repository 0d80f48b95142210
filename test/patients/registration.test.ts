import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import supertest from "supertest";
import { apiToken, createTestApp, hiddenFields, pageText, signIn, type SignedInAgent, type TestContext } from "../helpers/app.ts";

const validPatient = {
  nhsNumber: "450 557 7104",
  familyName: "O'Brien-Smith",
  givenName: "Mary",
  "dateOfBirth-day": "31",
  "dateOfBirth-month": "1",
  "dateOfBirth-year": "1970",
  sex: "female",
  email: "",
  emailConsent: "no",
  gpName: "Moor Surgery",
  gpAddress: "1 Moor Lane",
  gpEmail: "moor@example.nhs.uk",
};

describe("registering a patient from the form", () => {
  let ctx: TestContext;
  let nurse: SignedInAgent;
  before(async () => {
    ctx = await createTestApp();
    nurse = await signIn(ctx.app, "nurse");
  });
  after(() => ctx.close());

  test("a wrong NHS number re-renders the form with an error summary and stores nothing", async () => {
    const before = await ctx.db("patients").count({ n: "*" });
    const res = await nurse.submit("/patients", { ...validPatient, nhsNumber: "4505577105" });
    assert.equal(res.status, 400);
    const text = pageText(res.text);
    assert.match(text, /There is a problem/);
    assert.match(text, /NHS number is not valid/);
    assert.match(res.text, /value="O&#x27;Brien-Smith"/, "typed values are kept");
    assert.deepEqual(await ctx.db("patients").count({ n: "*" }), before);
  });

  test("a valid patient is stored, shown as 3-3-4 digits, and audited in the same transaction", async () => {
    const res = await nurse.submit("/patients", validPatient);
    assert.equal(res.status, 303, pageText(res.text).slice(0, 600));
    const page = await nurse.agent.get(res.headers.location);
    assert.equal(page.status, 200);
    assert.match(pageText(page.text), /450 557 7104/);
    assert.match(pageText(page.text), /O'Brien-Smith, Mary/);
    const patient = await ctx.db("patients").where({ nhs_number: "4505577104" }).first();
    const audit = await ctx.db("audit_events").where({ patient_id: patient.id, action: "register" });
    assert.equal(audit.length, 1);
    assert.match(audit[0].actor_name, /nurse/);
    assert.equal(JSON.parse(audit[0].after).familyName, "O'Brien-Smith");
  });

  test("the same NHS number twice is refused with a message", async () => {
    const res = await nurse.submit("/patients", validPatient);
    assert.equal(res.status, 400);
    assert.match(pageText(res.text), /already registered/);
  });

  test("search finds the patient by NHS number with spaces and by family name", async () => {
    for (const q of ["450 557", "o'brien", "Mary"]) {
      const res = await nurse.agent.get(`/patients?q=${encodeURIComponent(q)}`);
      assert.match(pageText(res.text), /O'Brien-Smith, Mary/, `search for ${q}`);
    }
    const none = await nurse.agent.get("/patients?q=zzzz");
    assert.doesNotMatch(pageText(none.text), /O'Brien-Smith/);
  });

  test("search reads names as staff type them: any part of a hyphenated or apostrophe name, with or without accents", async () => {
    const zoe = await nurse.submit("/patients", { ...validPatient, nhsNumber: "4505577112", familyName: "Ó'Brien-Smith", givenName: "Zoë" });
    assert.equal(zoe.status, 303, pageText(zoe.text ?? "").slice(0, 400));
    for (const q of ["brien", "obrien", "O'Brien", "o\u2019brien", "smith", "zoe", "Zoë", "Ó'Brien-Smith, Zoë", "OBRIEN-SMITH ZOE"]) {
      const res = await nurse.agent.get(`/patients?q=${encodeURIComponent(q)}`);
      assert.match(pageText(res.text), /Ó'Brien-Smith, Zoë/, `search for ${q}`);
    }
    for (const q of ["%", "_", "rien", "zoey"]) {
      const res = await nurse.agent.get(`/patients?q=${encodeURIComponent(q)}`);
      assert.doesNotMatch(pageText(res.text), /Ó'Brien-Smith, Zoë/, `search for ${q} finds nothing`);
    }
  });

  test("a correction keeps the previous value in the audit trail", async () => {
    const patient = await ctx.db("patients").where({ nhs_number: "4505577104" }).first();
    const res = await nurse.submit(`/patients/${patient.id}/edit`, { ...validPatient, givenName: "Maria" });
    assert.equal(res.status, 303);
    const audit = await nurse.agent.get(`/patients/${patient.id}/audit`);
    const text = pageText(audit.text);
    assert.match(text, /corrected the patient's details \(patient details\) Given name : Mary → Maria/);
  });
});

describe("names that could make two patients look identical", () => {
  let ctx: TestContext;
  let nurse: SignedInAgent;
  before(async () => {
    ctx = await createTestApp();
    nurse = await signIn(ctx.app, "nurse");
  });
  after(() => ctx.close());

  const refused: [string, string][] = [
    ["right-to-left override", "Smith\u202Enhoj"],
    ["left-to-right isolate", "\u2066Smith\u2069"],
    ["zero-width space", "Sm\u200Bith"],
    ["zero-width joiner", "Smi\u200Dth"],
    ["right-to-left mark", "Smith\u200F"],
    ["byte-order mark", "\uFEFFSmith"],
    ["line break", "Smith\nJones"],
  ];
  for (const [what, familyName] of refused) {
    test(`a family name with a ${what} is refused with a message and stores nothing`, async () => {
      const before = await ctx.db("patients").count({ n: "*" });
      const res = await nurse.submit("/patients", { ...validPatient, nhsNumber: "4505577104", familyName });
      assert.equal(res.status, 400);
      assert.match(pageText(res.text), /Family name must (not contain invisible or text-direction characters|be on one line)/);
      assert.deepEqual(await ctx.db("patients").count({ n: "*" }), before);
    });
  }

  test("the API refuses a given name with a zero-width space as a field error", async () => {
    const token = await apiToken(ctx.db, "admin");
    const res = await supertest(ctx.app).post("/api/v1/patients").set("authorization", `Bearer ${token}`).send({
      nhsNumber: "4505577104", familyName: "Smith", givenName: "Jo\u200Bhn", dateOfBirth: "1970-01-31", sex: "male", emailConsent: false,
    });
    assert.equal(res.status, 400);
    assert.match(JSON.stringify(res.body), /givenName/);
    assert.match(JSON.stringify(res.body), /invisible or text-direction/);
  });

  test("a name typed with a combining accent is stored composed (NFC), so it matches the same name typed precomposed", async () => {
    const res = await nurse.submit("/patients", { ...validPatient, nhsNumber: "4505577104", familyName: "Rene\u0301e", givenName: "Zoe\u0308" });
    assert.equal(res.status, 303, pageText(res.text ?? "").slice(0, 400));
    const patient = await ctx.db("patients").where({ nhs_number: "4505577104" }).first();
    assert.equal(patient.family_name, "Ren\u00E9e");
    assert.equal(patient.given_name, "Zo\u00EB");
  });

  test("a bed with a line break is refused on the episode form", async () => {
    const patient = await ctx.db("patients").where({ nhs_number: "4505577104" }).first();
    const page = await nurse.agent.get(`/patients/${patient.id}/episodes/new`);
    assert.equal(page.status, 200);
    const form = hiddenFields(page.text, `/patients/${patient.id}/episodes`);
    const res = await nurse.submit(`/patients/${patient.id}/episodes`, { ...form, bed: "4\r\nSide room" });
    assert.equal(res.status, 400);
    assert.match(pageText(res.text), /Bed must be on one line/);
  });
});
