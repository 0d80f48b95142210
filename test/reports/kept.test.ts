// The reports' answers kept by the record (episode_report_facts): marked out of date by every change
// and classified again at the next reading, as when their valid-until passes, backfilled when
// missing, and always the same figures as classifying the records on the spot. SQLite, and
// PostgreSQL with DATABASE_URL.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { SYSTEM_ACTOR } from "../../src/audit/audit.ts";
import type { Db } from "../../src/db/knex.ts";
import type { Episode } from "../../src/patients/model.ts";
import { classifyEpisode } from "../../src/reports/classify.ts";
import { FIGURES, groupsOf, type CountedEpisode, wardTallies, type WardTally } from "../../src/reports/figures.ts";
import { classifyForKeeping, factsOf, FACTS_TABLE, writeIfUnchanged } from "../../src/reports/kept.ts";
import { loadEpisodes } from "../../src/reports/load.ts";
import { periodOf } from "../../src/reports/period.ts";
import { markReminderDone } from "../../src/reminders/service.ts";
import { createLetter, markSent } from "../../src/letters/service.ts";
import { recordDischarge } from "../../src/patients/service.ts";
import { classifyPeriod, reportRecords, reportTallies, sharedReportTallies, type Tallies } from "../../src/reports/service.ts";
import type { BladderEventInput } from "../../src/ward/model.ts";
import { recordBladderEvent, startFlipFlow } from "../../src/ward/service.ts";
import { createTestApp, pageText, signIn, type TestContext } from "../helpers/app.ts";
import { newEpisode } from "../ward/helpers.ts";

const NOW = "2026-11-24T10:00:00.000Z";
const HOUR = 3600_000;
const EVERYTHING = periodOf("2000-01-01", "2099-12-31");
const actor = SYSTEM_ACTOR;
let key = 0;

const later = (at: string, ms: number) => new Date(Date.parse(at) + ms).toISOString();

/** Every figure's table and chart rows, per group: what the page shows. */
function shown(wards: WardTally[]): unknown {
  const groups = groupsOf(wards);
  return FIGURES.map((f) => ({
    id: f.id,
    chart: f.chart(groups[0].tally).rows,
    table: groups.map((g) => [g.level, g.hospital, g.ward, ...f.columns.map((c) => c.value(g.tally))]),
  }));
}

const byId = (episodes: CountedEpisode[]) => Object.fromEntries(episodes.map((e) => [e.facts.episodeId, { facts: e.facts, hospital: e.hospital, ward: e.ward }]));

async function assertSameAsClassifyingNow(db: Db, now: string): Promise<void> {
  const tallies = await reportTallies(db, EVERYTHING, now);
  const kept = await reportRecords(db, EVERYTHING, now);
  const direct = await classifyPeriod(db, EVERYTHING, now);
  assert.ok(kept.episodes.length > 0);
  assert.deepEqual(byId(kept.episodes), byId(direct.episodes), `facts at ${now}`);
  assert.deepEqual(kept.unassessed, direct.unassessed, `unassessed at ${now}`);
  assert.deepEqual(tallies.unassessed, direct.unassessed, `unassessed on the page at ${now}`);
  assert.deepEqual(shown(tallies.wards), shown(wardTallies(direct.episodes)), `figures counted in SQL at ${now}`);
  assert.deepEqual(shown(wardTallies(kept.episodes)), shown(wardTallies(direct.episodes)), `figures counted in memory at ${now}`);
}

async function event(db: Db, e: Episode, input: Partial<BladderEventInput> & Pick<BladderEventInput, "type" | "at">, now = input.at) {
  await recordBladderEvent(db, actor, e, { phase: null, volumeMl: null, sensationToVoid: null, catheterType: null, ...input }, `kept${++key}`, "system", now);
}

async function keptRow(db: Db, episodeId: number) {
  return db(FACTS_TABLE).where({ episode_id: episodeId }).first();
}

describe("report answers kept by the record", () => {
  let ctx: TestContext;

  before(async () => {
    ctx = await createTestApp({ now: NOW });
  });
  after(() => ctx.close());

  test("on the demo data, the kept answers give the same facts and figures as classifying every record now, as time passes with no change", async () => {
    for (const ms of [0, HOUR, 3 * HOUR, 5 * HOUR, 7 * HOUR, 26 * HOUR, 5 * 24 * HOUR, 40 * 24 * HOUR, 400 * 24 * HOUR]) {
      await assertSameAsClassifyingNow(ctx.db, later(NOW, ms));
    }
  });

  test("an episode with no kept row (bulk-imported, or from before the table) is classified on reading, and the figures do not change", async () => {
    const before = shown((await reportTallies(ctx.db, EVERYTHING, NOW)).wards);
    const count = async () => Number(((await ctx.db(FACTS_TABLE).count({ n: "*" }).first()) as { n: number | string }).n);
    const rows = await count();
    await ctx.db(FACTS_TABLE).del();
    assert.equal(await count(), 0);
    assert.deepEqual(shown((await reportTallies(ctx.db, EVERYTHING, NOW)).wards), before);
    assert.equal(await count(), rows);
  });

  test("recording a bladder event marks the episode's row out of date in the same change; the next reading classifies it: in progress until the no-void deadline, then passed", async () => {
    const at = "2026-11-24T06:00:00.000Z";
    const e = await newEpisode(ctx.db, { now: at });
    await reportTallies(ctx.db, EVERYTHING, at);
    assert.equal((await keptRow(ctx.db, e.id)).twoc_outcome, "not-started");
    await event(ctx.db, e, { type: "catheter-removed", at });
    let row = await keptRow(ctx.db, e.id);
    assert.equal(new Date(row.valid_until).getTime(), 0, "marked in the change: classified again at the next reading");
    await reportTallies(ctx.db, EVERYTHING, at);
    row = await keptRow(ctx.db, e.id);
    assert.equal(row.twoc_outcome, "in-progress");
    assert.equal(new Date(row.valid_until).toISOString(), "2026-11-24T12:00:00.000Z", "U4: 6 hours after the removal, as the engine gives it");
    const version = Number(row.version);
    await event(ctx.db, e, { type: "void", at: "2026-11-24T07:00:00.000Z" });
    await event(ctx.db, e, { type: "scan", phase: "post-void", volumeMl: 40, at: "2026-11-24T07:05:00.000Z" });
    assert.equal(Number((await keptRow(ctx.db, e.id)).version), version + 2, "each change marked it");
    await assertSameAsClassifyingNow(ctx.db, "2026-11-24T07:05:00.000Z");
    row = await keptRow(ctx.db, e.id);
    assert.equal(row.twoc_outcome, "passed");
    assert.equal(row.valid_until, null);
  });

  test("a flip-flow opening due and not done is counted missed once its time passes, with no new event: the row is classified again on reading", async () => {
    const at = "2026-11-24T08:00:00.000Z";
    const e = await newEpisode(ctx.db, { now: at, ward: "Kept ward" });
    await event(ctx.db, e, { type: "catheter-removed", at: "2026-11-24T04:00:00.000Z" }, at);
    await event(ctx.db, e, { type: "recatheterised", catheterType: "long-term-flip-flow", at: "2026-11-24T05:00:00.000Z" }, at);
    await startFlipFlow(ctx.db, actor, e, { intervalMinutes: 240, firstOpeningAt: "2026-11-24T09:00:00.000Z", reason: "started", note: null }, `kept${++key}`, at);
    await event(ctx.db, e, { type: "flip-flow-opening", volumeMl: 300, at: "2026-11-24T09:00:00.000Z" });
    await reportTallies(ctx.db, EVERYTHING, "2026-11-24T09:00:00.000Z");
    const row = await keptRow(ctx.db, e.id);
    assert.deepEqual([Number(row.ff_due), Number(row.ff_on_time), Number(row.ff_missed)], [1, 1, 0]);
    assert.equal(new Date(row.valid_until).toISOString(), "2026-11-24T13:00:00.000Z", "the next opening falls due");

    const clinician = await signIn(ctx.app, "clinician");
    const query = "from-day=23&from-month=11&from-year=2026&to-day=24&to-month=11&to-year=2026";
    const share = "(\\d+ of \\d+ \\(\\d+%\\)|none)";
    const cells = new RegExp(`Kept ward (\\d+) (\\d+) ${share} ${share} ${share} (\\d+)`);
    /** The ward's row in the flip-flow table: schedules, due, on time, late, missed, overdue. */
    const flipFlowRow = async () => cells.exec(pageText((await clinician.agent.get(`/reports?${query}`)).text).split("Flip-flow valve openings, per hospital and ward")[1])?.slice(1);
    ctx.clock.set("2026-11-24T12:59:00.000Z");
    assert.deepEqual(await flipFlowRow(), ["1", "1", "1 of 1 (100%)", "0 of 1 (0%)", "0 of 1 (0%)", "0"]);
    ctx.clock.set("2026-11-24T13:00:00.000Z"); // 4 hours since the last opening (F1): missed at once
    assert.deepEqual(await flipFlowRow(), ["1", "2", "1 of 2 (50%)", "0 of 2 (0%)", "1 of 2 (50%)", "0"]);
    assert.equal(Number((await keptRow(ctx.db, e.id)).ff_missed), 1, "kept as classified on reading");
    await assertSameAsClassifyingNow(ctx.db, "2026-11-24T13:00:00.000Z");
    ctx.clock.set(NOW);
  });

  test("marking the GP drug review (P4) check done marks the episode's row: the next reading counts it", async () => {
    const reminder = await ctx.db("reminders").where({ kind: "gp-drug-review", status: "scheduled" }).orderBy("id").first();
    assert.ok(reminder, "the demo data has an open P4 check");
    await reportTallies(ctx.db, EVERYTHING, NOW);
    assert.equal((await keptRow(ctx.db, reminder.episode_id)).gp_review_checked_at, null);
    assert.equal(await markReminderDone(ctx.db, actor, reminder.id, NOW), true);
    await assertSameAsClassifyingNow(ctx.db, NOW);
    assert.equal(new Date((await keptRow(ctx.db, reminder.episode_id)).gp_review_checked_at).toISOString(), NOW);
  });

  test("reports asked for at once share a count, and one asked after a change sees it", async () => {
    const e = await newEpisode(ctx.db, { now: "2026-11-24T06:00:00.000Z", ward: "Shared ward" });
    const period = periodOf("2026-11-23", "2026-11-24");
    const twocInProgress = (t: Tallies) => t.wards.find((w) => w.ward === "Shared ward")?.tally.count.inProgress;
    const together = await Promise.all([1, 2, 3, 4].map(() => sharedReportTallies(ctx.db, period, () => NOW)));
    for (const t of together) assert.deepEqual(shown(t.wards), shown(together[0].wards));
    assert.equal(twocInProgress(together[0]), 0);
    const first = sharedReportTallies(ctx.db, period, () => NOW);
    await event(ctx.db, e, { type: "catheter-removed", at: "2026-11-24T09:00:00.000Z" }, NOW);
    const after = sharedReportTallies(ctx.db, period, () => NOW);
    await first;
    assert.equal(twocInProgress(await after), 1);
  });

  test("a report that classified an episode before a change cannot write over the change's mark", async () => {
    const at = "2026-11-24T06:00:00.000Z";
    const e = await newEpisode(ctx.db, { now: at });
    await reportTallies(ctx.db, EVERYTHING, at);
    const version = Number((await keptRow(ctx.db, e.id)).version);
    const [stale] = await loadEpisodes(ctx.db, [e.id], NOW); // the report loads the record...
    await event(ctx.db, e, { type: "catheter-removed", at }); // ...a change commits meanwhile...
    await writeIfUnchanged(ctx.db, [{ kept: classifyForKeeping(stale, NOW), version }], NOW); // ...and the report writes
    const row = await keptRow(ctx.db, e.id);
    assert.equal(Number(row.version), version + 1);
    assert.equal(new Date(row.valid_until).getTime(), 0, "still marked out of date: the report's older answer (not started) was not written");
    await reportTallies(ctx.db, EVERYTHING, NOW);
    assert.equal((await keptRow(ctx.db, e.id)).twoc_outcome, "in-progress");
  });
});

describe("days from the SCI referral's indication to sending", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestApp({ now: NOW, seed: false });
  });
  after(() => ctx.close());

  test("count from when R1 applied (the discharge, for a failed TWOC), not from when the record was keyed in", async () => {
    const e = await newEpisode(ctx.db, { now: "2026-08-01T10:00:00.000Z" });
    // The whole stay keyed in on 24 November, months after it happened.
    await event(ctx.db, e, { type: "catheter-removed", at: "2026-08-01T08:00:00.000Z" }, NOW);
    await event(ctx.db, e, { type: "scan", phase: "pre-void", volumeMl: 550, sensationToVoid: false, at: "2026-08-01T09:00:00.000Z" }, NOW);
    await event(ctx.db, e, { type: "recatheterised", catheterType: "long-term-flip-flow", at: "2026-08-01T09:10:00.000Z" }, NOW);
    await recordDischarge(ctx.db, actor, e.id, { dischargedAt: "2026-08-07T10:00:00.000Z", destination: "Home", catheterStatus: "flip-flow" }, NOW);
    const letterId = await createLetter(ctx.db, actor, e, "sci-referral", null, null, NOW);
    await markSent(ctx.db, actor, { id: letterId, episodeId: e.id, kind: "sci-referral", createdAt: NOW, createdBy: "system" }, 1, "nscisb-web-form", NOW);
    const [record] = await loadEpisodes(ctx.db, [e.id], NOW);
    const { sci } = classifyEpisode(record, NOW)!;
    assert.equal(sci.indicatedSince, "2026-08-07T10:00:00.000Z");
    assert.equal(sci.daysToSend, 109, "7 August to 24 November");
  });
});

describe("a report racing a change to an episode it has no row for yet", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestApp({ now: NOW, seed: false });
  });
  after(() => ctx.close());

  test("the change's placeholder wins over the report's older answer, and the next reading classifies the record as changed", async () => {
    const at = "2026-11-24T06:00:00.000Z";
    const e = await newEpisode(ctx.db, { now: at });
    await ctx.db(FACTS_TABLE).where({ episode_id: e.id }).del(); // as bulk-imported history: no row
    const [before] = await loadEpisodes(ctx.db, [e.id], NOW); // the report loads the record (no row: version 0)...
    await event(ctx.db, e, { type: "catheter-removed", at }); // ...a change commits meanwhile...
    await writeIfUnchanged(ctx.db, [{ kept: classifyForKeeping(before, NOW), version: 0 }], NOW); // ...and the report writes
    const row = await keptRow(ctx.db, e.id);
    assert.equal(row.twoc_outcome, null, "the report's answer (not started) was not written");
    assert.equal(new Date(row.valid_until).getTime(), 0);
    await reportTallies(ctx.db, EVERYTHING, NOW);
    assert.equal((await keptRow(ctx.db, e.id)).twoc_outcome, "in-progress");
  });
});

describe("two changes to one episode at once (several connections: a SQLite file, or PostgreSQL)", () => {
  let ctx: TestContext;

  before(async () => {
    ctx = await createTestApp({ now: NOW, sqliteFile: true, seed: false });
  });
  after(() => ctx.close());

  test("leave one row, matching the final record", async () => {
    const at = "2026-11-24T06:00:00.000Z";
    const e = await newEpisode(ctx.db, { now: at });
    await event(ctx.db, e, { type: "catheter-removed", at });
    await reportTallies(ctx.db, EVERYTHING, NOW);
    const version = Number((await keptRow(ctx.db, e.id)).version);
    await Promise.all([
      event(ctx.db, e, { type: "void", at: "2026-11-24T07:00:00.000Z" }, NOW),
      event(ctx.db, e, { type: "scan", phase: "post-void", volumeMl: 40, at: "2026-11-24T07:05:00.000Z" }, NOW),
      event(ctx.db, e, { type: "scan", phase: "pre-void", volumeMl: 200, sensationToVoid: true, at: "2026-11-24T06:30:00.000Z" }, NOW),
    ]);
    assert.equal(Number((await keptRow(ctx.db, e.id)).version), version + 3, "each of the three changes marked the row");
    await reportTallies(ctx.db, EVERYTHING, NOW);
    const rows = await ctx.db(FACTS_TABLE).where({ episode_id: e.id });
    assert.equal(rows.length, 1);
    const [record] = await loadEpisodes(ctx.db, [e.id], NOW);
    const kept = factsOf({ ...rows[0], presentation: record.episode.presentation });
    assert.deepEqual(kept, classifyEpisode(record, NOW));
    assert.equal(kept?.twoc.outcome, "passed");
  });
});
