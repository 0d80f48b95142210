import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { sciReferralReasons, type SciFindings } from "../../src/pathway/index.ts";
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
