import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { checklist, rules, type ChecklistDomain } from "../../src/pathway/index.ts";
import { throwsInput } from "./helpers.ts";

const ruleList = (domain: ChecklistDomain, phase: "acute" | "chronic") => checklist(domain, phase).map((i) => i.rule);

describe("checklists by domain and phase", () => {
  const table: [ChecklistDomain, "acute" | "chronic", string[]][] = [
    ["bladder", "acute", ["U1", "U8", "U5", "U6", "F1", "F2", "F3", "U7"]],
    ["bladder", "chronic", ["U1", "U8", "U5", "U6", "F1", "F2", "F3", "U7"]],
    ["bowel", "acute", ["B1", "B2", "B3", "B4", "B5", "B6"]],
    ["bowel", "chronic", ["B1", "B3", "B4", "B5", "B6"]],
    ["pain", "acute", ["P1", "P2", "P3", "P4"]],
    ["pain", "chronic", ["P1", "P2", "P5", "P6", "P7", "P8"]],
    ["sexual", "acute", ["X1", "X2", "X3", "X4", "X5"]],
    ["psychological", "chronic", ["Y1", "Y2", "Y3"]],
  ];
  for (const [domain, phase, expected] of table) {
    test(`${expected.join(",")}: ${domain} checklist, ${phase} phase`, () => assert.deepEqual(ruleList(domain, phase), expected));
  }
  test("B2: the stimulant-and-softener item has a stable id and names senna and docusate", () => {
    const b2 = checklist("bowel", "acute").find((i) => i.rule === "B2");
    assert.equal(b2?.id, "bowel-b2-stimulant-softener");
    assert.equal(b2?.when, "inpatient");
    assert.match(b2?.text ?? "", /senna.*docusate/);
  });
  test("B6/X4: outpatient re-assessment items; P4 at discharge", () => {
    assert.equal(checklist("bowel", "chronic").find((i) => i.rule === "B6")?.when, "outpatient");
    assert.equal(checklist("sexual", "chronic").find((i) => i.rule === "X4")?.when, "outpatient");
    assert.equal(checklist("pain", "acute").find((i) => i.rule === "P4")?.when, "discharge");
  });
  test("every checklist item: unique stable id, known rule, text", () => {
    const seen = new Set<string>();
    for (const domain of ["bladder", "bowel", "pain", "sexual", "psychological"] as const) {
      for (const phase of ["acute", "chronic"] as const) {
        for (const item of checklist(domain, phase)) {
          assert.ok(item.rule in rules, item.rule);
          assert.match(item.id, new RegExp(`^${domain}-${item.rule.toLowerCase()}-[a-z0-9-]+$`));
          assert.ok(item.text.length > 10);
          assert.ok(["inpatient", "discharge", "outpatient", "any"].includes(item.when));
          seen.add(`${phase}:${item.id}`);
        }
      }
    }
    assert.ok(seen.size > 40);
  });
  test("checklist PathwayInputError: unknown domain or phase", () => {
    throwsInput(() => checklist("renal" as ChecklistDomain, "acute"), "invalid-value", "domain");
    throwsInput(() => checklist("toString" as ChecklistDomain, "acute"), "invalid-value", "domain");
    throwsInput(() => checklist("bowel", "late" as "acute"), "invalid-value", "phase");
  });
});

describe("P5 and P6 are prohibitions, not tasks", () => {
  const kinds = (domain: ChecklistDomain, phase: "acute" | "chronic") => checklist(domain, phase).filter((i) => i.kind === "prohibition").map((i) => i.rule);
  const table: [ChecklistDomain, "acute" | "chronic", string[]][] = [
    ["pain", "chronic", ["P5", "P6"]],
    ["pain", "acute", []],
    ["bowel", "chronic", []],
    ["bladder", "acute", []],
  ];
  for (const [domain, phase, expected] of table) {
    test(`${domain}, ${phase}: prohibitions ${expected.join(",") || "none"}; every other item is a task`, () => {
      assert.deepEqual(kinds(domain, phase), expected);
      for (const item of checklist(domain, phase)) if (!expected.includes(item.rule)) assert.equal(item.kind, "task", item.rule);
    });
  }
});
