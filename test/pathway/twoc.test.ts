import { test, describe } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { assessTwoc, rules, type BladderEvent } from "../../src/pathway/index.ts";
import { throwsInput } from "./helpers.ts";

// Winter day: London = UTC, so "Z" times read as wall-clock times.
const REMOVED = "2026-01-10T08:00:00Z";
const removed: BladderEvent = { type: "catheter-removed", at: REMOVED };
const at = (hhmm: string): string => `2026-01-10T${hhmm}:00Z`;
const pre = (hhmm: string, volumeMl: number, sensationToVoid: boolean): BladderEvent => ({ type: "scan", at: at(hhmm), phase: "pre-void", volumeMl, sensationToVoid });
const post = (hhmm: string, volumeMl: number): BladderEvent => ({ type: "scan", at: at(hhmm), phase: "post-void", volumeMl });
const voided = (hhmm: string, volumeMl?: number): BladderEvent => (volumeMl === undefined ? { type: "void", at: at(hhmm) } : { type: "void", at: at(hhmm), volumeMl });

describe("U1 TWOC not started / in progress", () => {
  test("U1: no catheter removal -> not-started, no deadline", () => {
    const r = assessTwoc([], at("09:00"));
    assert.deepEqual(r, { status: "not-started", rules: ["U1"], reason: r.reason, noVoidDeadline: null });
    assert.match(r.reason, /not started/);
  });
  test("U1: scans without a removal do not start an attempt", () => {
    assert.equal(assessTwoc([post("08:30", 50)], at("09:00")).status, "not-started");
  });
  test("U1/U4: in progress says what is awaited and when U4 fires", () => {
    const r = assessTwoc([removed], at("09:00"));
    assert.equal(r.status, "in-progress");
    assert.deepEqual(r.rules, ["U1"]);
    assert.equal(r.noVoidDeadline, "2026-01-10T14:00:00+00:00");
    assert.match(r.reason, /awaiting a void with a post-void scan/);
    assert.match(r.reason, /14:00 on 10 January 2026/);
  });
});

describe("U2 pass: post-void scan < 100 ml", () => {
  const table: [number, string, string[]][] = [
    [0, "passed", ["U2"]],
    [99, "passed", ["U2"]],
    [100, "review", ["U-REVIEW"]],
    [101, "review", ["U-REVIEW"]],
  ];
  for (const [ml, status, ids] of table) {
    test(`U2 boundary: post-void ${ml} ml -> ${status}`, () => {
      const r = assessTwoc([removed, voided("09:00"), post("09:05", ml)], at("10:00"));
      assert.equal(r.status, status);
      assert.deepEqual(r.rules, ids);
      assert.ok(r.reason.includes(`${ml} ml`), r.reason);
    });
  }
  test("U2: a pass has no deadline and says no catheter at discharge", () => {
    const r = assessTwoc([removed, voided("09:00"), post("09:05", 60)], at("10:00"));
    assert.equal(r.noVoidDeadline, null);
    assert.equal(r.reason, "Post-void scan 60 ml is under 100 ml, so no catheter is required at discharge.");
  });
});

describe("U3 fail: pre-void scan > 500 ml with no sensation to void", () => {
  const table: [number, boolean, string][] = [
    [500, false, "in-progress"],
    [501, false, "failed"],
    [620, false, "failed"],
    [501, true, "in-progress"],
    [600, true, "in-progress"],
  ];
  for (const [ml, sensation, status] of table) {
    test(`U3 boundary: pre-void ${ml} ml, sensationToVoid ${sensation} -> ${status}`, () => {
      const r = assessTwoc([removed, pre("09:00", ml, sensation)], at("10:00"));
      assert.equal(r.status, status);
      if (status === "failed") {
        assert.deepEqual(r.rules, ml > 600 ? ["U3", "U-SAFE"] : ["U3"]);
        assert.ok(r.reason.startsWith(`Pre-void scan ${ml} ml with no sensation to void`), r.reason);
        assert.equal(r.noVoidDeadline, null);
      }
    });
  }
  test("U3: a pre-void scan with sensation, then a low post-void scan, passes (U2)", () => {
    const r = assessTwoc([removed, pre("09:00", 550, true), voided("09:10"), post("09:15", 40)], at("10:00"));
    assert.equal(r.status, "passed");
  });
});

describe("U4 fail: no void for 6 hours from the later of removal and the last void", () => {
  const table: [string, string, string][] = [
    ["5 h 59 min after removal", "13:59", "in-progress"],
    ["exactly 6 h after removal", "14:00", "failed"],
    ["6 h 1 min after removal", "14:01", "failed"],
  ];
  for (const [name, now, status] of table) {
    test(`U4 boundary: ${name} -> ${status}`, () => {
      const r = assessTwoc([removed], at(now));
      assert.equal(r.status, status);
      if (status === "failed") {
        assert.deepEqual(r.rules, ["U4"]);
        assert.equal(r.noVoidDeadline, null);
        assert.match(r.reason, /No void in the 6 hours since the catheter removal at 08:00 on 10 January 2026/);
      } else {
        assert.equal(r.noVoidDeadline, "2026-01-10T14:00:00+00:00");
      }
    });
  }
  test("U4: the clock runs from the last void (void at 10:00 -> deadline 16:00)", () => {
    const events = [removed, voided("10:00", 250)];
    assert.equal(assessTwoc(events, at("15:59")).noVoidDeadline, "2026-01-10T16:00:00+00:00");
    const r = assessTwoc(events, at("16:00"));
    assert.equal(r.status, "failed");
    assert.match(r.reason, /last void at 10:00 on 10 January 2026/);
  });
  test("U4: decided as of the deadline even when events are entered later (void at 14:00 cannot rescue)", () => {
    const r = assessTwoc([removed, voided("14:00"), post("14:05", 30)], at("15:00"));
    assert.equal(r.status, "failed");
    assert.deepEqual(r.rules, ["U4"]);
  });
  test("U4: a void at 13:59 does rescue, and a later low post-void scan passes", () => {
    const r = assessTwoc([removed, voided("13:59"), post("14:05", 30)], at("15:00"));
    assert.equal(r.status, "passed");
  });
  test("U4: a post-void scan alone does not count as a void", () => {
    const r = assessTwoc([removed, post("09:00", 150)], at("14:00"));
    assert.equal(r.status, "failed");
    assert.deepEqual(r.rules, ["U4"]);
  });
  test("U4: deadline across the 29 March 2026 clock change is 6 elapsed hours", () => {
    const r = assessTwoc([{ type: "catheter-removed", at: "2026-03-28T23:30:00Z" }], "2026-03-29T00:00:00Z");
    assert.equal(r.noVoidDeadline, "2026-03-29T06:30:00+01:00");
  });
  test("U4: deadline across the 25 October 2026 clock change is 6 elapsed hours", () => {
    const r = assessTwoc([{ type: "catheter-removed", at: "2026-10-24T23:30:00+01:00" }], "2026-10-24T23:45:00+01:00");
    assert.equal(r.noVoidDeadline, "2026-10-25T04:30:00+00:00");
  });
});

describe("U-REVIEW: post-void >= 100 ml with no failure", () => {
  test("U-REVIEW: stays open, keeps the U4 clock, says clinical review", () => {
    const r = assessTwoc([removed, voided("09:00"), post("09:05", 180)], at("10:00"));
    assert.equal(r.status, "review");
    assert.deepEqual(r.rules, ["U-REVIEW"]);
    assert.equal(r.noVoidDeadline, "2026-01-10T15:00:00+00:00");
    assert.match(r.reason, /Post-void scan 180 ml/);
    assert.match(r.reason, /outside the pathway's explicit thresholds - clinical review/);
  });
  test("U-REVIEW then U2: a later post-void < 100 ml passes", () => {
    const r = assessTwoc([removed, voided("09:00"), post("09:05", 180), voided("11:00"), post("11:05", 70)], at("12:00"));
    assert.equal(r.status, "passed");
  });
  test("U-REVIEW then U4: the clock keeps running and fails at 6 h", () => {
    const r = assessTwoc([removed, voided("09:00"), post("09:05", 180)], at("15:00"));
    assert.equal(r.status, "failed");
    assert.deepEqual(r.rules, ["U4"]);
  });
  test("U-REVIEW then U3: a later pre-void > 500 ml with no sensation fails", () => {
    const r = assessTwoc([removed, voided("09:00"), post("09:05", 180), pre("12:00", 520, false)], at("12:30"));
    assert.equal(r.status, "failed");
    assert.deepEqual(r.rules, ["U3"]);
  });
});

describe("re-catheterised before a decision: clinical review, the U4 clock stops", () => {
  const recath = (hhmm: string): BladderEvent => ({ type: "recatheterised", at: at(hhmm) });
  const table: [string, BladderEvent[], string, string, string[]][] = [
    ["re-catheterised 5 h 59 min after removal", [removed, recath("13:59")], "14:30", "review", ["U-REVIEW"]],
    ["re-catheterised exactly 6 h after removal (U4 fired first)", [removed, recath("14:00")], "14:30", "failed", ["U4"]],
    ["re-catheterised 5 h 59 min after the last void", [removed, voided("10:00"), recath("15:59")], "16:30", "review", ["U-REVIEW"]],
    ["re-catheterised after a pass (U2 is final)", [removed, voided("09:00"), post("09:05", 99), recath("10:00")], "11:00", "passed", ["U2"]],
    ["re-catheterised after a U3 failure", [removed, pre("09:00", 501, false), recath("09:10")], "11:00", "failed", ["U3"]],
    ["re-catheterised during clinical review (post-void 100 ml)", [removed, voided("09:00"), post("09:05", 100), recath("10:00")], "11:00", "review", ["U-REVIEW"]],
    ["re-catheterised after a 601 ml scan", [removed, pre("09:00", 601, true), recath("09:10")], "11:00", "review", ["U-REVIEW", "U-SAFE"]],
    ["re-catheterised before the removal (an earlier attempt)", [recath("07:00"), removed], "10:00", "in-progress", ["U1"]],
  ];
  for (const [name, events, now, status, ids] of table) {
    test(`U-REVIEW boundary: ${name} -> ${status} ${ids.join("+")}`, () => {
      const r = assessTwoc(events, at(now));
      assert.equal(r.status, status);
      assert.deepEqual(r.rules, ids);
      if (status === "review") {
        assert.equal(r.noVoidDeadline, null, "no no-void deadline while the catheter is in");
        assert.match(r.reason, /^Re-catheterised at \d\d:\d\d on 10 January 2026 before a pass \(U2\) or a failure \(U3, U4\)/);
        assert.match(r.reason, /clinical review/);
      }
    });
  }
  test("U-REVIEW: the review stands hours later; it never turns into a U4 failure", () => {
    const r = assessTwoc([removed, voided("09:00"), recath("10:00")], "2026-01-11T08:00:00Z");
    assert.equal(r.status, "review");
    assert.equal(r.noVoidDeadline, null);
  });
  test("U1: a new catheter removal after the re-catheterisation starts a new attempt", () => {
    const r = assessTwoc([removed, recath("10:00"), { type: "catheter-removed", at: at("12:00") }], at("13:00"));
    assert.equal(r.status, "in-progress");
    assert.equal(r.noVoidDeadline, "2026-01-10T18:00:00+00:00");
  });
});

describe("U-SAFE: any scan > 600 ml", () => {
  const table: [string, BladderEvent[], string, string[]][] = [
    ["pre-void 600 ml (with sensation)", [pre("09:00", 600, true)], "in-progress", ["U1"]],
    ["pre-void 601 ml (with sensation)", [pre("09:00", 601, true)], "in-progress", ["U1", "U-SAFE"]],
    ["pre-void 600 ml no sensation", [pre("09:00", 600, false)], "failed", ["U3"]],
    ["pre-void 601 ml no sensation", [pre("09:00", 601, false)], "failed", ["U3", "U-SAFE"]],
    ["post-void 601 ml", [voided("09:00"), post("09:05", 601)], "review", ["U-REVIEW", "U-SAFE"]],
    ["pre-void 700 ml, no void yet", [pre("09:00", 700, true)], "in-progress", ["U1", "U-SAFE"]],
    ["pre-void 700 ml, then a void (able to void) and a pass", [pre("09:00", 700, true), voided("09:10"), post("09:15", 20)], "passed", ["U2"]],
    ["pre-void 700 ml, then a void and a post-void 150 ml", [pre("09:00", 700, true), voided("09:10"), post("09:15", 150)], "review", ["U-REVIEW"]],
    ["post-void 600 ml", [voided("09:00"), post("09:05", 600)], "review", ["U-REVIEW"]],
    ["post-void 650 ml, then a void and a pass (a residual over 600 ml stays)", [voided("09:00"), post("09:05", 650), voided("09:30"), post("09:35", 40)], "passed", ["U2", "U-SAFE"]],
    ["void, then pre-void 601 ml with sensation", [voided("09:00"), pre("09:30", 601, true)], "in-progress", ["U1", "U-SAFE"]],
  ];
  for (const [name, events, status, ids] of table) {
    test(`U-SAFE boundary: ${name} -> ${status} ${ids.join("+")}`, () => {
      const r = assessTwoc([removed, ...events], at("10:00"));
      assert.equal(r.status, status);
      assert.deepEqual(r.rules, ids);
      if (ids.includes("U-SAFE")) assert.match(r.reason, /catheter tug/);
    });
  }
  test("U-SAFE: the reason names the scan behind the alert", () => {
    const r = assessTwoc([removed, pre("09:00", 700, true)], at("10:00"));
    assert.match(r.reason, /largest scan 700 ml - bladder over 600 ml: catheterise, document whether sensate and perform a catheter tug/);
  });
  test("U-SAFE with U4: the alert travels with the failure", () => {
    const r = assessTwoc([removed, pre("09:00", 650, true)], at("14:00"));
    assert.deepEqual(r.rules, ["U4", "U-SAFE"]);
  });
  test("U-SAFE: a scan after the deciding event is not read (the decision is final)", () => {
    const r = assessTwoc([removed, voided("09:00"), post("09:05", 50), pre("09:30", 700, true)], at("10:00"));
    assert.deepEqual(r.rules, ["U2"]);
  });
});

describe("U6 attempts: the latest catheter removal starts the attempt", () => {
  test("U3 then re-catheterised and a new removal: the earlier attempt's events are ignored", () => {
    const events: BladderEvent[] = [removed, pre("09:00", 700, false), { type: "catheter-removed", at: at("12:00") }];
    const r = assessTwoc(events, at("12:30"));
    assert.equal(r.status, "in-progress");
    assert.equal(r.noVoidDeadline, "2026-01-10T18:00:00+00:00");
  });
  test("events given out of order are read in time order", () => {
    const r = assessTwoc([post("09:05", 40), voided("09:00"), removed], at("10:00"));
    assert.equal(r.status, "passed");
  });
  test("two removals at the same instant are one attempt", () => {
    const r = assessTwoc([removed, { type: "catheter-removed", at: REMOVED }, voided("09:00"), post("09:05", 40)], at("10:00"));
    assert.equal(r.status, "passed");
  });
  test("a scan at the instant of removal belongs to the attempt; same-instant events keep their given order", () => {
    const r = assessTwoc([removed, pre("08:00", 510, false), post("08:00", 20)], at("10:00"));
    assert.deepEqual(r.rules, ["U3"]);
  });
});

describe("PathwayInputError for bladder events", () => {
  const bad: [string, unknown[], string, string, string?][] = [
    ["unparseable time", [{ type: "catheter-removed", at: "half past nine" }], "invalid-time", "events[0].at"],
    ["time without offset", [{ type: "catheter-removed", at: "2026-01-10T08:00:00" }], "missing-offset", "events[0].at"],
    ["event after now", [removed, voided("11:00")], "event-after-now", "events[1].at"],
    ["volume 3001", [removed, post("09:00", 3001)], "invalid-volume", "events[1].volumeMl"],
    ["volume -1", [removed, post("09:00", -1)], "invalid-volume", "events[1].volumeMl"],
    ["volume 1.5", [removed, post("09:00", 1.5)], "invalid-volume", "events[1].volumeMl"],
    ["void volume 3001", [removed, { type: "void", at: at("09:00"), volumeMl: 3001 }], "invalid-volume", "events[1].volumeMl"],
    ["scan volume missing", [removed, { type: "scan", at: at("09:00"), phase: "post-void" }], "missing-field", "events[1].volumeMl"],
    ["pre-void scan without sensationToVoid", [removed, { type: "scan", at: at("09:00"), phase: "pre-void", volumeMl: 300 }], "missing-field", "events[1].sensationToVoid"],
    ["sensationToVoid not a boolean", [removed, { type: "scan", at: at("09:00"), phase: "post-void", volumeMl: 30, sensationToVoid: "yes" }], "invalid-value", "events[1].sensationToVoid"],
    ["unknown scan phase", [removed, { type: "scan", at: at("09:00"), phase: "mid-void", volumeMl: 30 }], "invalid-value", "events[1].phase"],
    ["unknown event type", [{ type: "catheter-inserted", at: at("08:00") }], "invalid-value", "events[0].type"],
    ["re-catheterised after now", [removed, { type: "recatheterised", at: at("11:00") }], "event-after-now", "events[1].at"],
    ["event not an object", [null], "invalid-value", "events[0]"],
    ["time missing", [{ type: "void" }], "missing-field", "events[0].at"],
  ];
  for (const [name, events, code, field] of bad) {
    test(`PathwayInputError ${code} (U1-U4 input): ${name}`, () => {
      throwsInput(() => assessTwoc(events as BladderEvent[], at("10:00")), code, field);
    });
  }
  test("PathwayInputError: now unparseable / without offset; events not a list", () => {
    throwsInput(() => assessTwoc([], "now"), "invalid-time", "now");
    throwsInput(() => assessTwoc([], "2026-01-10T10:00"), "missing-offset", "now");
    throwsInput(() => assessTwoc(undefined as unknown as BladderEvent[], at("10:00")), "missing-field", "events");
  });
});

// ---- properties ----
const BASE = Date.parse(REMOVED);
const eventArb: fc.Arbitrary<BladderEvent> = fc.oneof(
  fc.record({ type: fc.constant("void" as const), m: fc.integer({ min: 0, max: 600 }) }).map(({ m }) => ({ type: "void" as const, at: iso(m) })),
  fc
    .record({ m: fc.integer({ min: 0, max: 600 }), v: fc.integer({ min: 0, max: 3000 }), phase: fc.constantFrom("pre-void" as const, "post-void" as const), s: fc.boolean() })
    .map(({ m, v, phase, s }) => (phase === "pre-void" ? { type: "scan" as const, at: iso(m), phase, volumeMl: v, sensationToVoid: s } : { type: "scan" as const, at: iso(m), phase, volumeMl: v })),
  fc.integer({ min: 0, max: 600 }).map((m) => ({ type: "catheter-removed" as const, at: iso(m) })),
  fc.integer({ min: 0, max: 600 }).map((m) => ({ type: "recatheterised" as const, at: iso(m) })),
);
function iso(minutes: number): string {
  return new Date(BASE + minutes * 60_000).toISOString();
}
const NOW = iso(600);

describe("properties", () => {
  test("U2/U3/U4 property: an attempt never both passes and fails, and every rule id is known", () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 20 }), (events) => {
        const r = assessTwoc([removed, ...events], NOW);
        const passed = r.rules.includes("U2");
        const failed = r.rules.includes("U3") || r.rules.includes("U4");
        assert.ok(!(passed && failed));
        assert.equal(passed, r.status === "passed");
        assert.equal(failed, r.status === "failed");
        // In progress always has a deadline, a decision never; a review has one unless re-catheterised.
        if (r.status === "in-progress") assert.notEqual(r.noVoidDeadline, null);
        if (r.status === "passed" || r.status === "failed") assert.equal(r.noVoidDeadline, null);
        if (r.status === "review") assert.equal(r.noVoidDeadline === null, r.reason.startsWith("Re-catheterised"));
        for (const id of r.rules) assert.ok(id in rules, id);
      }),
      { numRuns: 500 },
    );
  });

  test("U2/U3/U4 property: adding events after a final decision never changes it", () => {
    // Decided as of NOW; any event after NOW (other than a new catheter removal, which starts a
    // new attempt) assessed at a later now gives the same answer.
    const laterArb = fc.array(eventArb, { maxLength: 10 }).map((extra) =>
      extra
        .filter((e) => e.type !== "catheter-removed")
        .map((e) => ({ ...e, at: new Date(Date.parse(e.at) + 601 * 60_000).toISOString() })),
    );
    const LATER_NOW = iso(1201);
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 15 }), laterArb, (events, later) => {
        const first = assessTwoc([removed, ...events], NOW);
        if (first.status !== "passed" && first.status !== "failed") return;
        assert.deepEqual(assessTwoc([removed, ...events, ...later], LATER_NOW), first);
        assert.deepEqual(assessTwoc([removed, ...events], LATER_NOW), first);
      }),
      { numRuns: 500 },
    );
  });

  test("U4 property: the no-void deadline is always 6 h after the removal or a void, never earlier than now", () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 15 }), (events) => {
        const r = assessTwoc([removed, ...events], NOW);
        if (r.noVoidDeadline === null) return;
        assert.ok(Date.parse(r.noVoidDeadline) > Date.parse(NOW));
      }),
    );
  });
});
