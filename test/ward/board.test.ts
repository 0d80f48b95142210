import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { SYSTEM_ACTOR } from "../../src/audit/audit.ts";
import { recordDischarge } from "../../src/patients/service.ts";
import { wardBoard } from "../../src/ward/board.ts";
import type { BladderEventInput } from "../../src/ward/model.ts";
import { getWardState } from "../../src/ward/index.ts";
import { recordBladderEvent, startFlipFlow } from "../../src/ward/service.ts";
import { createTestApp, pageText, signIn, type SignedInAgent, type TestContext } from "../helpers/app.ts";
import { DEMO_WARD } from "../../seeds/02_patients.ts";
import { newEpisode } from "./helpers.ts";

const NOW = "2026-11-24T03:00:00Z";
const ev = (e: Partial<BladderEventInput> & Pick<BladderEventInput, "type" | "at">): BladderEventInput => ({ phase: null, volumeMl: null, sensationToVoid: null, catheterType: null, ...e });

describe("the ward board", () => {
  let ctx: TestContext;
  let nurse: SignedInAgent;
  before(async () => {
    ctx = await createTestApp({ now: NOW });
    nurse = await signIn(ctx.app, "nurse");
  });
  after(() => ctx.close());

  test("the demo ward is the default: one row per current inpatient, refreshing every minute, most urgent first", async () => {
    const res = await nurse.agent.get("/ward");
    assert.equal(res.status, 200);
    assert.match(res.text, /id="auto-refresh-control" data-seconds="60"/);
    assert.match(res.text, /<script type="module" src="\/assets\/js\/auto-refresh.js"><\/script>/);
    const text = pageText(res.text);
    assert.match(text, new RegExp(`Ward board: ${DEMO_WARD.replace(/[()]/g, "\\$&")}`));
    const rows = [...res.text.matchAll(/<td class="nhsuk-table__cell app-board__bed">([^<]*)<\/td>/g)].map((m) => m[1]);
    assert.deepEqual(rows, ["7", "12", "14", "5", "4", "9", "11"], "overdue opening and the void awaiting its post-void scan (actions due now), then clinical review (the one with a clock first), then the running clocks (soonest first), then nothing timed");
    assert.doesNotMatch(text, /PATEL/, "the discharged patient is not on the board");
    assert.match(res.text, /app-board__row--overdue/);
    assert.match(text, /HUGHES, David .* Flip-flow opening \d\d:\d\d Overdue by 40 min/);
    assert.match(text, /OKAFOR, Grace .* No-void deadline \(U4\) \d\d:\d\d In 3 h 0 min/);
    assert.match(text, /HUGHES, David .*? Next step: Open the flip-flow valve now \(F1\)/, "each row carries the engine's next step");
  });

  test("a board row's flip-flow answer (next opening, overdue, missed) is the episode page's, however many openings are recorded", async () => {
    const e = await newEpisode(ctx.db, { now: NOW, ward: "Valve ward", bed: "8" });
    const start = Date.parse(NOW) - 20 * 3600_000;
    await startFlipFlow(ctx.db, SYSTEM_ACTOR, e, { intervalMinutes: 120, firstOpeningAt: new Date(start).toISOString(), reason: "started", note: null }, "ff", new Date(start).toISOString());
    // Openings every 2 h for 18 h, then none: the next is overdue and then missed.
    for (let h = 0; h <= 16; h += 2) {
      await recordBladderEvent(ctx.db, SYSTEM_ACTOR, e, ev({ type: "flip-flow-opening", at: new Date(start + h * 3600_000).toISOString(), volumeMl: 300 }), `o${h}`, "system", NOW);
    }
    for (const at of [NOW, "2026-11-24T04:30:00Z", "2026-11-24T06:00:00Z"]) {
      const row = (await wardBoard(ctx.db, "Valve ward", at)).find((r) => r.episodeId === e.id)!;
      const page = (await getWardState(ctx.db, e.id, at)).flipFlow!;
      assert.deepEqual(
        { next: row.flipFlow!.nextOpeningAt, last: row.flipFlow!.lastOpeningAt, overdue: row.flipFlow!.overdue, missed: row.flipFlow!.missed },
        { next: page.nextOpeningAt, last: page.lastOpeningAt, overdue: page.overdue, missed: (page as { missed?: boolean }).missed },
        at,
      );
    }
  });

  test("another ward is chosen with ?ward=; an unknown ward shows no one", async () => {
    const e = await newEpisode(ctx.db, { now: NOW, ward: "Ward 7 (Orthopaedics)", bed: "3", familyName: "Ortho" });
    await recordBladderEvent(ctx.db, SYSTEM_ACTOR, e, ev({ type: "catheter-removed", at: "2026-11-24T02:00:00Z" }), "t:1", "system", NOW);
    await recordBladderEvent(ctx.db, SYSTEM_ACTOR, e, ev({ type: "scan", at: "2026-11-24T02:30:00Z", phase: "post-void", volumeMl: 700 }), "t:2", "system", NOW);
    const res = await nurse.agent.get("/ward?ward=Ward%207%20(Orthopaedics)");
    const text = pageText(res.text);
    assert.match(text, /ORTHO, Alex/);
    assert.match(text, /U-SAFE: bladder over 600 ml/, "U-SAFE shows as an urgent alert on the board");
    assert.doesNotMatch(text, /HUGHES/);
    const nowhere = await nurse.agent.get("/ward?ward=Nowhere");
    assert.equal(nowhere.status, 404);
    assert.match(pageText(nowhere.text), /There is no ward "Nowhere" It may have been renamed or retired/, "an unknown ward is not shown as an empty ward");
    await recordDischarge(ctx.db, SYSTEM_ACTOR, e.id, { dischargedAt: NOW, destination: "Home", catheterStatus: "isc" }, NOW);
    assert.doesNotMatch(pageText((await nurse.agent.get("/ward?ward=Ward%207%20(Orthopaedics)")).text), /ORTHO/);
  });

  test("an episode registered on a ward from the form is on that ward's board, and the ward is on the list, whatever its name becomes", async () => {
    const [{ id: wardId }] = await ctx.db("wards").insert({ name: "ward 9 (spinal step-down)", created_at: NOW, updated_at: NOW }).returning("id");
    const patient = await nurse.submit("/patients", {
      nhsNumber: "450 557 7104", familyName: "Linked", givenName: "Lee", "dateOfBirth-day": "31", "dateOfBirth-month": "1", "dateOfBirth-year": "1970", sex: "female", emailConsent: "no",
    });
    const at = (f: string, time: string) => ({ [`${f}-day`]: "23", [`${f}-month`]: "11", [`${f}-year`]: "2026", [`${f}-time`]: time });
    const registered = await nurse.submit(`${patient.headers.location}/episodes`, {
      presentation: "CES-I", ...at("mriAt", "20:00"), ...at("anaesthesiaStartAt", "23:00"), procedure: "laminotomy", wardId: String(wardId), bed: "2",
    });
    assert.equal(registered.status, 303, pageText(registered.text ?? "").slice(0, 300));
    const choices = (html: string) => [...html.matchAll(/<option value="[^"]*"[^>]*>([^<]*)</g)].map((m) => m[1]);
    const board = await nurse.agent.get(`/ward?ward=${encodeURIComponent("ward 9 (spinal step-down)")}`);
    assert.ok(choices(board.text).includes("ward 9 (spinal step-down)"), "the ward is on the board's list");
    assert.match(pageText(board.text), /Ward board: ward 9 \(spinal step-down\) .*LINKED, Lee/);

    await ctx.db("wards").where({ id: wardId }).update({ name: "Ward 9 (Step-down)", retired_at: NOW });
    const renamed = await nurse.agent.get(`/ward?ward=${encodeURIComponent("Ward 9 (Step-down)")}`);
    assert.ok(choices(renamed.text).includes("Ward 9 (Step-down)"), "a retired ward stays on the list while it has an inpatient");
    assert.match(pageText(renamed.text), /LINKED, Lee/, "the episode follows its ward, not the name it was typed with");
    assert.doesNotMatch(pageText((await nurse.agent.get(`/ward?ward=${encodeURIComponent("ward 9 (spinal step-down)")}`)).text), /LINKED/);
    // A board open on the ward's address (its id) keeps showing it through the rename.
    const bookmarked = await nurse.agent.get(`/ward?ward=${wardId}`);
    assert.match(pageText(bookmarked.text), /Ward board: Ward 9 \(Step-down\) .*LINKED, Lee/);

    const episodeId = Number(/\/episodes\/(\d+)$/.exec(registered.headers.location)![1]);
    await recordDischarge(ctx.db, SYSTEM_ACTOR, episodeId, { dischargedAt: NOW, destination: "Home", catheterStatus: "none" }, NOW);
    assert.ok(!choices((await nurse.agent.get("/ward")).text).includes("Ward 9 (Step-down)"), "a retired ward with no inpatient leaves the list");
  });

  test("the board reads the same few queries for 3 inpatients or 30 (no query per patient)", async () => {
    const queries = async (ward: string) => {
      let n = 0;
      const count = () => n++;
      ctx.db.on("query", count);
      await wardBoard(ctx.db, ward, NOW);
      ctx.db.removeListener("query", count);
      return n;
    };
    for (let i = 0; i < 30; i++) {
      const e = await newEpisode(ctx.db, { now: NOW, ward: i < 3 ? "Small" : "Big", bed: String(i) });
      await recordBladderEvent(ctx.db, SYSTEM_ACTOR, e, ev({ type: "catheter-removed", at: "2026-11-24T01:00:00Z" }), `q:${i}`, "system", NOW);
    }
    for (let i = 0; i < 3; i++) {
      const e = await newEpisode(ctx.db, { now: NOW, ward: "Big", bed: `b${i}` });
      await recordBladderEvent(ctx.db, SYSTEM_ACTOR, e, ev({ type: "void", at: "2026-11-24T01:00:00Z" }), `v:${i}`, "system", NOW);
    }
    const small = await queries("Small");
    const big = await queries("Big");
    assert.equal(big, small);
    assert.ok(big <= 3, `${big} queries`);
    assert.equal((await wardBoard(ctx.db, "Big", NOW)).length, 30);
  });
});

describe("the bladder chart", () => {
  let ctx: TestContext;
  let nurse: SignedInAgent;
  before(async () => {
    ctx = await createTestApp({ now: NOW });
    nurse = await signIn(ctx.app, "nurse");
  });
  after(() => ctx.close());

  test("an SVG with a title, a description, lines at 100/500/600 ml, removal and re-catheterisation markers, and the table as text", async () => {
    const episode = await ctx.db("episodes").where({ bed: "7" }).first();
    const res = await nurse.agent.get(`/episodes/${episode.id}/bladder/chart`);
    assert.equal(res.status, 200);
    assert.match(res.text, /<svg class="app-bladder-chart app-bladder-chart--wide"[^>]*role="img" aria-labelledby="chart-title chart-desc"/);
    assert.match(res.text, /<title id="chart-title">Bladder chart for HUGHES, David<\/title>/);
    assert.match(res.text, /<desc id="chart-desc">[^<]*largest 620 ml/);
    for (const line of ["100 ml U2", "500 ml U3 F2", "600 ml U-SAFE"]) assert.ok(res.text.includes(line), line);
    assert.match(res.text, />Catheter removed<\/text>/);
    assert.match(res.text, />Re-catheterised<\/text>/);
    assert.doesNotMatch(res.text, /<script(?![^>]*\bsrc=)|style="/, "no inline script and no inline style (CSP)");
    const table = pageText(/<table class="nhsuk-table" id="chart-table">([\s\S]*?)<\/table>/.exec(res.text)![1]);
    assert.match(table, /Pre-void scan 620 ml, no sensation to void 620 ml/);
    assert.match(table, /Flip-flow valve opened, drained 560 ml/);
  });
});
