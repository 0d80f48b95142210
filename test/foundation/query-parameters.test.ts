// Query parameters reach lookups that no form validation guards: a NUL byte in one made
// PostgreSQL fail ("invalid byte sequence 0x00") with a 500. Every GET route is walked with
// control characters in every query parameter the source reads.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import supertest from "supertest";
import { parseQuery } from "../../src/web/query.ts";
import type { Role } from "../../src/web/routing.ts";
import { apiToken, createTestApp, signIn, type SignedInAgent, type TestContext } from "../helpers/app.ts";

/** Every name read as `req.query.name` or `req.query["name"]` anywhere under src/. */
function queryParametersReadBySource(): string[] {
  const names = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".ts")) {
        for (const match of fs.readFileSync(full, "utf8").matchAll(/query(?:\.([A-Za-z_]\w*)|\[["']([\w-]+)["']\])/g)) {
          names.add(match[1] ?? match[2]);
        }
      }
    }
  };
  walk("src");
  return [...names].filter((n) => !["then", "length", "toString"].includes(n)).sort();
}

const HOSTILE_VALUES = ["%00", "a%00b", "%01%1F%7F", "%0B%0C", "ward%00%00"];

describe("control characters in query parameters", () => {
  let ctx: TestContext;
  const agents = {} as Record<Role, SignedInAgent>;
  const tokens = {} as Record<Role, string>;

  before(async () => {
    ctx = await createTestApp();
    for (const role of ["nurse", "clinician", "admin"] as Role[]) {
      agents[role] = await signIn(ctx.app, role);
      tokens[role] = await apiToken(ctx.db, role);
    }
  });
  after(() => ctx.close());

  test("the parser takes control characters out of every name and value, and keeps the rest", () => {
    assert.deepEqual(parseQuery("ward=%00&clinician=a%00b&q=Okafor%01&x%00y=1&page=2&page=3"), {
      ward: "",
      clinician: "ab",
      q: "Okafor",
      xy: "1",
      page: ["2", "3"],
    });
    assert.deepEqual(parseQuery("name=Sin%C3%A9ad%20O%E2%80%99Brien&tab=a%09b"), { name: "Sinéad O’Brien", tab: "a\tb" });
  });

  test("the walk covers the parameters that failed before (ward and clinician)", () => {
    const names = queryParametersReadBySource();
    for (const name of ["ward", "clinician", "q", "returnTo"]) assert.ok(names.includes(name), `source reads ?${name}`);
  });

  test("every GET route, with control characters in every parameter the source reads, answers without a server error", async () => {
    const names = queryParametersReadBySource();
    const failures: string[] = [];
    for (const route of ctx.app.routeSpecs.filter((r) => r.method === "get")) {
      const url = route.path.replace(/:[A-Za-z0-9_]+/g, "1");
      for (const value of HOSTILE_VALUES) {
        const query = names.map((name) => `${name}=${value}`).join("&");
        // A wall screen's route is opened by the link's token in its path, with no sign-in.
        const role = route.access === "public" || route.kind === "display" ? null : (route.access as readonly Role[])[0];
        const res =
          role === null
            ? await supertest(ctx.app).get(`${url}?${query}`)
            : route.kind === "api"
              ? await supertest(ctx.app).get(`${url}?${query}`).set("authorization", `Bearer ${tokens[role]}`)
              : await agents[role].agent.get(`${url}?${query}`).redirects(0);
        if (res.status >= 500) failures.push(`GET ${url}?…=${value}: ${res.status}`);
      }
    }
    assert.deepEqual(failures, []);
  });

  test("the ward board and /due read a ward or clinician with a NUL as no such ward or clinician", async () => {
    const board = await agents.nurse.agent.get("/ward?ward=%00").redirects(0);
    assert.ok(board.status < 500, `board answered ${board.status}`);
    const due = await agents.clinician.agent.get("/due?clinician=a%00b").redirects(0);
    assert.ok(due.status < 500, `due answered ${due.status}`);
  });
});
