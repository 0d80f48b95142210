// npm run bench [-- name-filter]: runs every bench/*.bench.ts in turn and writes bench/results.json.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { BenchResult } from "./lib.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2];
const files = fs.readdirSync(here).filter((f) => f.endsWith(".bench.ts") && (!filter || f.includes(filter))).sort();
const results: BenchResult[] = [];
for (const file of files) {
  console.log(`== ${file}`);
  const bench = (await import(pathToFileURL(path.join(here, file)).href)) as { default: () => Promise<BenchResult[]> };
  for (const result of await bench.default()) {
    const verdict = result.target === null ? "" : meetsTarget(result) ? " (meets target)" : " (MISSES target)";
    console.log(`${result.name}: ${result.value} ${result.unit}; target ${result.target ?? "none"}${verdict}`);
    results.push(result);
  }
}
const out = path.join(here, "results.json");
// A filtered run updates only its own rows.
const previous: BenchResult[] = filter && fs.existsSync(out) ? JSON.parse(fs.readFileSync(out, "utf8")) : [];
const merged = [...previous.filter((p) => !results.some((r) => r.name === p.name)), ...results];
fs.writeFileSync(out, `${JSON.stringify(merged, null, 2)}\n`);
console.log(`Wrote ${path.relative(process.cwd(), out)}`);
process.exit(0);

/** Ratios named "-vs-" and rates are "at least" targets; "-scale" (a slowdown factor) and reports-page-ms (a latency ratio) are "at most". */
function meetsTarget(result: BenchResult): boolean {
  const atMost = result.name.endsWith("-scale") || result.name === "reports-page-ms";
  return atMost ? result.value <= result.target! : result.value >= result.target!;
}
