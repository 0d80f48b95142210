// No body, however malformed, gets a 5xx from any POST route, and a refused body stores nothing.
// The routes come from app.routeSpecs and the field names from the app's own forms, so new
// features are covered without editing this file.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import supertest from "supertest";
import type { Db } from "../../src/db/knex.ts";
import { isPostgres } from "../../src/db/knex.ts";
import { EPISODE_FIELDS, PATIENT_FIELDS } from "../../src/patients/validation.ts";
import { ROLES, type Role, type RouteSpec } from "../../src/web/routing.ts";
import { apiToken, createTestApp, signIn, type SignedInAgent, type TestContext } from "../helpers/app.ts";

const MB = "x".repeat(1024 * 1024);
const label = (r: RouteSpec) => `${r.method.toUpperCase()} ${r.path}`;

/**
 * Every table but the session, migration and sign-in-limit bookkeeping, with its row count. A
 * refused sign-in must be counted (sign_in_attempts): that is the rate limit working, not data stored.
 */
async function snapshot(db: Db): Promise<Record<string, number>> {
  const tables: string[] = isPostgres(db)
    ? (await db.raw("select table_name as name from information_schema.tables where table_schema = current_schema()")).rows.map((r: { name: string }) => r.name)
    : (await db.raw("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'")).map((r: { name: string }) => r.name);
  const counts = await Promise.all(
    tables.filter((t) => !/^(sessions|sign_in_attempts|knex_migrations.*)$/.test(t)).sort().map(async (t) => [t, Number((await db(t).count({ n: "*" }))[0].n)] as const),
  );
  return Object.fromEntries(counts);
}

/** Malformed JSON values for one field. */
const BAD_VALUES: unknown[] = [
  null, 0, -1, 1e308, Number.MAX_SAFE_INTEGER * 1000, true, [], ["a", "b"], {}, { nested: { deeper: [1, { x: "y" }] } },
  "", " ", "true", "1", "2026-11-24", "not a date", "😀🏥\u0000\u202e\ud800", "x".repeat(5000), "<script>alert(1)</script>", "'; drop table patients; --",
];

/** JSON bodies sent raw (some are not JSON at all). */
function jsonBodies(fields: string[]): { name: string; body: string }[] {
  const each = (v: unknown) => JSON.stringify(Object.fromEntries(fields.map((f) => [f, v])));
  return [
    { name: "empty body", body: "" },
    { name: "broken JSON", body: '{"nhsNumber": "94' },
    { name: "JSON null", body: "null" },
    { name: "JSON array", body: JSON.stringify([{ nhsNumber: "9434765919" }]) },
    { name: "JSON string", body: '"hello"' },
    { name: "JSON number", body: "42" },
    { name: "huge integer literal", body: `{"${fields[0] ?? "x"}": 123456789012345678901234567890, "emailConsent": 1e999}` },
    { name: "empty object", body: "{}" },
    { name: "1 MB string", body: JSON.stringify({ [fields[0] ?? "x"]: MB }) },
    { name: "90 kB strings", body: JSON.stringify({ [fields[0] ?? "x"]: "y".repeat(90_000) }) },
    { name: "200 unknown fields", body: JSON.stringify(Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`unknown${i}`, i]))) },
    { name: "prototype pollution", body: '{"__proto__": {"admin": true}, "constructor": {"prototype": {"admin": true}}, "prototype": 1}' },
    { name: "deep nesting", body: `${"[".repeat(5000)}${"]".repeat(5000)}` },
    ...BAD_VALUES.map((v, i) => ({ name: `every field ${JSON.stringify(v)?.slice(0, 30)} (#${i})`, body: each(v) })),
    { name: "gp wrong shapes", body: JSON.stringify({ gp: { name: [], address: {}, email: 3 } }) },
  ];
}

/** Form bodies (urlencoded strings, so arrays come from repeated fields). */
function formBodies(fields: string[], csrf: string): { name: string; body: string }[] {
  const enc = encodeURIComponent;
  const form = (pairs: [string, string][]) => [["_csrf", csrf], ...pairs].map(([k, v]) => `${enc(k)}=${enc(v)}`).join("&");
  const each = (v: string) => form(fields.map((f) => [f, v]));
  return [
    { name: "only the CSRF token", body: form([]) },
    { name: "every field empty", body: each("") },
    { name: "every field twice (arrays)", body: form(fields.flatMap((f) => [[f, "a"], [f, "b"]] as [string, string][])) },
    { name: "bracketed keys", body: form(fields.map((f) => [`${f}[a][b]`, "x"])) },
    { name: "numbers as text", body: each("99999999999999999999") },
    { name: "negative", body: each("-1") },
    { name: "exponent", body: each("1e308") },
    { name: "unicode", body: each("😀🏥\u0000\u202e") },
    { name: "long text", body: each("x".repeat(3000)) },
    { name: "1 MB field", body: form([[fields[0] ?? "x", MB]]) },
    { name: "600 fields", body: form(Array.from({ length: 600 }, (_, i) => [`f${i}`, "1"] as [string, string])) },
    { name: "200 unknown fields", body: form(Array.from({ length: 200 }, (_, i) => [`unknown${i}`, "1"] as [string, string])) },
    { name: "prototype keys", body: form([["__proto__", "x"], ["constructor", "y"], ["prototype", "z"], ["hasOwnProperty", "1"]]) },
    { name: "yes to everything", body: each("yes") },
    { name: "impossible dates", body: form(fields.map((f) => [f, f.endsWith("-day") ? "31" : f.endsWith("-month") ? "2" : f.endsWith("-year") ? "2026" : f.endsWith("-time") ? "25:61" : "no"])) },
  ];
}

describe("malformed bodies never cause a server error, and refused bodies store nothing", () => {
  let ctx: TestContext;
  const agents = {} as Record<Role, SignedInAgent>;
  const tokens = {} as Record<Role, string>;
  let formFields: string[] = [];
  let spareUserId = 0;

  before(async () => {
    ctx = await createTestApp();
    for (const role of ROLES) {
      agents[role] = await signIn(ctx.app, role);
      tokens[role] = await apiToken(ctx.db, role);
    }
    // A user the admin routes may act on without locking the test's own users out.
    const [row] = await ctx.db("users")
      .insert({ username: "spare", display_name: "Spare", role: "nurse", password_hash: "x", created_at: "2026-11-24T10:00:00.000Z", updated_at: "2026-11-24T10:00:00.000Z" })
      .returning("id");
    spareUserId = row.id;
    // Every field name in every form the app shows, so feature forms are covered too.
    const names = new Set<string>();
    for (const r of ctx.app.routeSpecs.filter((s) => s.kind === "page" && s.method === "get" && s.access !== "public")) {
      const role = (r.access as readonly Role[])[0];
      const res = await agents[role].agent.get(concrete(r.path)).redirects(0);
      for (const m of (res.text ?? "").matchAll(/name="([^"]+)"/g)) if (m[1] !== "_csrf" && m[1] !== "viewport") names.add(m[1]);
    }
    formFields = [...names];
  });
  after(() => ctx.close());

  /** Real ids, so the handlers get past their 404 checks: episode and patient 1 are demo data. */
  function concrete(path: string): string {
    return path.replace(/:userId\b/g, String(spareUserId)).replace(/:[A-Za-z0-9_]+/g, "1");
  }

  async function expectSafe(what: string, send: () => Promise<supertest.Response>) {
    const before = await snapshot(ctx.db);
    const res = await send();
    assert.ok(res.status < 500, `${what}: ${res.status} ${res.text.slice(0, 300)}`);
    if (res.status >= 400) assert.deepEqual(await snapshot(ctx.db), before, `${what}: refused with ${res.status} but something was stored`);
    return res;
  }

  test("every POST API route, with each malformed body", async () => {
    const routes = ctx.app.routeSpecs.filter((r) => r.kind === "api" && r.method === "post");
    assert.ok(routes.length >= 2);
    const fields = [...new Set([...PATIENT_FIELDS, ...EPISODE_FIELDS])];
    for (const r of routes) {
      const role = r.access === "public" ? "admin" : (r.access as readonly Role[])[0];
      for (const { name, body } of jsonBodies(fields)) {
        const res = await expectSafe(`${label(r)} ${name}`, () =>
          supertest(ctx.app).post(concrete(r.path)).set("authorization", `Bearer ${tokens[role]}`).set("content-type", "application/json").send(body),
        );
        assert.ok(res.status >= 400, `${label(r)} ${name} should be refused, got ${res.status}`);
        assert.equal(typeof res.body.code, "string", `${label(r)} ${name} answers JSON`);
        assert.ok(Array.isArray(res.body.errors), `${label(r)} ${name} lists errors`);
      }
      // Not JSON at all.
      for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
        await expectSafe(`${label(r)} as ${type}`, () =>
          supertest(ctx.app).post(concrete(r.path)).set("authorization", `Bearer ${tokens[role]}`).set("content-type", type).send("nhsNumber=9434765919"),
        );
      }
    }
  });

  test("every POST page route, signed in with an allowed role and a CSRF token, with each malformed body", async () => {
    // Sign-out ignores its body and would end the session the other routes need.
    const routes = ctx.app.routeSpecs.filter((r) => r.kind === "page" && r.method === "post" && r.path !== "/sign-out");
    assert.ok(routes.length >= 8);
    assert.ok(formFields.length > 20, `form fields found: ${formFields.join(", ")}`);
    // Every failure is collected, so one run shows every route that needs fixing.
    const failures: string[] = [];
    const check = async (what: string, send: () => Promise<supertest.Response>) => {
      try {
        await expectSafe(what, send);
      } catch (err) {
        failures.push((err as Error).message.split("\n")[0].slice(0, 160));
      }
    };
    for (const r of routes) {
      const role = r.access === "public" ? "nurse" : (r.access as readonly Role[])[0];
      const { agent, csrf } = agents[role];
      for (const { name, body } of formBodies(formFields, csrf)) {
        await check(`${label(r)} as ${role}: ${name}`, () => agent.post(concrete(r.path)).type("form").send(body).redirects(0));
      }
      // A JSON or text body to a form route, with the CSRF token in the header.
      for (const [type, body] of [["application/json", '{"a": [1, {"b": null}]}'], ["text/plain", "hello"], ["application/json", "{broken"]]) {
        await check(`${label(r)} as ${role}: ${type}`, () => agent.post(concrete(r.path)).set("x-csrf-token", csrf).set("content-type", type).send(body).redirects(0));
      }
    }
    assert.deepEqual(failures, []);
    for (const role of ROLES) assert.equal((await agents[role].agent.get("/").redirects(0)).status, 303, `${role} is still signed in`);
    for (const role of ROLES) assert.doesNotMatch((await agents[role].agent.get("/").redirects(0)).headers.location, /sign-in/, `${role} is still signed in`);
  });

  test("a control character (NUL) in otherwise valid text is a field error on every database, not a 500", async () => {
    const valid = { nhsNumber: "9434765870", familyName: "Nul\u0000Byte", givenName: "Ann", dateOfBirth: "1970-01-31", sex: "female" };
    const api = await expectSafe("API patient with NUL", () => supertest(ctx.app).post("/api/v1/patients").set("authorization", `Bearer ${tokens.admin}`).send(valid));
    assert.equal(api.status, 400);
    assert.deepEqual(api.body.errors, [{ field: "familyName", message: "Family name must not contain control characters" }]);
    const gp = await expectSafe("API GP with NUL", () => supertest(ctx.app).post("/api/v1/patients").set("authorization", `Bearer ${tokens.admin}`).send({ ...valid, familyName: "Ok", gp: { name: "A\u0000" } }));
    assert.equal(gp.status, 400);
    const form = await expectSafe("form patient with NUL", () =>
      agents.nurse.submit("/patients", { nhsNumber: "9434765870", familyName: "Ok", givenName: "A\u0001nn", "dateOfBirth-day": "31", "dateOfBirth-month": "1", "dateOfBirth-year": "1970", sex: "female", emailConsent: "no" }),
    );
    assert.equal(form.status, 400);
    assert.match(form.text, /Given name must not contain control characters/);
    const signInNul = await expectSafe("sign-in with NUL", () => supertest(ctx.app).post("/sign-in").set("x-csrf-token", "x").send("username=nur%00se&password=x"));
    assert.ok(signInNul.status === 403 || signInNul.status === 401);
  });

  test("every GET page with odd ids and query strings answers without a server error", async () => {
    const failures: string[] = [];
    for (const r of ctx.app.routeSpecs.filter((s) => s.method === "get" && s.access !== "public")) {
      const role = (r.access as readonly Role[])[0];
      for (const id of ["0", "-1", "abc", "99999999999999999999", "%00", "1e3", "1.5", "%F0%9F%98%80"]) {
        const url = `${r.path.replace(/:[A-Za-z0-9_]+/g, id)}?q=%00%F0%9F%98%80&page=-1&returnTo=%00&from=2026-02-30&date=%00&x[]=1&q=2`;
        const res =
          r.kind === "display" ? await supertest(ctx.app).get(url) // a wall screen: its link is the odd id
          : r.kind === "api" ? await supertest(ctx.app).get(url).set("authorization", `Bearer ${tokens[role]}`) : await agents[role].agent.get(url).redirects(0);
        if (res.status >= 500) failures.push(`${label(r)} ${url}: ${res.status}`);
      }
    }
    for (const url of ["/sign-in?returnTo=%00", "/sign-in?returnTo[]=/x", "/api/v1/openapi.json?x=%00"]) {
      const res = await supertest(ctx.app).get(url);
      if (res.status >= 500) failures.push(`${url}: ${res.status}`);
    }
    assert.deepEqual(failures, []);
  });

  test("random JSON bodies to the patient and episode endpoints (property-based, bounded)", async () => {
    const fields = [...new Set([...PATIENT_FIELDS, ...EPISODE_FIELDS, "__proto__", "constructor"])];
    const body = fc.oneof(
      fc.jsonValue(),
      fc.dictionary(fc.constantFrom(...fields), fc.jsonValue(), { maxKeys: 12 }),
      fc.record({ nhsNumber: fc.string(), familyName: fc.string(), givenName: fc.string(), dateOfBirth: fc.string(), sex: fc.string(), gp: fc.jsonValue() }),
    );
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom("/api/v1/patients", "/api/v1/patients/1/episodes"), async (value, url) => {
        const res = await expectSafe(`${url} ${JSON.stringify(value).slice(0, 200)}`, () =>
          supertest(ctx.app).post(url).set("authorization", `Bearer ${tokens.admin}`).set("content-type", "application/json").send(JSON.stringify(value)),
        );
        assert.ok([400, 404, 409, 413].includes(res.status), `${res.status}`);
      }),
      { numRuns: 150, seed: 20261124 },
    );
  });
});
