// The feed's changes for engines that post over HTTP instead of MLLP: look up a ward's id, transfer
// with PATCH, discharge with POST, and register an episode once however often it is resent.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import supertest from "supertest";
import { findEpisode } from "../../src/patients/repository.ts";
import { apiToken, createTestApp, type TestContext } from "../helpers/app.ts";
import { wardIdFor } from "../helpers/wards.ts";
import { newEpisode } from "../ward/helpers.ts";

const NOW = "2026-11-24T10:00:00Z";
let ctx: TestContext;
let pas: string;

before(async () => {
  ctx = await createTestApp({ now: NOW, sqliteFile: true });
  pas = await apiToken(ctx.db, "admin");
});
after(() => ctx.close());

const api = () => supertest(ctx.app);

test("GET /api/v1/wards lists each ward's id and name for a PAS token; a transfer is a PATCH of wardId and bed, audited as the token", async () => {
  const target = (await wardIdFor(ctx.db, "HTTP transfer ward"))!;
  const wards = await api().get("/api/v1/wards").set("authorization", `Bearer ${pas}`);
  assert.equal(wards.status, 200);
  assert.deepEqual(wards.body.find((w: { id: number }) => w.id === target), { id: target, name: "HTTP transfer ward", retired: false });
  assert.equal((await api().get("/api/v1/wards")).status, 401);

  const episode = await newEpisode(ctx.db, { now: NOW, ward: "Admissions", bed: "1" });
  const moved = await api().patch(`/api/v1/episodes/${episode.id}`).set("authorization", `Bearer ${pas}`).send({ wardId: target, bed: "12" });
  assert.equal(moved.status, 200);
  const stored = (await findEpisode(ctx.db, episode.id))!;
  assert.equal(stored.wardId, target);
  assert.equal(stored.bed, "12");
  const audit = await ctx.db("audit_events").where({ entity: "episode", entity_id: episode.id, action: "correct" }).first();
  assert.equal(audit.actor_type, "api");

  const discharged = await api().post(`/api/v1/episodes/${episode.id}/discharge`).set("authorization", `Bearer ${pas}`).send({ dischargedAt: "2026-11-24T09:00:00Z", destination: "Home", catheterStatus: "none" });
  assert.equal(discharged.status, 201);
  const review = await ctx.db("reminders").where({ episode_id: episode.id, kind: "gp-drug-review", status: "scheduled" }).first();
  assert.ok(review, "the P4 review is scheduled");
});

test("ten identical registrations with one clientId, sent at once, make one episode; without a clientId each is new", async () => {
  const episode = await newEpisode(ctx.db, { now: NOW });
  const body = { presentation: "CES-R", mriAt: "2026-11-23T20:00:00Z", anaesthesiaStartAt: "2026-11-23T23:30:00Z", procedure: "laminotomy", clientId: "PAS-EP-0001" };
  const answers = await Promise.all(Array.from({ length: 10 }, () => api().post(`/api/v1/patients/${episode.patientId}/episodes`).set("authorization", `Bearer ${pas}`).send(body)));
  assert.deepEqual(answers.map((a) => a.status).sort(), [200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
  assert.equal(new Set(answers.map((a) => a.body.id)).size, 1);
  assert.equal((await ctx.db("episodes").where({ patient_id: episode.patientId }).count({ n: "*" }).first())!.n, 2);

  const bad = await api().post(`/api/v1/patients/${episode.patientId}/episodes`).set("authorization", `Bearer ${pas}`).send({ ...body, clientId: "has space" });
  assert.equal(bad.status, 400);
  assert.match(JSON.stringify(bad.body), /clientId/);
  const { clientId: _c, ...withoutId } = body;
  await api().post(`/api/v1/patients/${episode.patientId}/episodes`).set("authorization", `Bearer ${pas}`).send(withoutId).expect(201);
  assert.equal((await ctx.db("episodes").where({ patient_id: episode.patientId }).count({ n: "*" }).first())!.n, 3);
});
