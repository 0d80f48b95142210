// Runs every test file under test/ except the browser tests (npm run test:e2e) and the rule
// engine's own tests (run under coverage by npm run coverage:pathway). Node 20's --test does not expand **.
// A full run writes a JUnit report beside the spec output; then the hazard log's evidence check
// reads it (and the rule engine's report) to fail if a test named by the hazard log was skipped.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { UNIT_REPORT } from "./test-reports.ts";

const EVIDENCE_TEST = path.join("test", "clinical-safety", "evidence.test.ts");

function testFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return ["e2e", "pathway"].includes(entry.name) && dir === "test" ? [] : testFiles(full);
    return entry.name.endsWith(".test.ts") ? [full] : [];
  });
}

function run(files: string[], reporters: string[] = []): number {
  const result = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-concurrency=2", ...reporters, ...files], {
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "test" },
  });
  return result.status ?? 1;
}

if (process.argv.length > 2) {
  process.exit(run(process.argv.slice(2)));
}
fs.mkdirSync(path.dirname(UNIT_REPORT), { recursive: true });
const files = testFiles("test").sort().filter((f) => f !== EVIDENCE_TEST);
const status = run(files, ["--test-reporter=spec", "--test-reporter-destination=stdout", "--test-reporter=junit", `--test-reporter-destination=${UNIT_REPORT}`]);
const evidence = run([EVIDENCE_TEST]);
process.exit(status || evidence);
