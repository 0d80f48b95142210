import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import supertest from "supertest";
import { apiToken, createTestApp, type TestContext } from "../helpers/app.ts";
import { schemaDifferences } from "../helpers/openapi.ts";
import { demoEpisode } from "../followup/helpers.ts";

const NOW = "2026-11-24T10:00:00Z";
const DEMOS = ["twoc-under-way", "failed-twoc-flip-flow", "outpatient-review-due", "night-surgery-flags"];

/** Responses are compared with the OpenAPI document both ways, so neither can change without the other. */
describe("API responses match the OpenAPI document", () => {
  let ctx: TestContext;
  let token: string;
  let doc: { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>> };
  const schemaOf = (path: string) => doc.paths[path].get.responses["200"].content!["application/json"].schema;
  const get = (url: string) => supertest(ctx.app).get(`/api/v1${url}`).set("Authorization", `Bearer ${token}`);

  before(async () => {
    ctx = await createTestApp({ now: NOW });
    token = await apiToken(ctx.db, "clinician");
    doc = (await supertest(ctx.app).get("/api/v1/openapi.json")).body;
  });
  after(() => ctx.close());

  test("the follow-up state documents every field it sends, reassessmentOutstanding included", async () => {
    const schema = schemaOf("/episodes/{episodeId}/follow-up") as { properties: Record<string, { items?: { enum?: string[] } }> };
    assert.deepEqual(schema.properties.reassessmentOutstanding.items?.enum, ["B6", "X4"]);
    const seen = new Set<string>();
    for (const key of DEMOS) {
      const episode = (await demoEpisode(ctx.db, key))!;
      const res = await get(`/episodes/${episode.id}/follow-up`);
      assert.equal(res.status, 200, key);
      assert.deepEqual(schemaDifferences(res.body, schema), [], key);
      for (const [field, value] of Object.entries(res.body)) seen.add(`${field}:${value === null ? "null" : "set"}`);
    }
    for (const both of ["gpDrugReviewDue", "outpatientAppointmentAt"]) {
      assert.ok(seen.has(`${both}:set`), `the demo episodes send a ${both}`);
      assert.ok(seen.has(`${both}:null`), `the demo episodes send a null ${both}`);
    }
  });

  test("an episode's record and decisions match its documented schema", async () => {
    for (const key of DEMOS) {
      const episode = (await demoEpisode(ctx.db, key))!;
      const res = await get(`/episodes/${episode.id}`);
      assert.equal(res.status, 200, key);
      assert.deepEqual(schemaDifferences(res.body, schemaOf("/episodes/{episodeId}")), [], key);
    }
  });
});
