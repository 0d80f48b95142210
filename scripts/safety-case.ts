// Writes the clinical safety case report (docs/clinical-safety/safety-case.md and .html) from the
// hazard log and the latest test reports (written by npm test; see scripts/run-tests.ts).
import fs from "node:fs";
import { HAZARD_LOG_PATH, readHazardLog, readTestResults } from "../src/clinical-safety/hazard-log.ts";
import { reportHtml, reportMarkdown } from "../src/clinical-safety/report.ts";
import { CHECKLIST_PATH, pharmacistChecklist } from "../src/clinical-safety/pharmacist-checklist.ts";
import { TEST_REPORTS } from "./test-reports.ts";

const log = readHazardLog(HAZARD_LOG_PATH);
const results = readTestResults(TEST_REPORTS);
const at = new Date().toISOString();
fs.writeFileSync("docs/clinical-safety/safety-case.md", reportMarkdown(log, results, ".", at));
fs.writeFileSync("docs/clinical-safety/safety-case.html", reportHtml(log, results, ".", at));
fs.writeFileSync(CHECKLIST_PATH, pharmacistChecklist());
console.log(`Wrote ${CHECKLIST_PATH}, docs/clinical-safety/safety-case.md and .html from ${results.reports.length} test report(s).`);
