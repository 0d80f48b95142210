/**
 * Two nurses, a bladder scanner and the hospital feed may post at once. On either database the
 * pathway's rules hold, nothing is lost and nobody sees an error page. On SQLite these run on a
 * database file, as the app does (several connections in WAL mode), not in memory.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import supertest from "supertest";
import type { Episode } from "../../src/patients/model.ts";
import { apiToken, createTestApp, hiddenFields, signIn, type SignedInAgent, type TestContext } from "../helpers/app.ts";
import { newEpisode } from "../ward/helpers.ts";

const NOW = "2026-11-24T10:00:00Z";

describe("concurrent changes to one episode", () => {
  let ctx: TestContext;
  let nurse: SignedInAgent;
  let token: string;

  before(async () => {
    ctx = await createTestApp({ now: NOW, sqliteFile: true });
    nurse = await signIn(ctx.app, "nurse");
    token = await apiToken(ctx.db, "nurse");
  });
  after(() => ctx.close());

  /** Each nurse opens the form, then they all press save together. */
  async function formsAtOnce(path: string, count: number, fields: (i: number) => Record<string, string>) {
    const pages = [];
    for (let i = 0; i < count; i++) pages.push(await nurse.agent.get(path));
    return pages.map((page, i) => () => nurse.agent.post(path).type("form").send({ ...hiddenFields(page.text, path), ...fields(i) }));
  }
  const api = (episode: Episode, body: object) => () => supertest(ctx.app).post(`/api/v1/episodes/${episode.id}/bladder-events`).set("Authorization", `Bearer ${token}`).send(body);
  const statuses = (responses: { status: number }[]) => responses.reduce<Record<number, number>>((n, r) => ({ ...n, [r.status]: (n[r.status] ?? 0) + 1 }), {});

  test("8 flip-flow starts at once leave one schedule in force; stopping it leaves none and cancels its reminders", async () => {
    const episode = await newEpisode(ctx.db, { now: NOW });
    const start = `/episodes/${episode.id}/flip-flow/start`;
    const posts = await formsAtOnce(start, 8, () => ({ "firstOpeningAt-day": "24", "firstOpeningAt-month": "11", "firstOpeningAt-year": "2026", "firstOpeningAt-time": "12:00" }));
    const responses = await Promise.all(posts.map((post) => post()));
    assert.deepEqual(statuses(responses), { 303: 8 });
    const inForce = await ctx.db("flip_flow_schedules").where({ episode_id: episode.id }).whereNull("ended_at");
    assert.equal(inForce.length, 1);

    const page = await nurse.agent.get(`/episodes/${episode.id}/flip-flow`);
    const stop = await nurse.agent.post(`/episodes/${episode.id}/flip-flow/stop`).type("form").send({ ...hiddenFields(page.text, `/episodes/${episode.id}/flip-flow/stop`), stopReason: "Valve removed" });
    assert.equal(stop.status, 303);
    assert.equal((await ctx.db("flip_flow_schedules").where({ episode_id: episode.id }).whereNull("ended_at")).length, 0);
    assert.doesNotMatch((await nurse.agent.get(`/episodes/${episode.id}/flip-flow`)).text, /Next opening/);
    const scheduled = await ctx.db("reminders").where({ episode_id: episode.id, status: "scheduled" }).whereIn("kind", ["flipflow-opening", "flipflow-missed"]);
    assert.equal(scheduled.length, 0);
  });

  test("20 API valve openings at the same time store one; the rest are told 409", async () => {
    const episode = await newEpisode(ctx.db, { now: NOW });
    const at = "2026-11-24T09:30:00Z";
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => api(episode, { type: "flip-flow-opening", at, volumeMl: 300 + i, clientId: `open-${i}` })()));
    assert.deepEqual(statuses(responses), { 201: 1, 409: 19 });
    assert.equal((await ctx.db("bladder_events").where({ episode_id: episode.id, type: "flip-flow-opening" })).length, 1);
  });

  test("40 scan forms and 400 API posts at once: every one stored once, none an error page", async () => {
    const episode = await newEpisode(ctx.db, { now: NOW });
    const record = `/episodes/${episode.id}/bladder/record/scan`;
    const forms = await formsAtOnce(record, 40, (i) => ({
      when: "earlier", "at-day": "24", "at-month": "11", "at-year": "2026", "at-time": `09:${String(i).padStart(2, "0")}`,
      phase: "pre-void", volumeMl: String(200 + i), sensationToVoid: "yes",
    }));
    const posts = Array.from({ length: 400 }, (_, i) => api(episode, { type: "scan", at: new Date(Date.parse(NOW) - (i + 1) * 1000).toISOString(), phase: "post-void", volumeMl: i % 90, clientId: `scan-${i}` }));
    const all = [...forms, ...posts].sort((a, b) => (forms.indexOf(a) % 7) - (forms.indexOf(b) % 7));
    const responses = await Promise.all(all.map((send) => send()));
    assert.deepEqual(statuses(responses), { 201: 400, 303: 40 });
    const stored = await ctx.db("bladder_events").where({ episode_id: episode.id, type: "scan" });
    assert.equal(stored.length, 440);
    assert.equal(new Set(stored.map((r) => `${r.at}|${r.volume_ml}`)).size, 440);
  });
});
