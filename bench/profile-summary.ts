// node --import tsx bench/profile-summary.ts FILE.cpuprofile [top]: self time by function and by package or file.
import fs from "node:fs";

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
const file = process.argv[2];
const top = Number(process.argv[3] ?? 30);
// Only the last `window` seconds (the load run), not the start-up and seeding before it.
const windowSeconds = Number(process.argv[4] ?? 0);
const profile = JSON.parse(fs.readFileSync(file, "utf8")) as { nodes: Node[]; samples: number[]; timeDeltas: number[]; endTime: number };
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const self = new Map<number, number>();
let t = profile.endTime;
const times: number[] = [];
for (let i = profile.timeDeltas.length - 1; i >= 0; i--) { times[i] = t; t -= profile.timeDeltas[i]; }
const from = windowSeconds ? profile.endTime - windowSeconds * 1e6 : -Infinity;
profile.samples.forEach((id, i) => { if (times[i] >= from) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)); });
const total = [...self.values()].reduce((a, b) => a + b, 0);
const where = (url: string) => {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  const s = /\/(src\/.*|bench\/.*)$/.exec(url);
  return s ? s[1] : url.replace(/^.*\//, "") || "(native)";
};
const fn = new Map<string, number>();
const pkg = new Map<string, number>();
for (const [id, us] of self) {
  const n = byId.get(id)!;
  const key = `${n.callFrame.functionName || "(anon)"} ${where(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
  fn.set(key, (fn.get(key) ?? 0) + us);
  const p = where(n.callFrame.url);
  pkg.set(p, (pkg.get(p) ?? 0) + us);
}
const show = (m: Map<string, number>) =>
  [...m].sort((a, b) => b[1] - a[1]).slice(0, top).forEach(([k, us]) => console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`));
// Inclusive time of the app's own functions (a frame counted once per sample however deep it recurs).
const inclusive = new Map<string, number>();
for (const [id, us] of self) {
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const n = byId.get(cur)!;
    if (!/\/(src|views)\//.test(n.callFrame.url) && !/handlebars\/dist\/cjs\/handlebars\/runtime|sqlite3\/lib|knex\/lib\/execution/.test(n.callFrame.url)) continue;
    const key = `${n.callFrame.functionName || "(anon)"} ${where(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + us);
  }
}
console.log(`total ${(total / 1000).toFixed(0)} ms sampled`);
console.log("-- by package / file"); show(pkg);
console.log("-- by function"); show(fn);
console.log("-- inclusive, app code"); show(inclusive);
