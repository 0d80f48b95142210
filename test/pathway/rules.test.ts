import { test, describe } from "node:test";
import assert from "node:assert/strict";
import * as pathway from "../../src/pathway/index.ts";
import { rules, PathwayInputError } from "../../src/pathway/index.ts";

const RULE_BOOK_IDS = [
  "S-DOC", "S-CONSENT", "S-BSR", "S-CATH", "S-TIME-R", "S-TIME-I", "S-NIGHT",
  "U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8", "U-REVIEW", "U-SAFE",
  "F1", "F2", "F3",
  "B1", "B2", "B3", "B4", "B5", "B6",
  "P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8",
  "X1", "X2", "X3", "X4", "X5",
  "Y1", "Y2", "Y3",
  "R1",
];

describe("rules: the rule book's ids", () => {
  test("every rule id of the rule book is in `rules` with a text and a section, and nothing else is", () => {
    assert.deepEqual(Object.keys(rules).sort(), [...RULE_BOOK_IDS].sort());
    for (const id of RULE_BOOK_IDS) {
      assert.ok(rules[id].text.length > 10, id);
      assert.ok(pathway.isRuleId(id), id);
      assert.ok(["surgery", "bladder", "flip-flow", "bowel", "pain", "sexual", "psychological", "referral"].includes(rules[id].section), id);
    }
  });
  test("rules cannot be changed at run time", () => {
    assert.ok(Object.isFrozen(rules));
  });

  test("every rule id any function returns is a key of `rules`", () => {
    const returned = new Set<string>();
    const now = "2026-01-10T20:00:00Z";
    const r = "2026-01-10T08:00:00Z";
    const twocCases: pathway.BladderEvent[][] = [
      [],
      [{ type: "catheter-removed", at: r }],
      [{ type: "catheter-removed", at: r }, { type: "scan", at: "2026-01-10T09:00:00Z", phase: "post-void", volumeMl: 50 }],
      [{ type: "catheter-removed", at: r }, { type: "scan", at: "2026-01-10T09:00:00Z", phase: "pre-void", volumeMl: 700, sensationToVoid: false }],
      [{ type: "catheter-removed", at: "2026-01-10T19:00:00Z" }, { type: "scan", at: "2026-01-10T19:30:00Z", phase: "post-void", volumeMl: 700 }],
    ];
    for (const events of twocCases) for (const id of pathway.assessTwoc(events, now).rules) returned.add(id);
    for (const v of [0, 300, 3000]) {
      const drains = [{ at: "2026-01-10T18:00:00Z", volumeMl: 100 }, { at: "2026-01-10T19:00:00Z", volumeMl: v }];
      for (const id of pathway.suggestFlipFlowInterval(drains, now).rules) returned.add(id);
    }
    for (const id of pathway.suggestFlipFlowInterval([], now).rules) returned.add(id);
    for (const phase of ["acute", "chronic"] as const) {
      for (const f of pathway.reviewMedications(phase, ["Nurofen Plus", "gabapentin", "prednisolone"]).flags) returned.add(f.rule);
      for (const domain of ["bladder", "bowel", "pain", "sexual", "psychological"] as const) {
        for (const item of pathway.checklist(domain, phase)) returned.add(item.rule);
      }
    }
    const all = { twocFailed: true, catheterOrIsc: true, bowelIssues: true, sexualDysfunction: true, ongoingCesSymptoms: true, persistentNeuropathicPain: true };
    for (const reason of pathway.sciReferralReasons(all).reasons) returned.add(reason.rule);
    for (const f of pathway.surgicalRecordFlags({ presentation: "CES-R", mriAt: "2026-01-01T00:00:00Z", anaesthesiaStartAt: "2026-01-03T01:00:00Z" })) returned.add(f.rule);

    for (const id of returned) assert.ok(id in rules, `${id} is returned but not in rules`);
    for (const id of ["U1", "U2", "U3", "U4", "U-REVIEW", "U-SAFE", "F1", "F2", "P2", "P3", "P5", "P6", "S-NIGHT", "S-TIME-R", "S-DOC", "B2", "X5", "Y3"]) {
      assert.ok(returned.has(id), `${id} was expected among the returned ids`);
    }
  });

  const STABLE_EXPORTS = [
    "PathwayInputError", "assessTwoc", "checklist", "flipFlowSchedule", "isValidNhsNumber", "painPhase",
    "reviewMedications", "rules", "sciReferralReasons", "suggestFlipFlowInterval", "surgicalRecordFlags",
  ];
  const ADDED_EXPORTS = [
    "isRuleId", "surgicalRecordChecks", "catheterOrIscDependent", "sciReferralIndication", "assessBladder", "SAFE_VOLUME_ML", "assessFlipFlow", "checkFlipFlowStart", "drainAimMissed", "DEFAULT_INTERVAL_MINUTES", "INTERVAL_CHOICES",
    "INTERVAL_STEP_MINUTES", "MAX_INTERVAL_MINUTES", "MIN_INTERVAL_MINUTES", "TARGET_VOLUME_ML",
    "prohibitionStatus", "OUTSIDE_PATHWAY_NOTE", "describeMedication", "RULE_BOOK", "RULE_BOOK_LINE", "ruleBookReviewDue",
  ];

  test("the public API keeps the issue's list plus PathwayInputError, and adds only the listed exports", () => {
    assert.deepEqual(Object.keys(pathway).sort(), [...STABLE_EXPORTS, ...ADDED_EXPORTS].sort());
  });

  test("isRuleId knows the rule book's ids and nothing else", () => {
    assert.equal(pathway.isRuleId("U-SAFE"), true);
    assert.equal(pathway.isRuleId("U9"), false);
    assert.equal(pathway.isRuleId("toString"), false);
    assert.equal(pathway.isRuleId(4), false);
  });

  test("PathwayInputError carries a stable code, the field, and a message", () => {
    const e = new PathwayInputError("invalid-volume", "volumeMl", "Enter whole millilitres.");
    assert.ok(e instanceof Error);
    assert.equal(e.name, "PathwayInputError");
    assert.equal(e.code, "invalid-volume");
    assert.equal(e.field, "volumeMl");
    assert.equal(e.message, "Enter whole millilitres.");
  });
});
