// node --cpu-prof --cpu-prof-dir=DIR --import tsx bench/profile.ts PAGE [seconds]
// Loads one page of the real app (the same data as its bench) with autocannon for a few seconds,
// so a CPU profile of this process shows where a request's time goes. PAGE is one of
// floor, patients, board, followup, writes. Summarise the profile with bench/profile-summary.ts.
import { execFile } from "node:child_process";
import { createApiToken } from "../src/auth/api-tokens.ts";
import { benchEpisode } from "./followup.bench.ts";
import { load, signInCookie, startBareServer, startBenchServer } from "./lib.ts";
import { addInpatients, BENCH_WARD } from "./ward-data.ts";

const page = process.argv[2] ?? "floor";
const seconds = Number(process.argv[3] ?? 8);
const now = new Date();
const app = await startBenchServer({ now });
try {
  let url: string;
  let headers: Record<string, string>;
  if (page === "board") {
    await addInpatients(app.db, now, 40, 50);
    url = `${app.url}/ward?ward=${encodeURIComponent(BENCH_WARD)}`;
    headers = { cookie: await signInCookie(app.url, "nurse") };
  } else if (page === "followup") {
    const { episodeId } = await benchEpisode(app.db, now);
    url = `${app.url}/episodes/${episodeId}/follow-up`;
    headers = { cookie: await signInCookie(app.url, "clinician") };
  } else if (page === "writes") {
    const episodes = await addInpatients(app.db, now, 40, 10);
    const { token } = await createApiToken(app.db, { name: "profile", role: "nurse", createdBy: null }, now.toISOString());
    const autocannon = (await import("autocannon")).default;
    const writeQueries = new Map<string, number>();
    app.db.on("query", (q: { sql: string }) => writeQueries.set(q.sql.slice(0, 90), (writeQueries.get(q.sql.slice(0, 90)) ?? 0) + 1));
    let sent = 0;
    const result = await autocannon({
      url: app.url, connections: 50, amount: 1500,
      requests: [{ method: "POST", setupRequest: (req) => {
        const n = sent++;
        const body = { type: "scan", phase: "post-void", volumeMl: 40 + (n % 200), at: new Date(Date.now() - 60_000).toISOString(), clientId: `p-${n}` };
        return { ...req, path: `/api/v1/episodes/${episodes[n % episodes.length]}/bladder-events`, headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify(body) };
      } }],
    });
    console.log("queries per write:");
    for (const [sql, n] of [...writeQueries].sort((a, b) => b[1] - a[1])) console.log(`  ${(n / result.requests.total).toFixed(2)} x ${sql}`);
    console.log(`writes: ${result.requests.total} in ${result.duration}s = ${(result.requests.total / result.duration).toFixed(1)}/s, p50 ${result.latency.p50} ms, non2xx ${result.non2xx}`);
    process.exit(0);
  } else {
    url = `${app.url}${page === "patients" ? "/patients" : "/patients/new"}`;
    headers = { cookie: await signInCookie(app.url, "clinician") };
  }
  const queries = new Map<string, number>();
  app.db.on("query", (q: { sql: string }) => queries.set(q.sql, (queries.get(q.sql) ?? 0) + 1));
  const one = await fetch(url, { headers });
  console.log(`one ${page} page: ${(await one.text()).length} characters`);
  const perRequest = [...queries].sort((a, b) => b[1] - a[1]);
  console.log(`one ${page} request: ${perRequest.reduce((n, [, c]) => n + c, 0)} queries`);
  for (const [sql, n] of perRequest) console.log(`  ${n} x ${sql.slice(0, 160)}`);
  // With CPU=1: this process's CPU time per request (main thread and the database's threads), the
  // load coming from another process. CPU time spent is much steadier than requests/s on a busy
  // machine; bare-page CPU per request over page CPU per request is the ratio the page would reach
  // on a core of its own.
  if (process.env.CPU) {
    const bare = await startBareServer();
    const rounds = Number(process.env.CPU) > 1 ? Number(process.env.CPU) : 3;
    const ratios: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const b = await cpuPerRequest(bare.url, {}, seconds);
      const p = await cpuPerRequest(url, headers, seconds);
      ratios.push(b / p);
      console.log(`cpu ${page}: bare ${(b * 1000).toFixed(0)} µs/request, ${page} ${(p * 1000).toFixed(0)} µs/request, ratio ${(b / p).toFixed(3)}`);
    }
    console.log(`cpu ${page} ratio median ${ratios.sort((x, y) => x - y)[ratios.length >> 1].toFixed(3)}`);
    await bare.close();
  }
  // With BARE=1 the bare page is loaded first, for a ratio measured in the same run.
  const bare = process.env.BARE ? await startBareServer() : null;
  const baseline = bare ? await load(bare.url, { durationSeconds: seconds }) : null;
  await bare?.close();
  queries.clear();
  const r = await load(url, { headers, durationSeconds: seconds });
  if (baseline) console.log(`bare: ${baseline.requestsPerSecond.toFixed(1)} req/s; ${page} / bare = ${(r.requestsPerSecond / baseline.requestsPerSecond).toFixed(3)}`);
  const total = [...queries.values()].reduce((a, b) => a + b, 0);
  console.log(`${page}: ${r.requestsPerSecond.toFixed(1)} req/s, p50 ${r.medianLatencyMs} ms, non2xx ${r.non2xx}, errors ${r.errors}, ${(total / (r.requestsPerSecond * seconds)).toFixed(2)} queries/request`);
} finally {
  await app.close();
}
process.exit(0);

/** Milliseconds of this process's CPU per request answered, under autocannon run as another process. */
async function cpuPerRequest(target: string, with_: Record<string, string>, durationSeconds: number): Promise<number> {
  const args = ["-c", "50", "-d", String(durationSeconds), "-j", ...Object.entries(with_).flatMap(([k, v]) => ["-H", `${k}=${v}`]), target];
  const before = process.cpuUsage();
  const out = await new Promise<string>((resolve, reject) =>
    execFile(new URL("../node_modules/.bin/autocannon", import.meta.url).pathname, args, { maxBuffer: 1 << 24 }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
  );
  const used = process.cpuUsage(before);
  const result = JSON.parse(out) as { requests: { total: number }; non2xx: number };
  if (result.non2xx > 0) throw new Error(`${target} answered ${result.non2xx} non-2xx`);
  return (used.user + used.system) / 1000 / result.requests.total;
}
