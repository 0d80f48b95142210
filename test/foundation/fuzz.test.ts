// Random query strings, form bodies and JSON to every declared route, as every role that may use
// it: no 5xx, ever. Bounded in count and in time, with a fixed seed (FUZZ_SEED replays another).
// The routes come from app.routeSpecs and the field names from the app's own forms and source, so
// a new feature is fuzzed without editing this file.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import supertest from "supertest";
import { ROLES, type Role, type RouteSpec } from "../../src/web/routing.ts";
import { apiToken, createTestApp, signIn, type SignedInAgent, type TestContext } from "../helpers/app.ts";

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const TIME_LIMIT_MS = Number(process.env.FUZZ_MS ?? 60_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261206);

/** Query parameter names the source reads, so the fuzz reaches the code that reads them. */
function sourceQueryNames(): string[] {
  const names = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".ts")) for (const m of fs.readFileSync(full, "utf8").matchAll(/query\.([A-Za-z_]\w*)/g)) names.add(m[1]);
    }
  };
  walk("src");
  return [...names];
}

/** Text that has broken parsers before: control characters, direction marks, lone surrogates, huge numbers. */
const nastyText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.constantFrom("", " ", "0", "-1", "1e308", "99999999999999999999", "NaN", "null", "true", "yes", "on", "2026-02-30", "2026-10-25T01:30", "25:61", "\u0000", "a\u0000b", "\u202E", "\uD800", "%", "%00", "../../etc/passwd", "<script>", "' or 1=1 --", "x".repeat(3000)),
);

describe("fuzzing every declared route", () => {
  let ctx: TestContext;
  const agents = {} as Record<Role, SignedInAgent>;
  const tokens = {} as Record<Role, string>;
  let routes: RouteSpec[] = [];
  let fieldNames: string[] = [];

  before(async () => {
    ctx = await createTestApp();
    for (const role of ROLES) {
      agents[role] = await signIn(ctx.app, role);
      tokens[role] = await apiToken(ctx.db, role);
    }
    // Sign-out would end the session every later request needs.
    routes = ctx.app.routeSpecs.filter((r) => !(r.method === "post" && r.path === "/sign-out"));
    const names = new Set(sourceQueryNames());
    for (const r of routes.filter((s) => s.kind === "page" && s.method === "get" && s.access !== "public")) {
      const res = await agents[(r.access as readonly Role[])[0]].agent.get(r.path.replace(/:[A-Za-z0-9_]+/g, "1")).redirects(0);
      for (const m of (res.text ?? "").matchAll(/name="([^"]+)"/g)) if (m[1] !== "_csrf" && m[1] !== "viewport") names.add(m[1]);
    }
    fieldNames = [...names];
  });
  after(() => ctx.close());

  test("random query strings, form bodies and JSON never get a server error", async () => {
    assert.ok(routes.length > 30 && fieldNames.length > 20, `${routes.length} routes, ${fieldNames.length} field names`);
    const field = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...fieldNames) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) });
    const pairs = fc.array(fc.tuple(field, nastyText), { maxLength: 8 });
    const request = fc.record({
      route: fc.constantFrom(...routes),
      id: fc.constantFrom("1", "2", "0", "-1", "abc", "99999999999", "1.5", "%00", "%F0%9F%98%80", "%2e%2e"),
      query: pairs,
      body: fc.oneof(
        pairs.map((p) => ({ type: "form" as const, pairs: p })),
        fc.jsonValue({ maxDepth: 3 }).map((v) => ({ type: "json" as const, value: v as unknown })),
        fc.dictionary(field, fc.oneof(nastyText, fc.jsonValue({ maxDepth: 2 })), { maxKeys: 8 }).map((v) => ({ type: "json" as const, value: v as unknown })),
      ),
    });
    const failures: string[] = [];
    await fc.assert(
      fc.asyncProperty(request, async ({ route, id, query, body }) => {
        const qs = new URLSearchParams(query).toString();
        const url = `${route.path.replace(/:[A-Za-z0-9_]+/g, id)}${qs ? `?${qs}` : ""}`;
        // A wall screen's route is opened by the link's token in its path, with no sign-in.
        const open = route.access === "public" || route.kind === "display";
        const role = open ? "nurse" : (route.access as readonly Role[])[0];
        let req: supertest.Test;
        if (route.kind === "api" || open) {
          req = supertest(ctx.app)[route.method](url);
          if (route.kind === "api") req = req.set("authorization", `Bearer ${tokens[role]}`);
        } else {
          req = agents[role].agent[route.method](url).redirects(0).set("x-csrf-token", agents[role].csrf);
        }
        if (route.method !== "get") {
          req = body.type === "form" ? req.type("form").send(new URLSearchParams([["_csrf", agents[role].csrf], ...body.pairs]).toString()) : req.set("content-type", "application/json").send(JSON.stringify(body.value) ?? "null");
        }
        const res = await req;
        if (res.status >= 500) failures.push(`${route.method.toUpperCase()} ${url} ${JSON.stringify(body).slice(0, 200)}: ${res.status}`);
        return res.status < 500;
      }),
      { numRuns: RUNS, seed: SEED, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false, endOnFailure: true },
    );
    assert.deepEqual(failures, []);
  });
});
