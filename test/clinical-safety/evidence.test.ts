// Run by scripts/run-tests.ts after every other test, so the reports it reads are this run's.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { checkEvidence, HAZARD_LOG_PATH, readHazardLog, readTestResults } from "../../src/clinical-safety/hazard-log.ts";
import { TEST_REPORTS } from "../../scripts/test-reports.ts";

test("every test the hazard log names passed in the latest run: none skipped, failed or not run", (t) => {
  if (!TEST_REPORTS.every((f) => fs.existsSync(f))) {
    t.skip("no test report yet: npm test writes them");
    return;
  }
  assert.deepEqual(checkEvidence(readHazardLog(HAZARD_LOG_PATH), readTestResults(TEST_REPORTS)), []);
});
