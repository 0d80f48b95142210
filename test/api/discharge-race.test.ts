/**
 * The PAS and the EPR may both send an episode's first discharge at the same moment. The check
 * "already discharged" is made with the episode locked, so exactly one is recorded. On SQLite this
 * runs on a database file, as the app does (several connections), not in memory.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import supertest from "supertest";
import { apiToken, createTestApp, type TestContext } from "../helpers/app.ts";
import { newEpisode } from "../ward/helpers.ts";

const NOW = "2026-11-24T10:00:00Z";

describe("two first discharges of one episode at the same moment", () => {
  let ctx: TestContext;
  let pas: string;
  let epr: string;
  before(async () => {
    ctx = await createTestApp({ now: NOW, sqliteFile: true });
    pas = await apiToken(ctx.db, "admin");
    epr = await apiToken(ctx.db, "clinician");
  });
  after(() => ctx.close());

  const discharge = (episodeId: number, token: string, body: object) =>
    supertest(ctx.app).post(`/api/v1/episodes/${episodeId}/discharge`).set("authorization", `Bearer ${token}`).set("content-type", "application/json").send(JSON.stringify(body));
  const statuses = (responses: { status: number }[]) => responses.map((r) => r.status).sort();
  const audits = (episodeId: number) => ctx.db("audit_events").where({ entity: "episode", entity_id: episodeId }).whereIn("action", ["discharge", "correct-discharge"]);

  test("two different discharges: one is recorded (201), the other refused (409); one discharge and one audit row stored", async () => {
    const episode = await newEpisode(ctx.db, { now: NOW });
    const home = { dischargedAt: "2026-11-24T09:30:00Z", destination: "Home", catheterStatus: "isc" };
    const rehab = { dischargedAt: "2026-11-24T09:45:00Z", destination: "Rehabilitation unit", catheterStatus: "none" };
    const responses = await Promise.all([discharge(episode.id, pas, home), discharge(episode.id, epr, rehab)]);
    assert.deepEqual(statuses(responses), [201, 409], JSON.stringify(responses.map((r) => r.body)));
    const recorded = responses.find((r) => r.status === 201)!;
    const refused = responses.find((r) => r.status === 409)!;
    assert.equal(refused.body.code, "conflict");
    assert.match(refused.body.message, /already recorded/);
    const row = await ctx.db("episodes").where({ id: episode.id }).first();
    assert.equal(row.discharge_destination, recorded.body.discharge.destination, "the discharge stored is the one answered 201");
    const rows = await audits(episode.id);
    assert.equal(rows.length, 1, JSON.stringify(rows));
    assert.equal(rows[0].action, "discharge");
    assert.equal(JSON.parse(rows[0].after).destination, recorded.body.discharge.destination);
  });

  test("the same discharge sent twice at once: one 201, one 200; one audit row", async () => {
    const episode = await newEpisode(ctx.db, { now: NOW });
    const home = { dischargedAt: "2026-11-24T09:30:00Z", destination: "Home", catheterStatus: "none" };
    const responses = await Promise.all([discharge(episode.id, pas, home), discharge(episode.id, epr, { ...home, dischargedAt: "2026-11-24T09:30:00+00:00" })]);
    assert.deepEqual(statuses(responses), [200, 201], JSON.stringify(responses.map((r) => r.body)));
    for (const r of responses) assert.equal(r.body.discharge.dischargedAt, "2026-11-24T09:30:00.000Z");
    assert.equal((await audits(episode.id)).length, 1);
  });
});
