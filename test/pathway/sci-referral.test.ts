import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { catheterOrIscDependent, sciReferralIndication, sciReferralReasons, type SciFindings } from "../../src/pathway/index.ts";
import { throwsInput } from "./helpers.ts";

describe("R1 SCI referral reasons", () => {
  const table: [string, SciFindings, string[]][] = [
    ["R1: no ongoing symptoms -> not indicated", {}, []],
    ["R1: all false -> not indicated", { twocFailed: false, bowelIssues: false }, []],
    ["R1/U7: failed TWOC", { twocFailed: true }, ["U7"]],
    ["R1/U7: catheter or ISC dependence", { catheterOrIsc: true }, ["U7"]],
    ["R1/B5: bowel issues", { bowelIssues: true }, ["B5"]],
    ["R1/X3: sexual dysfunction", { sexualDysfunction: true }, ["X3"]],
    ["R1/Y3: ongoing CES symptoms", { ongoingCesSymptoms: true }, ["Y3"]],
    ["R1/P8: persistent neuropathic pain", { persistentNeuropathicPain: true }, ["P8"]],
    [
      "R1: every reason, in a fixed order",
      { persistentNeuropathicPain: true, ongoingCesSymptoms: true, sexualDysfunction: true, bowelIssues: true, catheterOrIsc: true, twocFailed: true },
      ["U7", "U7", "B5", "X3", "Y3", "P8"],
    ],
  ];
  for (const [name, findings, rules] of table) {
    test(name, () => {
      const r = sciReferralReasons(findings);
      assert.equal(r.indicated, rules.length > 0);
      assert.deepEqual(r.reasons.map((x) => x.rule), rules);
      for (const reason of r.reasons) assert.ok(reason.text.length > 10);
    });
  }
  test("R1 PathwayInputError: not an object, not booleans", () => {
    throwsInput(() => sciReferralReasons(undefined as unknown as SciFindings), "missing-field", "findings");
    throwsInput(() => sciReferralReasons({ bowelIssues: "yes" } as unknown as SciFindings), "invalid-value", "bowelIssues");
  });
});

describe("U7: catheter or ISC dependence", () => {
  const table: [string, Parameters<typeof catheterOrIscDependent>[0], boolean][] = [
    ["discharged with no catheter, though a schedule was in force", { catheterAtDischarge: "none", flipFlowInForce: true, recatheterisedWithFlipFlow: true }, false],
    ["discharged on ISC", { catheterAtDischarge: "isc", flipFlowInForce: false, recatheterisedWithFlipFlow: false }, true],
    ["discharged with a flip-flow catheter", { catheterAtDischarge: "flip-flow", flipFlowInForce: false, recatheterisedWithFlipFlow: false }, true],
    ["inpatient with a schedule in force", { catheterAtDischarge: null, flipFlowInForce: true, recatheterisedWithFlipFlow: false }, true],
    ["inpatient with a long-term flip-flow catheter", { catheterAtDischarge: null, flipFlowInForce: false, recatheterisedWithFlipFlow: true }, true],
    ["inpatient with neither", { catheterAtDischarge: null, flipFlowInForce: false, recatheterisedWithFlipFlow: false }, false],
  ];
  for (const [name, input, expected] of table) test(name, () => assert.equal(catheterOrIscDependent(input), expected));
  test("refuses what it cannot read", () => {
    throwsInput(() => catheterOrIscDependent(null as never), "missing-field", "input");
    throwsInput(() => catheterOrIscDependent({ catheterAtDischarge: "", flipFlowInForce: false, recatheterisedWithFlipFlow: false }), "invalid-value", "catheterAtDischarge");
    throwsInput(() => catheterOrIscDependent({ catheterAtDischarge: 3 as never, flipFlowInForce: false, recatheterisedWithFlipFlow: false }), "invalid-value", "catheterAtDischarge");
  });
});

describe("R1 in words", () => {
  test("not indicated", () => {
    assert.deepEqual(sciReferralIndication(sciReferralReasons({})), { indicated: false, text: "Not indicated by what is recorded (R1)", rules: ["R1"] });
  });
  test("indicated, each reason with its rule id, each id once", () => {
    const r = sciReferralIndication(sciReferralReasons({ twocFailed: true, catheterOrIsc: true, bowelIssues: true }));
    assert.equal(r.indicated, true);
    assert.deepEqual(r.rules, ["R1", "U7", "B5"]);
    assert.match(r.text, /^Indicated \(R1\) because: Failed trial without catheter: .* \(U7\); Dependent on a catheter or intermittent self-catheterisation \(U7\); Bowel issues: follow-up with the SCI service \(B5\)\.$/);
  });
  test("refuses what it cannot read", () => {
    throwsInput(() => sciReferralIndication(null as never), "missing-field", "referral");
    throwsInput(() => sciReferralIndication({ indicated: true } as never), "missing-field", "referral");
  });
});
