import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { assessBladder, rules, SAFE_VOLUME_ML, type BladderEvent, type BladderInput } from "../../src/pathway/index.ts";
import { throwsInput } from "./helpers.ts";

const R = "2026-11-24T08:00:00Z";
const removed: BladderEvent = { type: "catheter-removed", at: R };
const scan = (at: string, phase: "pre-void" | "post-void", volumeMl: number, sensationToVoid?: boolean): BladderEvent =>
  phase === "pre-void" ? { type: "scan", at, phase, volumeMl, sensationToVoid: sensationToVoid ?? true } : { type: "scan", at, phase, volumeMl };
const recath = (at: string): BladderEvent => ({ type: "recatheterised", at });
const voided = (at: string): BladderEvent => ({ type: "void", at });
const NOW = "2026-11-24T10:00:00Z";
const ff = (overdue: boolean, missed = false) => ({ nextOpeningAt: "2026-11-24T12:00:00Z", overdue, missed });

describe("assessBladder: the ward's bladder decisions from the engine", () => {
  const cases: { name: string; input: Partial<BladderInput>; tier: number; step: RegExp; rules: string[]; u6?: boolean; safe?: { active: boolean; resolved: boolean } }[] = [
    { name: "no removal: start the TWOC", input: { events: [] }, tier: 4, step: /Remove the catheter/, rules: ["U1"] },
    { name: "a catheter put back with no removal recorded does not count as a re-catheterisation", input: { events: [recath("2026-11-24T07:00:00Z")] }, tier: 4, step: /Remove the catheter/, rules: ["U1"] },
    { name: "TWOC running, no void yet: scan around the next void, the U4 clock", input: { events: [removed] }, tier: 3, step: /Scan before and after the next void \(U1\); no void by 14:00 on 24 November 2026/, rules: ["U1", "U4"] },
    { name: "voided with no post-void scan: do it now (U1), an action due now whatever the U4 clock", input: { events: [removed, voided("2026-11-24T09:00:00Z")] }, tier: 1, step: /^Do the post-void scan now \(U1\)$/, rules: ["U1"] },
    { name: "voided and scanned 150 ml: clinical review", input: { events: [removed, voided("2026-11-24T09:00:00Z"), scan("2026-11-24T09:05:00Z", "post-void", 150)] }, tier: 2, step: /U-REVIEW/, rules: ["U-REVIEW"] },
    { name: "voided, post-void 100 ml (not under 100): review", input: { events: [removed, voided("2026-11-24T09:00:00Z"), scan("2026-11-24T09:05:00Z", "post-void", 100)] }, tier: 2, step: /U-REVIEW/, rules: ["U-REVIEW"] },
    { name: "post-void 99 ml: passed", input: { events: [removed, voided("2026-11-24T09:00:00Z"), scan("2026-11-24T09:05:00Z", "post-void", 99)] }, tier: 4, step: /U2/, rules: ["U2"] },
    { name: "U3 failed, no catheter: re-catheterise now", input: { events: [removed, scan("2026-11-24T09:00:00Z", "pre-void", 520, false)] }, tier: 1, step: /Re-catheterise.*\(U5\)/, rules: ["U5"], u6: true },
    { name: "failed with a clinician override: not locked", input: { events: [removed, scan("2026-11-24T09:00:00Z", "pre-void", 520, false)], override: true }, tier: 1, step: /U5/, rules: ["U5"], u6: false },
    { name: "failed, re-catheterised, no schedule: start the flip-flow schedule now (no opening can fall due without one)", input: { events: [removed, scan("2026-11-24T09:00:00Z", "pre-void", 520, false), recath("2026-11-24T09:10:00Z")] }, tier: 1, step: /Start the flip-flow schedule \(U5, F1\)/, rules: ["U5", "F1"] },
    { name: "failed, schedule in force and on time", input: { events: [removed, scan("2026-11-24T09:00:00Z", "pre-void", 520, false), recath("2026-11-24T09:10:00Z")], flipFlow: ff(false) }, tier: 3, step: /Open the flip-flow valve at 12:00 on 24 November 2026, by the clock \(F1, F3\)/, rules: ["F1", "F3"] },
    { name: "failed, no catheter recorded but a schedule in force: the schedule stands for it", input: { events: [removed, scan("2026-11-24T09:00:00Z", "pre-void", 520, false)], flipFlow: ff(false) }, tier: 3, step: /F1, F3/, rules: ["F1", "F3"] },
    { name: "schedule overdue", input: { events: [removed, scan("2026-11-24T09:00:00Z", "pre-void", 520, false), recath("2026-11-24T09:10:00Z")], flipFlow: ff(true) }, tier: 1, step: /Open the flip-flow valve now \(F1\)/, rules: ["F1"] },
    { name: "schedule missed", input: { events: [], flipFlow: ff(true, true) }, tier: 1, step: /now \(F1\)/, rules: ["F1"] },
    { name: "no TWOC, schedule on time", input: { events: [], flipFlow: ff(false) }, tier: 3, step: /F1, F3/, rules: ["F1", "F3"] },
    { name: "re-catheterised before a decision: review, the clock stops", input: { events: [removed, recath("2026-11-24T09:00:00Z")] }, tier: 2, step: /U-REVIEW/, rules: ["U-REVIEW"] },
    // U-SAFE at its boundary: exactly 600 ml is not over 600 ml.
    { name: "pre-void 600 ml unable to void: no U-SAFE", input: { events: [removed, scan("2026-11-24T09:00:00Z", "pre-void", 600, true)] }, tier: 3, step: /U1/, rules: ["U1", "U4"], safe: { active: false, resolved: false } },
    { name: "pre-void 601 ml unable to void: U-SAFE, urgent", input: { events: [removed, scan("2026-11-24T09:00:00Z", "pre-void", 601, true)] }, tier: 0, step: /Catheterise now.*\(U-SAFE\)/, rules: ["U-SAFE"], safe: { active: true, resolved: false } },
    { name: "U-SAFE resolved by a catheter after the scan", input: { events: [removed, scan("2026-11-24T09:00:00Z", "pre-void", 700, false), recath("2026-11-24T09:00:00Z")] }, tier: 1, step: /Start the flip-flow schedule/, rules: ["U5", "F1"], safe: { active: true, resolved: true } },
    { name: "post-void 601 ml with U-REVIEW: U-SAFE first", input: { events: [removed, voided("2026-11-24T09:00:00Z"), scan("2026-11-24T09:05:00Z", "post-void", 601)] }, tier: 0, step: /U-SAFE/, rules: ["U-SAFE"], safe: { active: true, resolved: false } },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const a = assessBladder({ events: [], now: NOW, ...c.input });
      assert.equal(a.tier, c.tier);
      assert.match(a.nextStep.text, c.step);
      assert.deepEqual(a.nextStep.rules, c.rules);
      for (const id of a.nextStep.rules) assert.ok(id in rules);
      if (c.u6 !== undefined) assert.equal(a.u6Locked, c.u6);
      if (c.safe) {
        assert.equal(a.uSafe.active, c.safe.active);
        assert.equal(a.uSafe.resolved, c.safe.resolved);
        assert.deepEqual(a.uSafe.rules, c.safe.active ? ["U-SAFE"] : []);
      }
    });
  }

  test("the U-SAFE volume is the rule book's 600 ml", () => assert.equal(SAFE_VOLUME_ML, 600));

  test("a catheter before the scan over 600 ml of a new attempt does not resolve it", () => {
    const events: BladderEvent[] = [
      { type: "catheter-removed", at: "2026-11-24T06:00:00Z" },
      recath("2026-11-24T07:00:00Z"),
      removed,
      scan("2026-11-24T09:00:00Z", "pre-void", 700, false),
    ];
    const a = assessBladder({ events, now: NOW });
    assert.deepEqual([a.uSafe.active, a.uSafe.resolved, a.recatheterised, a.recatheteriseNow, a.noVoidClock], [true, false, false, true, false]);
  });

  test("the no-void clock runs while the TWOC is open and stops with a catheter in", () => {
    assert.equal(assessBladder({ events: [removed], now: NOW }).noVoidClock, true);
    assert.equal(assessBladder({ events: [removed, recath("2026-11-24T09:00:00Z")], now: NOW }).noVoidClock, false);
  });

  test("refuses what it cannot read", () => {
    throwsInput(() => assessBladder(null as never), "missing-field", "input");
    throwsInput(() => assessBladder({ events: [{ type: "catheter-removed", at: "2026-11-24T11:00:00Z" }], now: NOW }), "event-after-now", "events[0].at");
  });
});
