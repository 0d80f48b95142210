// Every route the app declares is locked: enumerated from app.routeSpecs (never a hand-written
// list), and checked against the route layers Express actually registered so none can hide.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import supertest from "supertest";
import type { App } from "../../src/app.ts";
import { SYSTEM_ACTOR } from "../../src/audit/audit.ts";
import { revokeApiToken } from "../../src/auth/api-tokens.ts";
import { createDisplay } from "../../src/displays/repository.ts";
import { ROLES, type Role, type RouteSpec } from "../../src/web/routing.ts";
import { apiToken, createTestApp, csrfFrom, pageText, signIn, type SignedInAgent, type TestContext } from "../helpers/app.ts";

/** `/patients/:patientId/episodes` -> `/patients/1/episodes`. */
const concrete = (path: string) => path.replace(/:[A-Za-z0-9_]+/g, "1");
const label = (r: RouteSpec) => `${r.method.toUpperCase()} ${r.path}`;

/** Public routes are exactly these (plus any unsubscribe link from a reminder email). */
const PUBLIC = new Set(["GET /sign-in", "POST /sign-in", "GET /health", "GET /api/v1/openapi.json", "GET /fhir/R4/metadata", "GET /accessibility", "GET /privacy", "GET /cookies"]);
const mayBePublic = (r: RouteSpec) => PUBLIC.has(label(r)) || r.path.includes("unsubscribe")
  // the "stop texts" link in a text message, and GOV.UK Notify's callbacks (their own bearer token)
  || r.path.startsWith("/stop/") || r.path.startsWith("/api/v1/notify/");

/** An API refusal's code: the JSON API's `code`, or a FHIR OperationOutcome's issue type (login is a 401). */
const refusalCode = (body: { code?: string; resourceType?: string; issue?: { code: string }[] }) =>
  body.resourceType === "OperationOutcome" ? ({ login: "unauthorised" } as Record<string, string>)[body.issue![0].code] ?? body.issue![0].code : body.code;

interface RouteLayer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: RouteLayer[] };
}

/** Every method+path route layer in the app's router, nested routers included. */
function registeredRoutes(stack: RouteLayer[]): { method: string; path: string }[] {
  return stack.flatMap((layer) => {
    if (layer.route) {
      return Object.keys(layer.route.methods)
        .filter((m) => m !== "_all")
        .map((method) => ({ method, path: layer.route!.path }));
    }
    return layer.handle?.stack ? registeredRoutes(layer.handle.stack) : [];
  });
}

function request(agent: ReturnType<typeof supertest.agent> | ReturnType<typeof supertest>, r: RouteSpec) {
  const url = concrete(r.path);
  return agent[r.method](url).redirects(0);
}

describe("route locks", () => {
  let ctx: TestContext;
  let app: App;
  let specs: RouteSpec[];
  const agents = {} as Record<Role, SignedInAgent>;
  const tokens = {} as Record<Role, string>;

  before(async () => {
    ctx = await createTestApp();
    app = ctx.app;
    specs = app.routeSpecs;
    for (const role of ROLES) {
      agents[role] = await signIn(app, role);
      tokens[role] = await apiToken(ctx.db, role);
    }
  });
  after(() => ctx.close());

  test("the app declares its routes, and Express registered no route that is not declared", () => {
    const registered = registeredRoutes((app as unknown as { router: { stack: RouteLayer[] } }).router.stack);
    assert.ok(specs.length > 20, `expected the foundation's routes at least, got ${specs.length}`);
    assert.equal(registered.length, specs.length, "every route layer must be declared through a RoleRouter with its roles");
    for (const layer of registered) {
      assert.ok(
        specs.some((s) => s.method === layer.method && (s.path === layer.path || s.path === `/api/v1${layer.path}`)),
        `${layer.method.toUpperCase()} ${layer.path} is registered but not declared`,
      );
    }
    const labels = specs.map(label);
    assert.equal(new Set(labels).size, labels.length, "no route is declared twice");
  });

  test("public routes are exactly sign-in, the health check, the OpenAPI document and unsubscribe links", () => {
    const publicRoutes = specs.filter((r) => r.access === "public");
    for (const r of publicRoutes) assert.ok(mayBePublic(r), `${label(r)} must not be public`);
    for (const wanted of PUBLIC) assert.ok(publicRoutes.some((r) => label(r) === wanted), `${wanted} should be public`);
    for (const r of specs) if (r.access !== "public") assert.ok(r.access.length > 0, `${label(r)} allows no role at all`);
  });

  test("signed out, every locked page redirects to sign-in (GET comes back afterwards)", async () => {
    const anonymous = supertest.agent(app);
    const csrf = csrfFrom((await anonymous.get("/sign-in")).text);
    const locked = specs.filter((r) => r.kind === "page" && r.access !== "public");
    assert.ok(locked.length > 10);
    for (const r of locked) {
      const res = r.method === "get" ? await request(anonymous, r) : await anonymous.post(concrete(r.path)).type("form").send({ _csrf: csrf }).redirects(0);
      assert.equal(res.status, 303, `${label(r)} signed out`);
      assert.match(res.headers.location, /^\/sign-in(\?|$)/, `${label(r)} goes to sign-in`);
      if (r.method === "get") assert.equal(res.headers.location, `/sign-in?returnTo=${encodeURIComponent(concrete(r.path))}`);
    }
  });

  test("a signed-out POST without a CSRF token is refused before anything else", async () => {
    for (const r of specs.filter((s) => s.kind === "page" && s.method === "post" && s.access !== "public")) {
      const res = await supertest(app).post(concrete(r.path)).type("form").send({}).redirects(0);
      assert.equal(res.status, 403, label(r));
    }
  });

  test("every locked API route answers 401 without a token, with a garbage token and with a revoked token", async () => {
    const revoked = await apiToken(ctx.db, "admin");
    const row = await ctx.db("api_tokens").orderBy("id", "desc").first();
    await revokeApiToken(ctx.db, row.id, new Date().toISOString());
    const locked = specs.filter((r) => r.kind === "api" && r.access !== "public");
    assert.ok(locked.length >= 2);
    for (const r of locked) {
      for (const authorization of [undefined, "Bearer ces_not-a-real-token", `Bearer ${revoked}`, "Basic YWRtaW46YWRtaW4=", tokens.admin]) {
        const req = request(supertest(app), r).set("content-type", "application/json");
        // The admin token as a raw header (no "Bearer") is not a bearer token either.
        if (authorization) req.set("authorization", authorization);
        const res = await req.send("{}");
        assert.equal(res.status, 401, `${label(r)} with ${authorization ?? "no authorisation"}`);
        assert.equal(refusalCode(res.body), "unauthorised");
      }
    }
  });

  test("every page refuses a signed-in user whose role is not allowed (403)", async () => {
    let checked = 0;
    for (const r of specs.filter((s) => s.kind === "page" && s.access !== "public")) {
      for (const role of ROLES.filter((x) => !(r.access as readonly Role[]).includes(x))) {
        const { agent, csrf } = agents[role];
        const res = r.method === "get" ? await request(agent, r) : await agent.post(concrete(r.path)).type("form").send({ _csrf: csrf }).redirects(0);
        assert.equal(res.status, 403, `${label(r)} as ${role}`);
        assert.match(pageText(res.text), /You do not have access/);
        checked += 1;
      }
    }
    assert.ok(checked > 0, "some page is closed to some role");
  });

  test("every API route refuses a token whose role is not allowed (403)", async () => {
    for (const r of specs.filter((s) => s.kind === "api" && s.access !== "public")) {
      for (const role of ROLES.filter((x) => !(r.access as readonly Role[]).includes(x))) {
        const res = await request(supertest(app), r).set("authorization", `Bearer ${tokens[role]}`).send({});
        assert.equal(res.status, 403, `${label(r)} with a ${role} token`);
        assert.equal(refusalCode(res.body), "forbidden");
      }
    }
  });

  test("every POST page refuses an allowed user without a CSRF token, or with a wrong one (403)", async () => {
    for (const r of specs.filter((s) => s.kind === "page" && s.method === "post" && s.access !== "public")) {
      const role = (r.access as readonly Role[])[0];
      const { agent } = agents[role];
      for (const form of [{}, { _csrf: "forged" }, { _csrf: ["a", "b"] }]) {
        const res = await agent.post(concrete(r.path)).type("form").send(form).redirects(0);
        assert.equal(res.status, 403, `${label(r)} as ${role} with ${JSON.stringify(form)}`);
        assert.match(pageText(res.text), /form has expired/);
      }
    }
    // Still signed in: refusing the form did not end the session.
    assert.equal((await agents.nurse.agent.get("/patients").redirects(0)).status, 200);
  });

  test("an allowed user is let in to every GET page (never 401, 403 or a server error)", async () => {
    for (const r of specs.filter((s) => s.kind === "page" && s.method === "get" && s.access !== "public")) {
      for (const role of r.access as readonly Role[]) {
        const res = await request(agents[role].agent, r);
        assert.ok(![401, 403].includes(res.status) && res.status < 500, `${label(r)} as ${role}: ${res.status}`);
        if (res.status === 303) assert.doesNotMatch(res.headers.location, /^\/sign-in/, `${label(r)} as ${role}`);
      }
    }
  });

  test("a wall screen's display link opens its one page and nothing else", async () => {
    const displays = specs.filter((r) => r.access === "display");
    assert.deepEqual(displays.map(label), ["GET /wall/:token"], "the only route a display link opens");
    assert.ok(displays.every((r) => r.kind === "display") && specs.every((r) => r.kind !== "display" || r.access === "display"));
    const wardId = (await ctx.db("wards").first("id")).id;
    const { token } = await createDisplay(ctx.db, SYSTEM_ACTOR, { wardId, name: "route locks", initialsOnly: true, theme: "dark" }, new Date().toISOString());
    assert.equal((await supertest(app).get(`/wall/${token}`)).status, 200);
    assert.equal((await supertest(app).get("/wall/wall_not-a-token")).status, 404, "an unknown link shows nothing");
    for (const r of specs.filter((s) => s.access !== "public" && s.access !== "display")) {
      // The token every way it could be sent: as a bearer token, in the address, as a cookie.
      const url = `${concrete(r.path)}?token=${token}`;
      const res = await supertest(app)[r.method](url).set("authorization", `Bearer ${token}`).set("cookie", `ces.sid=${token}`).send({}).redirects(0);
      if (r.kind === "api") assert.equal(res.status, 401, `${label(r)} with a display token`);
      else if (r.method === "get") assert.match(res.headers.location ?? "", /^\/sign-in/, `${label(r)} with a display token`);
      else assert.equal(res.status, 403, `${label(r)} with a display token`);
    }
    for (const path of [`/wall/${token}/x`, `/wall/${token}/../../ward`, `/api/v1/wall/${token}`]) {
      assert.ok([303, 401, 404].includes((await supertest(app).get(path).redirects(0)).status), path);
    }
  });
});
