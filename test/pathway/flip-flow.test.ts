import { test, describe } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { flipFlowSchedule, suggestFlipFlowInterval, rules } from "../../src/pathway/index.ts";
import { throwsInput } from "./helpers.ts";

describe("F1 flip-flow schedule by elapsed time", () => {
  test("F1: 4-hourly across 29 March 2026 (clocks go forward 01:00 GMT -> 02:00 BST)", () => {
    assert.deepEqual(flipFlowSchedule({ from: "2026-03-28T22:00:00+00:00", until: "2026-03-29T12:00:00+01:00", intervalMinutes: 240 }), [
      "2026-03-28T22:00:00+00:00",
      "2026-03-29T03:00:00+01:00",
      "2026-03-29T07:00:00+01:00",
      "2026-03-29T11:00:00+01:00",
    ]);
  });
  test("F1: 4-hourly across 25 October 2026 (clocks go back 02:00 BST -> 01:00 GMT)", () => {
    assert.deepEqual(flipFlowSchedule({ from: "2026-10-24T22:00:00+01:00", until: "2026-10-25T09:00:00+00:00", intervalMinutes: 240 }), [
      "2026-10-24T22:00:00+01:00",
      "2026-10-25T01:00:00+00:00",
      "2026-10-25T05:00:00+00:00",
      "2026-10-25T09:00:00+00:00",
    ]);
  });
  test("F1: hourly across the October change shows 01:00 twice (BST then GMT)", () => {
    assert.deepEqual(flipFlowSchedule({ from: "2026-10-25T00:00:00+01:00", until: "2026-10-25T02:00:00+00:00", intervalMinutes: 60 }), [
      "2026-10-25T00:00:00+01:00",
      "2026-10-25T01:00:00+01:00",
      "2026-10-25T01:00:00+00:00",
      "2026-10-25T02:00:00+00:00",
    ]);
  });
  test("F1: until is included when it falls on an opening, excluded otherwise; from == until gives one opening", () => {
    assert.equal(flipFlowSchedule({ from: "2026-01-01T00:00:00Z", until: "2026-01-01T08:00:00Z", intervalMinutes: 240 }).length, 3);
    assert.equal(flipFlowSchedule({ from: "2026-01-01T00:00:00Z", until: "2026-01-01T07:59:59Z", intervalMinutes: 240 }).length, 2);
    assert.deepEqual(flipFlowSchedule({ from: "2026-01-01T00:00:00Z", until: "2026-01-01T00:00:00Z", intervalMinutes: 30 }), ["2026-01-01T00:00:00+00:00"]);
  });

  const badIntervals: unknown[] = [29, 241, 0, -30, 90.5, "240", undefined];
  for (const interval of badIntervals) {
    test(`F1 PathwayInputError invalid-interval: ${String(interval)} minutes`, () => {
      throwsInput(
        () => flipFlowSchedule({ from: "2026-01-01T00:00:00Z", until: "2026-01-01T08:00:00Z", intervalMinutes: interval as number }),
        "invalid-interval",
        "intervalMinutes",
      );
    });
  }
  test("F1 boundaries: 30 and 240 minutes are allowed", () => {
    assert.equal(flipFlowSchedule({ from: "2026-01-01T00:00:00Z", until: "2026-01-01T04:00:00Z", intervalMinutes: 30 }).length, 9);
    assert.equal(flipFlowSchedule({ from: "2026-01-01T00:00:00Z", until: "2026-01-01T04:00:00Z", intervalMinutes: 240 }).length, 2);
  });
  test("F1 PathwayInputError: until before from, range over 31 days, times without offset, missing options", () => {
    throwsInput(() => flipFlowSchedule({ from: "2026-01-02T00:00:00Z", until: "2026-01-01T00:00:00Z", intervalMinutes: 60 }), "out-of-order", "until");
    throwsInput(() => flipFlowSchedule({ from: "2026-01-01T00:00:00Z", until: "2026-02-01T00:00:01Z", intervalMinutes: 60 }), "range-too-long", "until");
    assert.equal(flipFlowSchedule({ from: "2026-01-01T00:00:00Z", until: "2026-02-01T00:00:00Z", intervalMinutes: 240 }).length, 31 * 6 + 1);
    throwsInput(() => flipFlowSchedule({ from: "2026-01-01T00:00", until: "2026-01-01T04:00:00Z", intervalMinutes: 60 }), "missing-offset", "from");
    throwsInput(() => flipFlowSchedule({ from: "2026-01-01T00:00:00Z", until: "soon", intervalMinutes: 60 }), "invalid-time", "until");
    throwsInput(() => flipFlowSchedule(undefined as unknown as Parameters<typeof flipFlowSchedule>[0]), "missing-field", "opts");
  });

  test("F1 property: no gap between openings exceeds the interval, and the last is within one interval of until", () => {
    const start = Date.parse("2026-01-01T00:00:00Z");
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 366 * 24 * 60 }),
        fc.integer({ min: 0, max: 7 * 24 * 60 }),
        fc.integer({ min: 1, max: 8 }).map((k) => k * 30),
        (fromMin, spanMin, interval) => {
          const from = new Date(start + fromMin * 60_000).toISOString();
          const until = new Date(start + (fromMin + spanMin) * 60_000).toISOString();
          const times = flipFlowSchedule({ from, until, intervalMinutes: interval }).map((t) => Date.parse(t));
          assert.equal(times[0], Date.parse(from));
          for (let i = 1; i < times.length; i++) assert.ok(times[i] - times[i - 1] <= interval * 60_000);
          assert.ok(Date.parse(until) - times[times.length - 1] < interval * 60_000);
          for (const t of times) assert.ok(t <= Date.parse(until));
        },
      ),
      { numRuns: 300 },
    );
  });
  test("F1 property: any interval 30..240 across the 2026 clock changes keeps gaps <= interval", () => {
    fc.assert(
      fc.property(fc.integer({ min: 30, max: 240 }), fc.constantFrom("2026-03-28T20:00:00Z", "2026-10-24T20:00:00Z"), (interval, from) => {
        const until = new Date(Date.parse(from) + 12 * 3_600_000).toISOString();
        const out = flipFlowSchedule({ from, until, intervalMinutes: interval });
        for (let i = 1; i < out.length; i++) assert.equal(Date.parse(out[i]) - Date.parse(out[i - 1]), interval * 60_000);
        for (const t of out) assert.match(t, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0[01]:00$/);
      }),
    );
  });
});

describe("F2 suggested interval from fill rates", () => {
  const NOW = "2026-01-10T12:00:00Z";
  const d = (hhmm: string, volumeMl: number, day = "10") => ({ at: `2026-01-${day}T${hhmm}:00Z`, volumeMl });

  const table: [string, { at: string; volumeMl: number }[], number, string[]][] = [
    ["F1: no drains -> 240", [], 240, ["F1"]],
    ["F1: one drain -> 240", [d("10:00", 300)], 240, ["F1"]],
    ["F1: pair straddling the 24 h window is not used", [d("11:00", 900, "09"), d("13:00", 400, "09")], 240, ["F1"]],
    ["F2+F1: 480 ml in 4 h -> 240 (480 < 500)", [d("06:00", 100), d("10:00", 480)], 240, ["F2", "F1"]],
    ["F2: 500 ml in 4 h -> 210 (500 is not < 500)", [d("06:00", 100), d("10:00", 500)], 210, ["F2"]],
    ["F2: 300 ml in 2 h -> 180 (450 ml)", [d("08:00", 200), d("10:00", 300)], 180, ["F2"]],
    ["F2: 250 ml in 1 h -> 90 (375 ml; 120 min would be 500)", [d("09:00", 200), d("10:00", 250)], 90, ["F2"]],
    ["F2: the fastest pair decides", [d("02:00", 100), d("06:00", 200), d("08:00", 400), d("10:00", 100)], 120, ["F2"]],
    ["F2: 0 ml drains -> 240", [d("08:00", 0), d("10:00", 0)], 240, ["F2", "F1"]],
    ["F2: drains given out of order are sorted", [d("10:00", 300), d("08:00", 200)], 180, ["F2"]],
    ["F2: a pair exactly 24 h back is inside the window", [d("12:00", 0, "09"), d("14:00", 300, "09"), d("12:00", 10)], 180, ["F2"]],
  ];
  for (const [name, drains, minutes, ids] of table) {
    test(`${name}`, () => {
      const r = suggestFlipFlowInterval(drains, NOW);
      assert.equal(r.intervalMinutes, minutes);
      assert.deepEqual(r.rules, ids);
      for (const id of r.rules) assert.ok(id in rules);
    });
  }
  test("F2 boundary: 499 ml in 30 min -> 30 with no review; 500 ml in 30 min -> 30 and clinical review", () => {
    const ok = suggestFlipFlowInterval([d("09:30", 100), d("10:00", 499)], NOW);
    assert.equal(ok.intervalMinutes, 30);
    assert.doesNotMatch(ok.reason, /clinical review/);
    assert.match(ok.reason, /open every 30 min/);
    const review = suggestFlipFlowInterval([d("09:30", 100), d("10:00", 500)], NOW);
    assert.equal(review.intervalMinutes, 30);
    assert.deepEqual(review.rules, ["F2"]);
    assert.match(review.reason, /clinical review/);
  });
  test("F2: the reason gives the figures", () => {
    const r = suggestFlipFlowInterval([d("08:00", 200), d("10:00", 300)], NOW);
    assert.match(r.reason, /300 ml in 2 h/);
    assert.match(r.reason, /150 ml an hour/);
    assert.match(r.reason, /open every 3 h/);
    assert.match(suggestFlipFlowInterval([], NOW).reason, /at least every 4 hours/);
  });
  const bad: [string, unknown, string, string][] = [
    ["volume 3001", [d("08:00", 3001)], "invalid-volume", "drains[0].volumeMl"],
    ["volume -1", [d("08:00", -1)], "invalid-volume", "drains[0].volumeMl"],
    ["volume 1.5", [d("08:00", 1.5)], "invalid-volume", "drains[0].volumeMl"],
    ["drain after now", [d("12:01", 100)], "event-after-now", "drains[0].at"],
    ["time without offset", [{ at: "2026-01-10T08:00:00", volumeMl: 100 }], "missing-offset", "drains[0].at"],
    ["two drains at one time", [d("08:00", 100), d("08:00", 200)], "duplicate-time", "drains[1].at"],
    ["not a list", "300 ml", "missing-field", "drains"],
    ["not a record", [42], "invalid-value", "drains[0]"],
  ];
  for (const [name, drains, code, field] of bad) {
    test(`F2 PathwayInputError ${code}: ${name}`, () => {
      throwsInput(() => suggestFlipFlowInterval(drains as { at: string; volumeMl: number }[], NOW), code, field);
    });
  }
  test("F2 PathwayInputError: now unparseable", () => {
    throwsInput(() => suggestFlipFlowInterval([], "noon"), "invalid-time", "now");
  });

  test("F2 property: at the suggested interval the fastest recent rate stays under 500 ml (or 30 min with review)", () => {
    const nowMs = Date.parse(NOW);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 24 * 60 }), { minLength: 2, maxLength: 8 }),
        fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 8, maxLength: 8 }),
        (minutesBack, volumes) => {
          const drains = minutesBack.map((m, i) => ({ at: new Date(nowMs - m * 60_000).toISOString(), volumeMl: volumes[i] }));
          const r = suggestFlipFlowInterval(drains, NOW);
          assert.ok(r.intervalMinutes % 30 === 0 && r.intervalMinutes >= 30 && r.intervalMinutes <= 240);
          const sorted = [...drains].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
          let fastest = 0;
          for (let i = 1; i < sorted.length; i++) {
            fastest = Math.max(fastest, sorted[i].volumeMl / ((Date.parse(sorted[i].at) - Date.parse(sorted[i - 1].at)) / 60_000));
          }
          if (/clinical review/.test(r.reason)) {
            assert.ok(fastest * 30 >= 500 - 1e-9);
          } else {
            assert.ok(fastest * r.intervalMinutes < 500 + 1e-9);
            if (r.intervalMinutes < 240) assert.ok(fastest * (r.intervalMinutes + 30) >= 500 - 1e-9);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
