import { test, describe } from "node:test";
import assert from "node:assert/strict";
import {
  assessFlipFlow,
  checkFlipFlowStart,
  DEFAULT_INTERVAL_MINUTES,
  drainAimMissed,
  INTERVAL_CHOICES,
  rules,
  type FlipFlowInput,
} from "../../src/pathway/index.ts";
import { throwsInput } from "./helpers.ts";

const H = 3600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const T0 = Date.parse("2026-11-24T12:00:00Z");
const schedule = (intervalMinutes = 240, firstOpeningAt = iso(T0), startedAt = iso(T0 - 4 * H)) => ({ intervalMinutes, firstOpeningAt, startedAt });
const at = (ms: number) => iso(ms);

describe("F1/F2: starting a flip-flow schedule", () => {
  test("interval choices: 4 h down to 30 min in 30-minute steps, 4 h the default", () => {
    assert.deepEqual(INTERVAL_CHOICES, [240, 210, 180, 150, 120, 90, 60, 30]);
    assert.equal(DEFAULT_INTERVAL_MINUTES, 240);
    assert.ok(Object.isFrozen(INTERVAL_CHOICES));
  });
  const now = "2026-11-24T08:00:00Z";
  const cases: { name: string; intervalMinutes: number; first: string; byClinician: boolean; codes: string[] }[] = [
    { name: "4 h by a nurse, first opening exactly now + 4 h", intervalMinutes: 240, first: "2026-11-24T12:00:00Z", byClinician: false, codes: [] },
    { name: "first opening one minute after now + 4 h", intervalMinutes: 240, first: "2026-11-24T12:01:00Z", byClinician: false, codes: ["first-too-late"] },
    { name: "a nurse shortening to 2 h", intervalMinutes: 120, first: "2026-11-24T09:00:00Z", byClinician: false, codes: ["clinician-only"] },
    { name: "a clinician shortening to 2 h", intervalMinutes: 120, first: "2026-11-24T10:00:00Z", byClinician: true, codes: [] },
    { name: "a clinician, 2 h, first opening after now + 2 h", intervalMinutes: 120, first: "2026-11-24T10:30:00Z", byClinician: true, codes: ["first-too-late"] },
    { name: "not a 30-minute step", intervalMinutes: 125, first: "2026-11-24T09:00:00Z", byClinician: true, codes: ["step"] },
    { name: "a first opening in the past", intervalMinutes: 240, first: "2026-11-24T07:00:00Z", byClinician: false, codes: [] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = checkFlipFlowStart({ intervalMinutes: c.intervalMinutes, firstOpeningAt: c.first, now, byClinician: c.byClinician });
      assert.deepEqual(r.problems.map((p) => p.code), c.codes);
      for (const p of r.problems) for (const id of p.rules) assert.ok(id in rules);
      assert.equal(r.latestFirstOpeningAt, iso(Date.parse(now) + c.intervalMinutes * 60_000));
    });
  }
  test("without a first opening only the interval is checked", () => {
    assert.deepEqual(checkFlipFlowStart({ intervalMinutes: 90, firstOpeningAt: null, now, byClinician: false }).problems.map((p) => p.code), ["clinician-only"]);
    assert.deepEqual(checkFlipFlowStart({ intervalMinutes: 240, now, byClinician: false }).problems, []);
  });
  test("refuses an interval over 4 h (F1) and a missing input", () => {
    throwsInput(() => checkFlipFlowStart({ intervalMinutes: 270, firstOpeningAt: now, now, byClinician: true }), "invalid-interval", "intervalMinutes");
    throwsInput(() => checkFlipFlowStart(null as never), "missing-field", "input");
  });
});

describe("assessFlipFlow: one definition of late and missed", () => {
  const assess = (over: Partial<FlipFlowInput>) => assessFlipFlow({ schedule: schedule(), openings: [], now: at(T0 - H), ...over });

  test("before the first opening everything is upcoming; openings are the next 24 h", () => {
    const r = assess({});
    assert.equal(r.nextOpeningAt, at(T0));
    assert.equal(r.overdue, false);
    assert.equal(r.overdueMs, 0);
    assert.equal(r.missed, false);
    assert.equal(r.missedAt, at(T0), "4-hourly, started 4 h before: F1 runs out at the first opening");
    assert.equal(r.lastOpeningAt, null);
    assert.deepEqual(r.openings, [0, 4, 8, 12, 16, 20].map((h) => at(T0 + h * H)));
    assert.ok(r.slots.every((s) => s.status === "upcoming"));
    assert.deepEqual(r.rules, ["F1", "F3"]);
    assert.equal(r.suggestion, null);
  });

  // A 4-hourly schedule: the last opening is on time at T0, so F1's 4 h run out at the next slot.
  const table: { name: string; interval: number; openings: number[]; nowH: number; slot: number; status: string; lateH: number | null; missedAtH: number }[] = [
    { name: "4-hourly, exactly at the slot: F1's 4 h since the last opening are up, so missed at once", interval: 240, openings: [0], nowH: 4, slot: 4, status: "missed", lateH: 0, missedAtH: 4 },
    { name: "4-hourly, a minute before the slot: upcoming", interval: 240, openings: [0], nowH: 4 - 1 / 60, slot: 4, status: "upcoming", lateH: null, missedAtH: 4 },
    { name: "4-hourly, last opening 30 min late: overdue for 30 min", interval: 240, openings: [0.5], nowH: 4.25, slot: 4, status: "overdue", lateH: 0.25, missedAtH: 4.5 },
    { name: "4-hourly, last opening 30 min late: missed at exactly 4 h after it", interval: 240, openings: [0.5], nowH: 4.5, slot: 4, status: "missed", lateH: 0.5, missedAtH: 4.5 },
    { name: "2-hourly: overdue until 4 h after the last opening, which is when the next slot is due", interval: 120, openings: [0], nowH: 3.99, slot: 2, status: "overdue", lateH: 1.99, missedAtH: 4 },
    { name: "2-hourly: missed at exactly 4 h", interval: 120, openings: [0], nowH: 4, slot: 2, status: "missed", lateH: 2, missedAtH: 4 },
    { name: "1-hourly: missed once the next slot is due (before F1's 4 h)", interval: 60, openings: [0], nowH: 2, slot: 1, status: "missed", lateH: 1, missedAtH: 2 },
    { name: "1-hourly: overdue before the next slot", interval: 60, openings: [0], nowH: 1.5, slot: 1, status: "overdue", lateH: 0.5, missedAtH: 2 },
  ];
  for (const c of table) {
    test(c.name, () => {
      const r = assessFlipFlow({
        schedule: schedule(c.interval, at(T0), at(T0 - H)),
        openings: c.openings.map((h) => ({ at: at(T0 + h * H), volumeMl: 300 })),
        now: at(T0 + c.nowH * H),
      });
      const slot = r.slots.find((s) => s.at === at(T0 + c.slot * H))!;
      assert.equal(slot.status, c.status);
      assert.equal(slot.lateMs, c.lateH === null ? null : Math.round(c.lateH * H));
      assert.equal(r.missedAt, at(T0 + c.missedAtH * H));
      assert.equal(r.missed, c.status === "missed");
    });
  }

  test("the schedule's start stands in for the last opening before the first one", () => {
    const r = assessFlipFlow({ schedule: schedule(120, at(T0), at(T0 - H)), openings: [], now: at(T0 + H) });
    assert.equal(r.missedAt, at(T0 + 2 * H), "the next slot comes before F1's 4 h from the start");
    assert.equal(r.slots.find((s) => s.at === at(T0))!.status, "overdue");
  });

  test("a done slot carries the opening, its lateness and the F2 flag; an early extra opening ticks nothing", () => {
    const r = assessFlipFlow({
      schedule: schedule(),
      openings: [
        { at: at(T0 + 0.25 * H), volumeMl: 500 },
        { at: at(T0 + 3.5 * H), volumeMl: 100 },
        { at: at(T0 + 4 * H), volumeMl: 499 },
      ],
      now: at(T0 + 5 * H),
    });
    const [s0, s4] = [r.slots.find((s) => s.at === at(T0))!, r.slots.find((s) => s.at === at(T0 + 4 * H))!];
    assert.deepEqual(s0, { at: at(T0), status: "done", openedAt: at(T0 + 0.25 * H), lateMs: 0.25 * H, volumeMl: 500, aimMissed: true });
    assert.deepEqual(s4, { at: at(T0 + 4 * H), status: "done", openedAt: at(T0 + 4 * H), lateMs: 0, volumeMl: 499, aimMissed: false });
    assert.equal(r.lastOpeningAt, at(T0 + 4 * H));
    assert.equal(r.nextOpeningAt, at(T0 + 8 * H));
    assert.ok(r.suggestion, "500 ml in the last 24 h: F2");
    assert.deepEqual(r.rules, ["F1", "F3", "F2"]);
    assert.equal(r.suggestion!.drainedMl, 500);
  });

  test("F2 aim: exactly 500 ml missed it, 499 ml did not; no volume is not a flag", () => {
    assert.equal(drainAimMissed(500), true);
    assert.equal(drainAimMissed(499), false);
    assert.equal(drainAimMissed(null), false);
    assert.equal(drainAimMissed(undefined), false);
  });

  test("openings without a volume tick slots but give no fill rate", () => {
    const r = assessFlipFlow({ schedule: schedule(), openings: [{ at: at(T0) }, { at: at(T0 + 4 * H), volumeMl: null }], now: at(T0 + 5 * H) });
    assert.equal(r.slots.filter((s) => s.status === "done").length, 2);
    assert.equal(r.suggestion, null);
  });

  test("two drains at one instant: no interval can be suggested, and it says why", () => {
    const r = assessFlipFlow({ schedule: schedule(), openings: [{ at: at(T0), volumeMl: 600 }, { at: at(T0), volumeMl: 600 }], now: at(T0 + H) });
    assert.equal(r.suggestion!.intervalMinutes, 0);
    assert.match(r.suggestion!.reason, /two drains/);
  });

  test("an opening before the schedule's first opening (an earlier schedule) leaves the first slot next", () => {
    const r = assessFlipFlow({ schedule: schedule(), openings: [{ at: at(T0 - 2 * H), volumeMl: 200 }], now: at(T0 - H) });
    assert.equal(r.nextOpeningAt, at(T0));
    assert.equal(r.missedAt, at(T0 + 2 * H));
  });

  test("the window: slots from now - pastMs to now + aheadMs", () => {
    const r = assessFlipFlow({ schedule: schedule(), openings: [], now: at(T0 + 9 * H), window: { pastMs: 5 * H, aheadMs: 0 } });
    assert.deepEqual(r.slots.map((s) => s.at), [at(T0 + 4 * H), at(T0 + 8 * H)]);
    assert.deepEqual(r.openings, []);
    assert.ok(r.overdue);
    assert.equal(r.overdueMs, 9 * H);
  });

  for (const [name, from, expected] of [
    ["March: clocks go forward, 4 h of elapsed time apart", "2026-03-28T22:00:00Z", ["2026-03-28T22:00:00.000Z", "2026-03-29T02:00:00.000Z", "2026-03-29T06:00:00.000Z"]],
    ["October: clocks go back, 4 h of elapsed time apart", "2026-10-24T21:00:00Z", ["2026-10-24T21:00:00.000Z", "2026-10-25T01:00:00.000Z", "2026-10-25T05:00:00.000Z"]],
  ] as const) {
    test(`slots across the clock change in ${name}`, () => {
      const r = assessFlipFlow({ schedule: { intervalMinutes: 240, firstOpeningAt: from, startedAt: from }, openings: [], now: from, window: { pastMs: 0, aheadMs: 8 * H } });
      assert.deepEqual(r.slots.map((s) => s.at), expected);
      for (let i = 1; i < r.slots.length; i++) assert.equal(Date.parse(r.slots[i].at) - Date.parse(r.slots[i - 1].at), 4 * H);
    });
  }

  test("refuses what it cannot read", () => {
    throwsInput(() => assessFlipFlow(null as never), "missing-field", "schedule");
    throwsInput(() => assessFlipFlow({ openings: [], now: at(T0) } as never), "missing-field", "schedule");
    throwsInput(() => assess({ schedule: schedule(300) }), "invalid-interval", "intervalMinutes");
    throwsInput(() => assess({ openings: null as never }), "missing-field", "openings");
    throwsInput(() => assess({ openings: [null as never] }), "invalid-value", "openings[0]");
    throwsInput(() => assess({ openings: [{ at: at(T0 + 2 * H) }] }), "event-after-now", "openings[0].at");
    throwsInput(() => assess({ openings: [{ at: at(T0 - 2 * H), volumeMl: 3001 }] }), "invalid-volume", "openings[0].volumeMl");
    throwsInput(() => assess({ window: { pastMs: -1 } }), "invalid-value", "window.pastMs");
    throwsInput(() => assess({ window: { aheadMs: 1.5 } }), "invalid-value", "window.aheadMs");
    throwsInput(() => assess({ window: { pastMs: 16 * 24 * H, aheadMs: 16 * 24 * H } }), "range-too-long", "window");
  });
});
