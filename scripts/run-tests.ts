// Runs every test file under test/ except the browser tests (npm run test:e2e) and the rule
// engine's own tests (run under coverage by npm run coverage:pathway). Node 20's --test does not expand **.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

function testFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return ["e2e", "pathway"].includes(entry.name) && dir === "test" ? [] : testFiles(full);
    return entry.name.endsWith(".test.ts") ? [full] : [];
  });
}

const files = process.argv.length > 2 ? process.argv.slice(2) : testFiles("test").sort();
const result = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-concurrency=2", ...files], {
  stdio: "inherit",
  env: { ...process.env, NODE_ENV: "test" },
});
process.exit(result.status ?? 1);
