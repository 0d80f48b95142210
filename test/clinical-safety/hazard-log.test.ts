import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { CHECKLIST_PATH, pharmacistChecklist } from "../../src/clinical-safety/pharmacist-checklist.ts";
import { checkEvidence, checkHazardLog, HAZARD_LOG_PATH, readHazardLog, readTestResults } from "../../src/clinical-safety/hazard-log.ts";

const BROKEN = "test/clinical-safety/fixtures/broken-hazard-log.json";

test("the hazard log is sound: every hazard has controls, every test control names tests that exist, risks follow the 5x5 matrix", () => {
  assert.deepEqual(checkHazardLog(readHazardLog(HAZARD_LOG_PATH), "."), []);
});

test("the hazard log lists at least the 15 hazards the safety case must cover, H-001 to H-015", () => {
  const ids = readHazardLog(HAZARD_LOG_PATH).hazards.map((h) => h.id);
  for (let n = 1; n <= 15; n++) assert.ok(ids.includes(`H-${String(n).padStart(3, "0")}`), `H-${n}`);
});

test("a broken hazard log fails: no control, a missing test file, a missing title, no test named, a risk off the matrix", () => {
  const problems = checkHazardLog(readHazardLog(BROKEN), ".");
  assert.deepEqual(problems, [
    "H-001: the hazard has no control",
    "H-002: the test file test/nowhere/missing.test.ts does not exist",
    'H-002: test/pathway/twoc.test.ts has no test titled "U4: a title nobody wrote"',
    "H-003: the initial risk is 2 but the matrix gives 5 for severity 5, likelihood 5",
    "H-003: a test control names no test",
  ]);
});

test("a template-literal test title is found by the title it prints", () => {
  const log = readHazardLog(HAZARD_LOG_PATH);
  const u2 = log.hazards.flatMap((h) => h.controls.flatMap((c) => c.tests ?? [])).find((t) => t.title.startsWith("U2 boundary: post-void 99 ml"));
  assert.ok(u2, "the log names a templated title");
  const withWrongNumber = { ...log, hazards: [{ ...log.hazards[0], controls: [{ type: "test" as const, text: "x", tests: [{ ...u2, title: "U2 boundary: post-void 99 ml" }] }] }] };
  assert.deepEqual(checkHazardLog(withWrongNumber, "."), ['H-001: test/pathway/twoc.test.ts has no test titled "U2 boundary: post-void 99 ml"']);
});

test("an automated control whose test was skipped in the run fails the evidence check; one that passed does not", () => {
  const log = readHazardLog(BROKEN);
  const skipped = readTestResults(["test/clinical-safety/fixtures/skipped-run.xml"]);
  assert.deepEqual(checkEvidence({ ...log, hazards: [log.hazards[3]] }, skipped), [
    'H-004: "rule book: the review is due from 1 January 2027, not before" (test/pathway/rule-book.test.ts) was skipped',
  ]);
  assert.deepEqual(checkEvidence({ ...log, hazards: [log.hazards[3]] }, readTestResults([])), [
    'H-004: "rule book: the review is due from 1 January 2027, not before" (test/pathway/rule-book.test.ts) was not run',
  ]);
});

test("the pharmacist review checklist lists every class and entry of the medicines dictionary as it is now", () => {
  const written = fs.readFileSync(CHECKLIST_PATH, "utf8");
  assert.equal(written, pharmacistChecklist(), "run npm run safety-case to write it again");
  assert.match(written, /## Z-drug hypnotic: not a benzodiazepine \(z-drug\)[\s\S]*\| \[ \] \| zopiclone \| Zimovane \|/);
  assert.match(written, /\| \[ \] \| Solpadeine, product not named/);
});

test("titles are read from the test report as node writes them, quotes escaped twice", () => {
  const results = readTestResults(["test/clinical-safety/fixtures/skipped-run.xml"]);
  assert.deepEqual(results.titles.get('P2-P6: "Frobnicol" is not classified & <whole words>'), ["passed"]);
});
