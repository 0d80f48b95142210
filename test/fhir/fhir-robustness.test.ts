// No query string or id makes the FHIR API fail: every answer is a 200 FHIR resource (or a PDF)
// or a 4xx OperationOutcome, never a 500, for random parameters, values and encodings.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import supertest from "supertest";
import { apiToken, createTestApp, type TestContext } from "../helpers/app.ts";
import { fullRecordPatient } from "./helpers.ts";

describe("FHIR API robustness", () => {
  let ctx: TestContext;
  let token: string;
  let paths: string[];

  before(async () => {
    ctx = await createTestApp();
    token = await apiToken(ctx.db, "clinician");
    await fullRecordPatient(ctx.db, ctx.clock.now().toISOString());
    paths = ctx.app.routeSpecs.filter((r) => r.path.startsWith("/fhir/")).map((r) => r.path);
    assert.ok(paths.length >= 16, `FHIR routes: ${paths.length}`);
  });
  after(() => ctx.close());

  const names = fc.oneof(
    fc.constantFrom("patient", "encounter", "context", "date", "effective", "identifier", "_count", "_offset", "_format", "_id", "code", "patient[]", "__proto__", "constructor", ""),
    fc.string({ maxLength: 12 }),
  );
  const values = fc.oneof(
    fc.constantFrom("1", "Patient/1", "Encounter/1", "ge2026-11-24", "le2026-11-24T10:00:00Z", "ge2026-02-29", "eq2026", "ge9999-12-31T23:59:59+14:00", "https://fhir.nhs.uk/Id/nhs-number|9434765919", "|", "%", "%zz", "0", "-1", "99999999999", "json", "xml"),
    fc.string({ maxLength: 40 }),
    fc.string({ maxLength: 20 }).map((s) => `ge${s}`),
  );
  /** A raw query string: pairs, sometimes encoded, sometimes not, sometimes repeated or valueless. */
  const queries = fc.array(fc.tuple(names, values, fc.boolean()), { maxLength: 5 }).map((pairs) =>
    pairs.map(([n, v, encode]) => (encode ? `${encodeURIComponent(n)}=${encodeURIComponent(v)}` : `${n}=${v}`.replace(/[#\s]/g, ""))).join("&"),
  );
  const ids = fc.oneof(fc.constantFrom("1", "2", "u6-1", "usafe-9", "0", "01", "2147483648", "a.b-c", "..", "x".repeat(70)), fc.string({ maxLength: 10 }).map(encodeURIComponent));

  test("no query string or id on any FHIR route answers a server error", async () => {
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(fc.nat(), ids, queries, async (which, id, query) => {
        const path = paths[which % paths.length].replace(":id", id || "1");
        const res = await supertest(ctx.app).get(`${path}?${query}`).set("authorization", `Bearer ${token}`).buffer(true);
        assert.ok(res.status < 500, `${path}?${query}: ${res.status} ${(res.text ?? "").slice(0, 200)}`);
        seen.add(res.status);
        if (res.headers["content-type"] === "application/pdf") return;
        assert.match(res.headers["content-type"], /^application\/fhir\+json/, `${path}?${query}`);
        if (res.status >= 400) assert.equal(res.body.resourceType, "OperationOutcome", `${path}?${query}`);
      }),
      { numRuns: 400 },
    );
    // The random requests reached answers, refusals and unknown ids alike.
    for (const status of [200, 400, 404]) assert.ok(seen.has(status), `some request answered ${status}: ${[...seen]}`);
  });
});
