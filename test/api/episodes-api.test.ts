import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import supertest from "supertest";
import type { Episode } from "../../src/patients/model.ts";
import { apiToken, createTestApp, type TestContext } from "../helpers/app.ts";
import { newEpisode } from "../ward/helpers.ts";

const NOW = "2026-11-24T10:00:00Z";

describe("JSON API: finding patients, reading and correcting episodes, discharge, reminders", () => {
  let ctx: TestContext;
  const tokens = {} as Record<"nurse" | "clinician" | "admin", string>;
  let episode: Episode;
  let nhsNumber: string;
  before(async () => {
    ctx = await createTestApp({ now: NOW });
    for (const role of ["nurse", "clinician", "admin"] as const) tokens[role] = await apiToken(ctx.db, role);
    episode = await newEpisode(ctx.db, { now: NOW, ward: "Ward 3 (Spinal)", familyName: "Apitest" });
    nhsNumber = (await ctx.db("patients").where({ id: episode.patientId }).first()).nhs_number;
  });
  after(() => ctx.close());

  const call = (method: "get" | "post" | "patch", url: string, token?: string, body?: unknown) => {
    const req = supertest(ctx.app)[method](url);
    if (token) req.set("authorization", `Bearer ${token}`);
    if (body === undefined) return req;
    return req.set("content-type", "application/json").send(JSON.stringify(body));
  };
  const count = async (table: string) => Number((await ctx.db(table).count({ n: "*" }))[0].n);
  const fields = (body: { errors: { field: string }[] }) => body.errors.map((e) => e.field).sort();

  /** 401 without a token, 403 for each role not allowed, 404 for an unknown or malformed id. */
  async function locked(method: "get" | "post" | "patch", url: (id: string) => string, refusedRoles: ("nurse" | "clinician" | "admin")[], body?: unknown) {
    const none = await call(method, url(String(episode.id)), undefined, body);
    assert.equal(none.status, 401);
    assert.equal(none.body.code, "unauthorised");
    for (const role of refusedRoles) {
      const res = await call(method, url(String(episode.id)), tokens[role], body);
      assert.equal(res.status, 403, `${method} ${url("id")} as ${role}`);
      assert.equal(res.body.code, "forbidden");
    }
  }
  async function notFound(method: "get" | "post" | "patch", url: (id: string) => string, token: string, body?: unknown) {
    for (const id of ["999999", "abc", "0", "99999999999999999999"]) {
      const res = await call(method, url(id), token, body);
      assert.equal(res.status, 404, `${method} ${url(id)}`);
      assert.equal(res.body.code, "not-found");
    }
  }

  test("GET /patients?nhsNumber= finds the patient, with spaces or without; an unknown number is an empty list", async () => {
    await locked("get", () => `/api/v1/patients?nhsNumber=${nhsNumber}`, []);
    const spaced = `${nhsNumber.slice(0, 3)} ${nhsNumber.slice(3, 6)} ${nhsNumber.slice(6)}`;
    for (const role of ["nurse", "clinician", "admin"] as const) {
      const res = await call("get", `/api/v1/patients?nhsNumber=${encodeURIComponent(spaced)}`, tokens[role]);
      assert.equal(res.status, 200, role);
      assert.equal(res.body.length, 1);
      assert.equal(res.body[0].id, episode.patientId);
      assert.equal(res.body[0].familyName, "Apitest");
      assert.deepEqual(res.body[0].episodes.map((e: { id: number }) => e.id), [episode.id]);
      assert.equal(res.body[0].episodes[0].dischargedAt, null);
      assert.equal(res.body[0].email, undefined, "only what identifies the patient");
    }
    const unknown = await call("get", "/api/v1/patients?nhsNumber=9434765870", tokens.nurse);
    assert.equal(unknown.status, 200);
    assert.deepEqual(unknown.body, []);
  });

  test("GET /patients refuses a missing, malformed or wrong-check-digit NHS number, and unknown parameters (400)", async () => {
    const cases: [string, string[]][] = [
      ["", ["nhsNumber"]],
      ["?nhsNumber=", ["nhsNumber"]],
      ["?nhsNumber=12345", ["nhsNumber"]],
      [`?nhsNumber=${nhsNumber.slice(0, 9)}${(Number(nhsNumber[9]) + 1) % 10}`, ["nhsNumber"]],
      [`?nhsNumber=${nhsNumber}&nhsNumber=${nhsNumber}`, ["nhsNumber"]],
      [`?nhs_number=${nhsNumber}`, ["nhsNumber", "nhs_number"]],
    ];
    for (const [query, expected] of cases) {
      const res = await call("get", `/api/v1/patients${query}`, tokens.clinician);
      assert.equal(res.status, 400, query);
      assert.equal(res.body.code, "validation");
      assert.deepEqual(fields(res.body), expected, query);
    }
    const checksum = await call("get", `/api/v1/patients?nhsNumber=${nhsNumber.slice(0, 9)}${(Number(nhsNumber[9]) + 1) % 10}`, tokens.clinician);
    assert.match(checksum.body.errors[0].message, /check digit/);
  });

  test("GET /episodes/:id shows the record, ward, consultant, discharge and the current decisions", async () => {
    await locked("get", (id) => `/api/v1/episodes/${id}`, ["admin"]);
    await notFound("get", (id) => `/api/v1/episodes/${id}`, tokens.nurse);
    await ctx.db("episodes").where({ id: episode.id }).update({ surgeon: "Ms B Surgeon" });
    const res = await call("get", `/api/v1/episodes/${episode.id}`, tokens.nurse);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.id, episode.id);
    assert.equal(res.body.patientId, episode.patientId);
    const ward3 = await ctx.db("wards").where({ name: "Ward 3 (Spinal)" }).first();
    assert.deepEqual(res.body.ward, { id: ward3.id, name: "Ward 3 (Spinal)" }, "the ward record");
    assert.equal(res.body.surgeon, "Ms B Surgeon", "the surgeon's name is its own field");
    assert.equal(res.body.consultant, null, "no responsible consultant recorded");
    assert.equal(res.body.wardId, undefined);
    assert.equal(res.body.consultantUserId, undefined);
    assert.equal(res.body.procedure, "laminotomy");
    assert.equal(res.body.discharge, null);
    assert.equal(res.body.decisions.twoc.status, "not-started");
    assert.equal(res.body.decisions.painPhase, "acute");
    assert.match(res.body.decisions.chronicFrom, /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(typeof res.body.decisions.sciReferral.indicated, "boolean");
  });

  test("GET /episodes/:id shows the consultant's account and the ward record's name as they are now; an unlinked ward as its text", async () => {
    const clinicianUser = await ctx.db("users").where({ username: "clinician" }).first();
    const other = await newEpisode(ctx.db, { now: NOW, ward: "Ward 8 (Renal)" });
    await ctx.db("episodes").where({ id: other.id }).update({ consultant_user_id: clinicianUser.id, surgeon: "Mr A Surgeon" });
    await ctx.db("wards").where({ id: other.wardId! }).update({ name: "Ward 8 (Renal and Urology)" });
    const res = await call("get", `/api/v1/episodes/${other.id}`, tokens.clinician);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.consultant, { id: clinicianUser.id, name: "Dr Cara Clinician" });
    assert.equal(res.body.surgeon, "Mr A Surgeon");
    assert.deepEqual(res.body.ward, { id: other.wardId, name: "Ward 8 (Renal and Urology)" }, "the ward's name now, not the text written then");
    const found = await call("get", `/api/v1/patients?nhsNumber=${(await ctx.db("patients").where({ id: other.patientId }).first()).nhs_number}`, tokens.nurse);
    assert.equal(found.body[0].episodes[0].ward, "Ward 8 (Renal and Urology)");

    await ctx.db("episodes").where({ id: other.id }).update({ ward_id: null, ward: "Ward 9 (old text)" });
    assert.deepEqual((await call("get", `/api/v1/episodes/${other.id}`, tokens.nurse)).body.ward, { id: null, name: "Ward 9 (old text)" });
    await ctx.db("episodes").where({ id: other.id }).update({ ward: null });
    assert.equal((await call("get", `/api/v1/episodes/${other.id}`, tokens.nurse)).body.ward, null);
  });

  test("PATCH /episodes/:id corrects the record; the audit row keeps the previous values", async () => {
    const body = { bed: "12", level: "L5/S1" };
    await locked("patch", (id) => `/api/v1/episodes/${id}`, ["nurse"], body);
    await notFound("patch", (id) => `/api/v1/episodes/${id}`, tokens.clinician, body);
    const res = await call("patch", `/api/v1/episodes/${episode.id}`, tokens.clinician, body);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.bed, "12");
    assert.equal(res.body.level, "L5/S1");
    assert.equal(res.body.ward.name, "Ward 3 (Spinal)", "fields not sent are kept");
    assert.equal(res.body.ward.id, episode.wardId);
    const row = await ctx.db("episodes").where({ id: episode.id }).first();
    assert.equal(row.bed, "12");
    assert.equal(row.level, "L5/S1");
    const audit = await ctx.db("audit_events").where({ entity: "episode", entity_id: episode.id, action: "correct" });
    assert.equal(audit.length, 1);
    assert.equal(audit[0].actor_type, "api");
    assert.equal(JSON.parse(audit[0].before).bed, "1");
    assert.equal(JSON.parse(audit[0].before).level, "L4/5");
    assert.equal(JSON.parse(audit[0].after).bed, "12");
    assert.equal(JSON.parse(audit[0].after).surgeon, "Ms B Surgeon");
    // null clears an optional field; the PAS (admin token) may correct too.
    const cleared = await call("patch", `/api/v1/episodes/${episode.id}`, tokens.admin, { level: null });
    assert.equal(cleared.status, 200);
    assert.equal(cleared.body.level, null);
    assert.equal(cleared.body.decisions, undefined, "an admin token (the PAS) is not shown the clinical decisions it may not GET");
    // The same values again store nothing new.
    const audits = await count("audit_events");
    const same = await call("patch", `/api/v1/episodes/${episode.id}`, tokens.clinician, { bed: "12" });
    assert.equal(same.status, 200);
    assert.equal(await count("audit_events"), audits);
  });

  test("PATCH sets, keeps and clears the ward record and the responsible consultant", async () => {
    const e = await newEpisode(ctx.db, { now: NOW, ward: "Ward 3 (Spinal)" });
    const url = `/api/v1/episodes/${e.id}`;
    const ward7 = await ctx.db("wards").where({ name: "Ward 7 (Orthopaedics)" }).first();
    const clinicianUser = await ctx.db("users").where({ username: "clinician" }).first();

    const moved = await call("patch", url, tokens.clinician, { wardId: ward7.id, consultantUserId: clinicianUser.id });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.deepEqual(moved.body.ward, { id: ward7.id, name: "Ward 7 (Orthopaedics)" });
    assert.deepEqual(moved.body.consultant, { id: clinicianUser.id, name: "Dr Cara Clinician" });
    let row = await ctx.db("episodes").where({ id: e.id }).first();
    assert.deepEqual([row.ward_id, row.ward, row.consultant_user_id], [ward7.id, "Ward 7 (Orthopaedics)", clinicianUser.id]);
    const audit = await ctx.db("audit_events").where({ entity: "episode", entity_id: e.id, action: "correct" });
    assert.equal(audit.length, 1);
    assert.equal(JSON.parse(audit[0].before).wardId, e.wardId);
    assert.equal(JSON.parse(audit[0].after).wardId, ward7.id);
    assert.equal(JSON.parse(audit[0].after).consultantUserId, clinicianUser.id);

    // Not sent: both stay, and an unchanged patch stores nothing.
    const audits = await count("audit_events");
    const kept = await call("patch", url, tokens.clinician, { bed: "1" });
    assert.equal(kept.status, 200, JSON.stringify(kept.body));
    assert.deepEqual([kept.body.ward.id, kept.body.consultant.id], [ward7.id, clinicianUser.id]);
    assert.equal(await count("audit_events"), audits);

    // A ward's name as ward links that ward.
    const byName = await call("patch", url, tokens.admin, { ward: "  ward 3 (spinal) " });
    assert.equal(byName.status, 200, JSON.stringify(byName.body));
    assert.deepEqual(byName.body.ward, { id: e.wardId, name: "Ward 3 (Spinal)" });

    // null clears.
    const cleared = await call("patch", url, tokens.clinician, { wardId: null, consultantUserId: null });
    assert.equal(cleared.status, 200, JSON.stringify(cleared.body));
    assert.equal(cleared.body.ward, null);
    assert.equal(cleared.body.consultant, null);
    row = await ctx.db("episodes").where({ id: e.id }).first();
    assert.deepEqual([row.ward_id, row.ward, row.consultant_user_id], [null, null, null]);
  });

  test("PATCH keeps the episode's own ward and consultant after they are retired or disabled, and an unlinked ward text", async () => {
    const e = await newEpisode(ctx.db, { now: NOW, ward: "Ward 12 (to retire)" });
    const url = `/api/v1/episodes/${e.id}`;
    const retiring = await ctx.db("users").insert({ username: "retiring", display_name: "Mr R Retiring", role: "clinician", password_hash: "x", created_at: NOW, updated_at: NOW }).returning("id");
    const retiringId = typeof retiring[0] === "object" ? (retiring[0] as { id: number }).id : (retiring[0] as number);
    assert.equal((await call("patch", url, tokens.clinician, { consultantUserId: retiringId })).status, 200);
    await ctx.db("wards").where({ id: e.wardId! }).update({ retired_at: NOW });
    await ctx.db("users").where({ id: retiringId }).update({ disabled_at: NOW });
    const res = await call("patch", url, tokens.clinician, { bed: "4" });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual([res.body.bed, res.body.ward.id, res.body.consultant.id], ["4", e.wardId, retiringId]);

    // Text written by another system, naming no ward: kept as it is by a patch that does not send the ward.
    await ctx.db("episodes").where({ id: e.id }).update({ ward_id: null, ward: "Ward 99 (unlisted)" });
    const unlinked = await call("patch", url, tokens.clinician, { bed: "5" });
    assert.equal(unlinked.status, 200, JSON.stringify(unlinked.body));
    assert.deepEqual(unlinked.body.ward, { id: null, name: "Ward 99 (unlisted)" });
    const row = await ctx.db("episodes").where({ id: e.id }).first();
    assert.deepEqual([row.bed, row.ward, row.ward_id], ["5", "Ward 99 (unlisted)", null]);
  });

  test("PATCH refuses an unknown or retired ward and a consultant who is not an active clinician (400) and stores nothing", async () => {
    const e = await newEpisode(ctx.db, { now: NOW, ward: "Ward 3 (Spinal)" });
    const url = `/api/v1/episodes/${e.id}`;
    const nurseUser = await ctx.db("users").where({ username: "nurse" }).first();
    const [retired] = await ctx.db("wards").insert({ name: "Ward 13 (retired)", retired_at: NOW, created_at: NOW, updated_at: NOW }).returning("id");
    const retiredId = typeof retired === "object" ? (retired as { id: number }).id : (retired as number);
    const [gone] = await ctx.db("users").insert({ username: "gone", display_name: "Ms G Gone", role: "clinician", password_hash: "x", disabled_at: NOW, created_at: NOW, updated_at: NOW }).returning("id");
    const goneId = typeof gone === "object" ? (gone as { id: number }).id : (gone as number);
    const before = await ctx.db("episodes").where({ id: e.id }).first();
    const audits = await count("audit_events");
    const cases: [unknown, string[]][] = [
      [{ wardId: 999999 }, ["wardId"]],
      [{ wardId: retiredId }, ["wardId"]],
      [{ wardId: "3" }, ["wardId"]],
      [{ ward: "Ward 99 (unlisted)" }, ["wardId"]],
      [{ ward: "Ward 13 (retired)" }, ["wardId"]],
      [{ consultantUserId: nurseUser.id }, ["consultantUserId"]],
      [{ consultantUserId: goneId }, ["consultantUserId"]],
      [{ consultantUserId: 0 }, ["consultantUserId"]],
      [{ wardId: 999999, consultantUserId: nurseUser.id, bed: "2" }, ["consultantUserId", "wardId"]],
    ];
    for (const [body, expected] of cases) {
      const res = await call("patch", url, tokens.clinician, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.code, "validation");
      assert.deepEqual(fields(res.body), expected, JSON.stringify(body));
    }
    assert.deepEqual(await ctx.db("episodes").where({ id: e.id }).first(), before, "nothing stored");
    assert.equal(await count("audit_events"), audits);
  });

  test("PATCH refuses invalid corrections with field errors (the registration rules on the whole record) and stores nothing", async () => {
    const url = `/api/v1/episodes/${episode.id}`;
    const before = await ctx.db("episodes").where({ id: episode.id }).first();
    const audits = await count("audit_events");
    const cases: [unknown, string[]][] = [
      [{}, ["body"]],
      [[{ bed: "3" }], ["body"]],
      [{ patientId: 4 }, ["patientId"]],
      [{ procedure: "fusion" }, ["procedure"]],
      [{ presentation: null }, ["presentation"]],
      [{ mriAt: "2026-11-24T01:00:00" }, ["mriAt"]],
      [{ anaesthesiaStartAt: "2026-11-24T11:00:00Z" }, ["anaesthesiaStartAt"]],
      [{ anaesthesiaStartAt: "2026-11-23T09:00:00Z" }, ["anaesthesiaStartAt"]],
      [{ consentRecorded: "yes" }, ["consentRecorded"]],
      [{ bed: "x".repeat(41), ward: 3 }, ["bed", "ward"]],
    ];
    for (const [body, expected] of cases) {
      const res = await call("patch", url, tokens.clinician, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.code, "validation");
      assert.deepEqual(fields(res.body), expected, JSON.stringify(body));
    }
    const order = await call("patch", url, tokens.clinician, { anaesthesiaStartAt: "2026-11-23T09:00:00Z" });
    assert.match(order.body.errors[0].message, /after the MRI/);
    assert.deepEqual(await ctx.db("episodes").where({ id: episode.id }).first(), before, "nothing stored");
    assert.equal(await count("audit_events"), audits);
  });

  test("POST /episodes/:id/discharge records it; the episode then shows it; the same again is 200, a different one 409", async () => {
    const discharge = { dischargedAt: "2026-11-24T09:30:00Z", destination: "Home", catheterStatus: "isc" };
    await locked("post", (id) => `/api/v1/episodes/${id}/discharge`, ["nurse"], discharge);
    await notFound("post", (id) => `/api/v1/episodes/${id}/discharge`, tokens.clinician, discharge);
    const res = await call("post", `/api/v1/episodes/${episode.id}/discharge`, tokens.clinician, discharge);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.deepEqual(res.body, { id: episode.id, discharge: { ...discharge, dischargedAt: "2026-11-24T09:30:00.000Z" } });
    const shown = await call("get", `/api/v1/episodes/${episode.id}`, tokens.nurse);
    assert.deepEqual(shown.body.discharge, { ...discharge, dischargedAt: "2026-11-24T09:30:00.000Z" });
    const audit = await ctx.db("audit_events").where({ entity: "episode", entity_id: episode.id, action: "discharge" });
    assert.equal(audit.length, 1);
    const found = await call("get", `/api/v1/patients?nhsNumber=${nhsNumber}`, tokens.nurse);
    assert.equal(found.body[0].episodes[0].dischargedAt, "2026-11-24T09:30:00.000Z");

    const audits = await count("audit_events");
    const again = await call("post", `/api/v1/episodes/${episode.id}/discharge`, tokens.admin, { ...discharge, dischargedAt: "2026-11-24T09:30:00+00:00" });
    assert.equal(again.status, 200, "a resent discharge message stores nothing new");
    assert.equal(await count("audit_events"), audits);
    const different = await call("post", `/api/v1/episodes/${episode.id}/discharge`, tokens.clinician, { ...discharge, destination: "Rehabilitation unit" });
    assert.equal(different.status, 409);
    assert.equal(different.body.code, "conflict");
    assert.match(different.body.message, /already recorded/);
    assert.equal((await ctx.db("episodes").where({ id: episode.id }).first()).discharge_destination, "Home");
    assert.equal(await count("audit_events"), audits);
  });

  test("POST /episodes/:id/discharge refuses what the discharge form refuses (400) and stores nothing", async () => {
    const other = await newEpisode(ctx.db, { now: NOW });
    const url = `/api/v1/episodes/${other.id}/discharge`;
    const ok = { dischargedAt: "2026-11-24T09:30:00Z", destination: "Home", catheterStatus: "none" };
    const cases: [unknown, string[]][] = [
      [{}, ["catheterStatus", "destination", "dischargedAt"]],
      [{ ...ok, dischargedAt: "2026-11-24T11:00:00Z" }, ["dischargedAt"]],
      [{ ...ok, dischargedAt: "2026-11-23T12:00:00Z" }, ["dischargedAt"]],
      [{ ...ok, dischargedAt: "24/11/2026 09:30" }, ["dischargedAt"]],
      [{ ...ok, destination: "" }, ["destination"]],
      [{ ...ok, catheterStatus: "bag" }, ["catheterStatus"]],
      [{ ...ok, note: "hi" }, ["note"]],
    ];
    for (const [body, expected] of cases) {
      const res = await call("post", url, tokens.clinician, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.deepEqual(fields(res.body), expected, JSON.stringify(body));
    }
    const future = await call("post", url, tokens.clinician, { ...ok, dischargedAt: "2026-11-24T11:00:00Z" });
    assert.match(future.body.errors[0].message, /future/);
    assert.equal((await ctx.db("episodes").where({ id: other.id }).first()).discharged_at, null);
  });

  test("GET /episodes/:id/reminders lists the episode's reminders with kind, audience, channel, due time, status and rules", async () => {
    await locked("get", (id) => `/api/v1/episodes/${id}/reminders`, ["admin"]);
    await notFound("get", (id) => `/api/v1/episodes/${id}/reminders`, tokens.nurse);
    const ward = await newEpisode(ctx.db, { now: NOW });
    const empty = await call("get", `/api/v1/episodes/${ward.id}/reminders`, tokens.nurse);
    assert.equal(empty.status, 200);
    const removal = await call("post", `/api/v1/episodes/${ward.id}/bladder-events`, tokens.nurse, { type: "catheter-removed", at: "2026-11-24T08:00:00Z" });
    assert.equal(removal.status, 201, JSON.stringify(removal.body));
    const res = await call("get", `/api/v1/episodes/${ward.id}/reminders`, tokens.clinician);
    assert.equal(res.status, 200);
    const u4 = res.body.find((r: { kind: string }) => r.kind === "twoc-no-void-deadline");
    assert.ok(u4, JSON.stringify(res.body));
    assert.deepEqual(Object.keys(u4).sort(), ["audience", "channel", "dueAt", "kind", "rules", "status"]);
    assert.ok(u4.rules.includes("U4"), JSON.stringify(u4));
    assert.equal(u4.dueAt, "2026-11-24T14:00:00.000Z", "due at the U4 deadline, six hours after the removal");
    assert.equal(u4.status, "scheduled");
    const rows = await ctx.db("reminders").where({ episode_id: ward.id });
    assert.equal(res.body.length, rows.length, "every reminder row of the episode, whatever its status");
    for (let i = 1; i < res.body.length; i += 1) assert.ok(res.body[i - 1].dueAt <= res.body[i].dueAt, "in due order");
  });

  test("the new endpoints are in the OpenAPI document with their error responses", async () => {
    const doc = (await supertest(ctx.app).get("/api/v1/openapi.json")).body;
    const want: [string, string, string[]][] = [
      ["/patients", "get", ["200", "400", "401", "403"]],
      ["/episodes/{episodeId}", "get", ["200", "401", "403", "404"]],
      ["/episodes/{episodeId}", "patch", ["200", "400", "401", "403", "404"]],
      ["/episodes/{episodeId}/discharge", "post", ["201", "200", "400", "401", "403", "404", "409"]],
      ["/episodes/{episodeId}/reminders", "get", ["200", "401", "403", "404"]],
    ];
    for (const [path, method, codes] of want) {
      const op = doc.paths[path]?.[method];
      assert.ok(op, `${method} ${path} documented`);
      for (const code of codes) assert.ok(op.responses[code], `${method} ${path} documents ${code}`);
    }
    for (const [path, method] of [["/patients/{patientId}/episodes", "post"], ["/episodes/{episodeId}", "patch"]]) {
      const props = doc.paths[path][method].requestBody.content["application/json"].schema.properties;
      assert.equal(props.wardId?.type, "integer", `${method} ${path} takes wardId`);
      assert.equal(props.consultantUserId?.type, "integer", `${method} ${path} takes consultantUserId`);
    }
    const shown = doc.paths["/episodes/{episodeId}"].get.responses["200"].content["application/json"].schema.properties;
    assert.deepEqual(Object.keys(shown.ward.properties), ["id", "name"]);
    assert.deepEqual(Object.keys(shown.consultant.properties), ["id", "name"]);
    assert.equal(shown.surgeon.type, "string");
  });
});
