import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import supertest from "supertest";
import type { Episode } from "../../src/patients/model.ts";
import { apiToken, createTestApp, signIn, type TestContext } from "../helpers/app.ts";
import { newEpisode } from "./helpers.ts";

const NOW = "2026-11-24T10:00:00Z";

describe("bladder events API", () => {
  let ctx: TestContext;
  let nurseToken: string;
  let clinicianToken: string;
  let episode: Episode;
  const post = (body: unknown, token = nurseToken, id = episode.id) =>
    supertest(ctx.app).post(`/api/v1/episodes/${id}/bladder-events`).set("Authorization", `Bearer ${token}`).send(body as object);
  const rows = async () => ctx.db("bladder_events").where({ episode_id: episode.id });

  before(async () => {
    ctx = await createTestApp({ now: NOW });
    nurseToken = await apiToken(ctx.db, "nurse");
    clinicianToken = await apiToken(ctx.db, "clinician");
    episode = await newEpisode(ctx.db, { now: NOW });
  });
  after(() => ctx.close());

  test("no token is 401; an admin token is 403; an unknown episode is 404", async () => {
    assert.equal((await supertest(ctx.app).post(`/api/v1/episodes/${episode.id}/bladder-events`).send({})).status, 401);
    assert.equal((await post({ type: "catheter-removed", at: NOW }, await apiToken(ctx.db, "admin"))).status, 403);
    assert.equal((await post({ type: "catheter-removed", at: NOW }, nurseToken, 999999)).status, 404);
    assert.equal((await post({ type: "catheter-removed", at: NOW }, nurseToken, "abc" as unknown as number)).status, 404);
  });

  test("bad input is 400 with field errors and stores nothing", async () => {
    const cases: [unknown, string][] = [
      [{ type: "scan", at: "2026-11-24T10:30:00Z", phase: "pre-void", volumeMl: 300, sensationToVoid: true }, "at"],
      [{ type: "scan", at: "2026-11-23T09:59:00Z", phase: "pre-void", volumeMl: 300, sensationToVoid: true }, "at"],
      [{ type: "scan", at: NOW, phase: "pre-void", volumeMl: 3001, sensationToVoid: true }, "volumeMl"],
      [{ type: "scan", at: NOW, phase: "pre-void", volumeMl: -1, sensationToVoid: true }, "volumeMl"],
      [{ type: "scan", at: NOW, phase: "pre-void", volumeMl: 1.5, sensationToVoid: true }, "volumeMl"],
      [{ type: "scan", at: NOW, phase: "pre-void", volumeMl: "300", sensationToVoid: "yes" }, "sensationToVoid"],
      [{ type: "scan", at: NOW, phase: "pre-void", volumeMl: 300 }, "sensationToVoid"],
      [{ type: "scan", at: NOW, phase: "post-void", volumeMl: "100" }, "volumeMl"],
      [{ type: "scan", at: "2026-11-24T23:59:00+14:59", phase: "post-void", volumeMl: 30 }, "at"],
      [{ type: "scan", at: "2026-11-24 10:00", phase: "post-void", volumeMl: 30 }, "at"],
      [{ type: "wee", at: NOW }, "type"],
      [{ type: "void", at: NOW, colour: "amber" }, "colour"],
      [{ type: "catheter-removed", at: NOW, volumeMl: 10 }, "volumeMl"],
      [{ type: "flip-flow-opening", at: NOW }, "volumeMl"],
      [{ type: "void", at: NOW, clientId: { a: 1 } }, "clientId"],
      [[1, 2, 3], "body"],
    ];
    for (const [body, field] of cases) {
      const res = await post(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.ok(res.body.errors.some((e: { field: string }) => e.field === field), `${JSON.stringify(body)} -> ${JSON.stringify(res.body.errors)}`);
    }
    assert.equal((await rows()).length, 0);
  });

  test("a catheter removal is 201 with its id and the engine's assessment; the same clientId again is 200 with the same id and one row", async () => {
    const body = { type: "catheter-removed", at: "2026-11-24T09:00:00+00:00", clientId: "scanner-7:abc-1" };
    const first = await post(body);
    assert.equal(first.status, 201);
    assert.equal(typeof first.body.id, "number");
    assert.equal(first.body.twoc.status, "in-progress");
    assert.deepEqual(first.body.twoc.rules, ["U1"]);
    assert.equal(first.body.twoc.noVoidDeadline, "2026-11-24T15:00:00+00:00");
    const again = await post(body);
    assert.equal(again.status, 200);
    assert.equal(again.body.id, first.body.id);
    assert.equal((await rows()).length, 1);
    const audit = await ctx.db("audit_events").where({ entity: "bladder-event", entity_id: first.body.id });
    assert.equal(audit.length, 1);
    assert.match(audit[0].actor_name, /API token/);
  });

  test("concurrent posts with one clientId store one event", async () => {
    const body = { type: "scan", at: "2026-11-24T09:30:00Z", phase: "pre-void", volumeMl: 320, sensationToVoid: true, clientId: "race-1" };
    const results = await Promise.all(Array.from({ length: 8 }, () => post(body)));
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 200, 200, 200, 200, 200, 200, 201]);
    assert.equal(new Set(results.map((r) => r.body.id)).size, 1);
    assert.equal((await rows()).filter((r) => r.type === "scan").length, 1);
  });

  test("a clientId belongs to the token that sent it: another system's same id stores its own event", async () => {
    const own = await newEpisode(ctx.db, { now: NOW });
    const body = { type: "void", at: "2026-11-24T09:35:00Z", volumeMl: 150, clientId: "shared-id-1" };
    const scanner = await apiToken(ctx.db, "nurse");
    const first = await post(body, nurseToken, own.id);
    assert.equal(first.status, 201);
    const other = await post(body, scanner, own.id);
    assert.equal(other.status, 201, "a second system with the same clientId is not taken for a repeat");
    assert.notEqual(other.body.id, first.body.id);
    assert.equal((await post(body, scanner, own.id)).body.id, other.body.id, "each system's own repeat is still recognised");
  });

  test("the same clientId with a different reading is refused (409) naming what differs, and stores nothing", async () => {
    const own = await newEpisode(ctx.db, { now: NOW });
    const body = { type: "scan", at: "2026-11-24T09:40:00Z", phase: "post-void", volumeMl: 90, clientId: "scan-90" };
    assert.equal((await post(body, nurseToken, own.id)).status, 201);
    const stored = async () => (await ctx.db("bladder_events").where({ episode_id: own.id })).length;
    const before = await stored();
    const changed = await post({ ...body, volumeMl: 380 }, nurseToken, own.id);
    assert.equal(changed.status, 409);
    assert.match(changed.body.message, /already used for a different event/);
    assert.match(changed.body.message, /volumeMl 90 stored, 380 sent/);
    assert.equal(await stored(), before);
    const sameInstant = await post({ ...body, at: "2026-11-24T09:40:00+00:00" }, nurseToken, own.id);
    assert.equal(sameInstant.status, 200, "the same instant written another way is the same event");
  });

  test("a pre-void scan over 500 ml without sensation fails the TWOC (U3, U-SAFE over 600)", async () => {
    const res = await post({ type: "scan", at: "2026-11-24T09:45:00Z", phase: "pre-void", volumeMl: 620, sensationToVoid: false }, clinicianToken);
    assert.equal(res.status, 201);
    assert.equal(res.body.twoc.status, "failed");
    assert.deepEqual(res.body.twoc.rules, ["U3", "U-SAFE"]);
    const get = await supertest(ctx.app).get(`/api/v1/episodes/${episode.id}/twoc`).set("Authorization", `Bearer ${nurseToken}`);
    assert.equal(get.status, 200);
    assert.deepEqual(get.body, res.body.twoc);
  });

  test("U6: a new catheter removal after the failure is 409 and nothing is stored, until a clinician overrides", async () => {
    const before = (await rows()).length;
    const res = await post({ type: "catheter-removed", at: NOW, clientId: "scanner-7:abc-2" });
    assert.equal(res.status, 409);
    assert.match(res.body.message, /U6/);
    assert.equal((await rows()).length, before);
    const clinician = await signIn(ctx.app, "clinician");
    assert.equal((await clinician.submit(`/episodes/${episode.id}/twoc/override`, { reason: "Second trial agreed with urology" })).status, 303);
    const allowed = await post({ type: "catheter-removed", at: NOW, clientId: "scanner-7:abc-2" });
    assert.equal(allowed.status, 201);
    assert.equal(allowed.body.twoc.status, "in-progress");
  });

  test("both endpoints are in the OpenAPI document", async () => {
    const res = await supertest(ctx.app).get("/api/v1/openapi.json");
    assert.ok(res.body.paths["/episodes/{episodeId}/bladder-events"].post);
    assert.ok(res.body.paths["/episodes/{episodeId}/bladder-events"].post.responses["409"]);
    assert.ok(res.body.paths["/episodes/{episodeId}/twoc"].get);
  });
});
