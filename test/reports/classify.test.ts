import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { BladderEvent } from "../../src/pathway/index.ts";
import { firstTrial, scheduleCounts, surgicalFacts } from "../../src/reports/classify.ts";

const removed = (at: string): BladderEvent => ({ type: "catheter-removed", at });
const NOW = "2026-03-10T12:00:00.000Z";

describe("first trial without catheter, as the rule engine decides it", () => {
  test("no catheter removal: not started", () => {
    assert.deepEqual(firstTrial([], NOW), { outcome: "not-started", decidedAt: null, hoursFromSurgery: null });
  });

  test("no void: failed (U4) at the engine's 6-hour deadline, whether or not an event follows", () => {
    assert.equal(firstTrial([removed("2026-03-01T08:00:00Z")], NOW).decidedAt, "2026-03-01T14:00:00.000Z");
    const late = firstTrial([removed("2026-03-01T08:00:00Z"), { type: "void", at: "2026-03-01T15:00:00Z" }], NOW);
    assert.deepEqual([late.outcome, late.decidedAt], ["failed-u4", "2026-03-01T14:00:00.000Z"]);
  });

  test("a trial still open at discharge is clinical review at the discharge, not a U4 failure found later", () => {
    const events = [removed("2026-03-01T08:00:00Z"), { type: "void", at: "2026-03-01T09:00:00Z" } as BladderEvent];
    const open = firstTrial(events, NOW, "2026-03-01T10:00:00Z");
    assert.deepEqual([open.outcome, open.decidedAt], ["review", "2026-03-01T10:00:00.000Z"]);
    // Failed before the patient left: still the failure.
    const failed = firstTrial(events, NOW, "2026-03-01T16:00:00Z");
    assert.deepEqual([failed.outcome, failed.decidedAt], ["failed-u4", "2026-03-01T15:00:00.000Z"]);
    // Still on the ward: in progress until the deadline.
    assert.equal(firstTrial(events, "2026-03-01T10:00:00Z").outcome, "in-progress");
  });

  test("only the first trial counts: a later catheter removal (after a U6 override) starts another one", () => {
    const events: BladderEvent[] = [
      removed("2026-03-01T08:00:00Z"),
      { type: "scan", phase: "pre-void", volumeMl: 700, sensationToVoid: false, at: "2026-03-01T09:00:00Z" },
      removed("2026-03-03T08:00:00Z"),
      { type: "void", at: "2026-03-03T09:00:00Z" },
      { type: "scan", phase: "post-void", volumeMl: 20, at: "2026-03-03T09:05:00Z" },
    ];
    const t = firstTrial(events, NOW);
    assert.deepEqual([t.outcome, t.decidedAt], ["failed-u3", "2026-03-01T09:00:00.000Z"]);
  });
});

describe("surgical record answers", () => {
  const base = { presentation: "CES-R" as const, mriAt: "2026-01-10T08:00:00Z", anaesthesiaStartAt: "2026-01-11T09:00:00Z" };
  test("a CES-R breach is with or without a reason as the engine flags it; a night start with or without sanction", () => {
    assert.equal(surgicalFacts(base).timeR, "breach-without-reason");
    assert.equal(surgicalFacts({ ...base, delayReason: "No theatre" }).timeR, "breach-with-reason");
    assert.equal(surgicalFacts({ ...base, delayReason: "   " }).timeR, "breach-without-reason");
    assert.equal(surgicalFacts({ ...base, anaesthesiaStartAt: "2026-01-11T08:00:00Z" }).timeR, "within");
    assert.equal(surgicalFacts({ ...base, presentation: "CES-I" }).timeR, null);
    const night = { ...base, anaesthesiaStartAt: "2026-01-11T07:29:00Z" };
    assert.equal(surgicalFacts(night).night, "night-unsanctioned");
    assert.equal(surgicalFacts({ ...night, consultantSanction: true }).night, "night-sanctioned");
    assert.equal(surgicalFacts({ ...base, anaesthesiaStartAt: "2026-01-11T07:30:00Z" }).night, "day");
  });
});

describe("flip-flow openings over a whole schedule", () => {
  test("a schedule longer than the engine's 31-day window is read in steps without counting a slot twice or losing one", () => {
    const schedule = { id: 1, episodeId: 1, intervalMinutes: 240, firstOpeningAt: "2026-01-01T00:00:00.000Z", reason: "started", note: null, endedAt: null, recordedBy: "x", recordedAt: "2025-12-31T23:00:00.000Z" };
    // 40 days of openings every 4 hours, each on time, except one skipped on day 35 and one 30 minutes late on day 20.
    const openings: { at: string; volumeMl: number }[] = [];
    for (let k = 0; k < 40 * 6; k++) {
      const t = Date.parse(schedule.firstOpeningAt) + k * 4 * 3600_000;
      if (k === 35 * 6) continue;
      openings.push({ at: new Date(k === 20 * 6 ? t + 30 * 60_000 : t).toISOString(), volumeMl: 300 });
    }
    const end = new Date(Date.parse(schedule.firstOpeningAt) + 40 * 24 * 3600_000 - 1).toISOString();
    assert.deepEqual(scheduleCounts(schedule, openings, end), { due: 240, onTime: 238, late: 1, missed: 1, overdue: 0 });
  });
});
