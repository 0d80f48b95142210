import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { assessBladder, assessTwoc, rules, type BladderEvent, type BladderInput } from "../../src/pathway/index.ts";

const NOW = "2026-11-24T10:00:00Z";
const removed: BladderEvent = { type: "catheter-removed", at: "2026-11-24T08:00:00Z" };
const voided = (at: string): BladderEvent => ({ type: "void", at });
const post = (at: string, volumeMl: number): BladderEvent => ({ type: "scan", at, phase: "post-void", volumeMl });
const pre = (at: string, volumeMl: number, sensationToVoid: boolean): BladderEvent => ({ type: "scan", at, phase: "pre-void", volumeMl, sensationToVoid });
const recath = (at: string, flipFlowValve?: boolean): BladderEvent => ({ type: "recatheterised", at, ...(flipFlowValve === undefined ? {} : { flipFlowValve }) });
const failedU3 = [removed, pre("2026-11-24T09:00:00Z", 520, false)];
const ff = (overdue: boolean) => ({ nextOpeningAt: "2026-11-24T12:00:00Z", overdue, missed: false });

describe("assessBladder: the actions a nurse is offered, the next step's first", () => {
  const cases: { name: string; input: Partial<BladderInput>; first: string | null; offered: string[]; explained: Record<string, RegExp> }[] = [
    {
      name: "no trial yet: remove the catheter first; scans wait for it",
      input: { events: [] },
      first: "remove-catheter",
      offered: ["remove-catheter"],
      explained: { "void-and-scan": /A catheter is in/, recatheterise: /already in/, "start-flip-flow": /No catheter with a flip-flow valve/, "open-valve": /No flip-flow schedule/ },
    },
    {
      name: "trial running, no void: void and post-void scan first; no valve to open during a trial",
      input: { events: [removed] },
      first: "void-and-scan",
      offered: ["void-and-scan", "scan", "void", "recatheterise"],
      explained: { "remove-catheter": /No catheter is in/, "open-valve": /During a trial without catheter there is no valve to open/ },
    },
    {
      name: "voided: the post-void scan now, first",
      input: { events: [removed, voided("2026-11-24T09:00:00Z")] },
      first: "post-void-scan",
      offered: ["post-void-scan", "void-and-scan", "scan", "void", "recatheterise"],
      explained: {},
    },
    {
      name: "U3 failed: re-catheterise first; U6 explains why no new removal",
      input: { events: failedU3 },
      first: "recatheterise",
      offered: ["recatheterise"],
      explained: { "remove-catheter": /^U6: the last TWOC failed/, "void-and-scan": /The TWOC has failed/ },
    },
    {
      name: "failed and re-catheterised (type not given): start the flip-flow schedule",
      input: { events: [...failedU3, recath("2026-11-24T09:10:00Z")] },
      first: "start-flip-flow",
      offered: ["start-flip-flow"],
      explained: { recatheterise: /already in/, "remove-catheter": /U6/ },
    },
    {
      name: "failed, overridden, re-catheterised: a new removal applies",
      input: { events: [...failedU3, recath("2026-11-24T09:10:00Z")], override: true },
      first: "start-flip-flow",
      offered: ["start-flip-flow", "remove-catheter"],
      explained: {},
    },
    {
      name: "schedule in force: open the valve first; starting another is explained",
      input: { events: [...failedU3, recath("2026-11-24T09:10:00Z", true)], flipFlow: ff(false) },
      first: "open-valve",
      offered: ["open-valve"],
      explained: { "start-flip-flow": /already in force/ },
    },
    {
      name: "re-catheterised with a flip-flow valve before a decision: start the schedule (F1), clinical review",
      input: { events: [removed, recath("2026-11-24T09:00:00Z", true)] },
      first: "start-flip-flow",
      offered: ["start-flip-flow", "remove-catheter"],
      explained: {},
    },
    {
      name: "re-catheterised with another catheter before a decision: review, no schedule offered",
      input: { events: [removed, recath("2026-11-24T09:00:00Z", false)] },
      first: null,
      offered: ["remove-catheter"],
      explained: { "start-flip-flow": /No catheter with a flip-flow valve/ },
    },
    {
      name: "passed: nothing to do; scans explained",
      input: { events: [removed, voided("2026-11-24T09:00:00Z"), post("2026-11-24T09:05:00Z", 50)] },
      first: null,
      offered: ["recatheterise"],
      explained: { "void-and-scan": /passed.*\(U2\)/ },
    },
    {
      name: "U-SAFE: catheterise first",
      input: { events: [removed, pre("2026-11-24T09:00:00Z", 650, true)] },
      first: "recatheterise",
      offered: ["recatheterise", "void-and-scan", "scan", "void"],
      explained: {},
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const a = assessBladder({ events: [], now: NOW, ...c.input });
      assert.equal(a.nextStep.action, c.first);
      const offered = a.actions.filter((x) => x.applies).map((x) => x.kind);
      assert.deepEqual(offered, c.offered);
      if (c.first) assert.equal(a.actions[0].kind, c.first, "the next step's action comes first");
      const firstRefused = a.actions.findIndex((x) => !x.applies);
      if (firstRefused >= 0) assert.ok(a.actions.slice(firstRefused).every((x) => !x.applies), "actions that do not apply come last");
      for (const [kind, why] of Object.entries(c.explained)) {
        const action = a.actions.find((x) => x.kind === kind);
        assert.ok(action && !action.applies, `${kind} is not offered`);
        assert.match(action.why ?? "", why);
      }
      for (const x of a.actions) {
        assert.ok(x.applies || x.why, `${x.kind}: a refused action listed says why`);
        for (const id of x.rules) assert.ok(id in rules, id);
      }
    });
  }

  test("the U-SAFE recatheterisation cites U-SAFE; after a fail, U5; during a trial, U-REVIEW", () => {
    const rulesOf = (events: BladderEvent[]) => assessBladder({ events, now: NOW }).actions.find((x) => x.kind === "recatheterise")!.rules;
    assert.deepEqual(rulesOf([removed, pre("2026-11-24T09:00:00Z", 650, true)]), ["U-SAFE"]);
    assert.deepEqual(rulesOf(failedU3), ["U5"]);
    assert.deepEqual(rulesOf([removed]), ["U-REVIEW"]);
  });
});

describe("U-SAFE resolved: the rules in force drop it, the time that resolved it is given", () => {
  test("an alert then a re-catheterisation: resolved at the catheter's time, U-SAFE no longer in force", () => {
    const events = [removed, pre("2026-11-24T09:00:00Z", 700, false), recath("2026-11-24T09:20:00Z", true)];
    const a = assessBladder({ events, now: NOW });
    assert.deepEqual(a.twoc.rules, ["U3", "U-SAFE"], "the TWOC's own answer keeps it (history)");
    assert.deepEqual(a.rules, ["U3"]);
    assert.equal(a.uSafe.resolvedAt, "2026-11-24T09:20:00Z");
    assert.equal(a.tier, 1, "out of the urgent tier; the flip-flow schedule is still to start, so an action is due now");
  });
  test("an unresolved alert stays in force with no resolution time", () => {
    const a = assessBladder({ events: [removed, pre("2026-11-24T09:00:00Z", 700, false)], now: NOW });
    assert.deepEqual(a.rules, ["U3", "U-SAFE"]);
    assert.equal(a.uSafe.resolvedAt, null);
  });
});

describe("assessTwoc: after a void the reason says the post-void scan is awaited", () => {
  test("a void with no scan yet", () => {
    const r = assessTwoc([removed, voided("2026-11-24T09:00:00Z")], NOW);
    assert.equal(r.status, "in-progress");
    assert.match(r.reason, /voided at 09:00 on 24 November 2026, awaiting its post-void scan/);
    assert.doesNotMatch(r.reason, /awaiting a void/);
  });
});
