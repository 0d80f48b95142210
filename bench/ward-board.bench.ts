// ward-board-vs-bare: the ward board with 40 inpatients x 50 bladder events against the bare page,
// both under autocannon in turn in the same run (50 connections, 4 rounds of 3 s each).
// ward-board-scale: the board's median latency after adding 100,000 discharged episodes and
// 5,000,000 bladder events to the same database, divided by its median latency before (10 connections).
import { load, round, signInCookie, startBareServer, startBenchServer, versusBare, type BenchResult } from "./lib.ts";
import { addHistory, addInpatients, BENCH_WARD } from "./ward-data.ts";

export default async function run(): Promise<BenchResult[]> {
  const now = new Date();
  const app = await startBenchServer({ now });
  const bare = await startBareServer();
  try {
    await addInpatients(app.db, now, 40, 50);
    const cookie = await signInCookie(app.url, "nurse");
    const url = `${app.url}/ward?ward=${encodeURIComponent(BENCH_WARD)}`;
    const check = await fetch(url, { headers: { cookie } });
    const html = await check.text();
    const rows = (html.match(/app-board__bed/g) ?? []).length;
    if (check.status !== 200 || rows !== 40) throw new Error(`the board answered ${check.status} with ${rows} rows`);

    const boardRun = await versusBare(bare.url, url, { headers: { cookie } });
    const board = boardRun.page;
    assertClean(board, "ward board");

    const latency = { connections: 10, durationSeconds: 8, headers: { cookie } };
    const small = await load(url, latency); // warm: the vs-bare run just loaded the same page
    assertClean(small, "ward board (small database)");
    const started = Date.now();
    await addHistory(app.db, 100_000, 5_000_000, now);
    // One giant transaction leaves a WAL as big as the data; a database that grew over years has
    // been checkpointed all along (SQLite does it every 1,000 pages), so checkpoint before measuring.
    await app.db.raw("PRAGMA wal_checkpoint(TRUNCATE)");
    const buildSeconds = (Date.now() - started) / 1000;
    await load(url, { ...latency, durationSeconds: 2 }); // warm the page cache, as for the small run
    const big = await load(url, latency);
    assertClean(big, "ward board (large history)");

    return [
      {
        name: "ward-board-vs-bare",
        value: round(boardRun.ratio),
        unit: "ratio of requests/s (median of 4 back-to-back rounds)",
        baseline: round(boardRun.bare.requestsPerSecond, 1),
        target: 0.1,
        requestsPerSecond: round(board.requestsPerSecond, 1),
        inpatients: 40,
        eventsPerInpatient: 50,
        rounds: boardRun.ratios.map((r) => round(r)),
      },
      {
        name: "ward-board-scale",
        value: round(big.medianLatencyMs / small.medianLatencyMs),
        unit: "ratio of median latency (large history / small)",
        baseline: round(small.medianLatencyMs, 2),
        target: 1.5,
        medianLatencyMsLarge: round(big.medianLatencyMs, 2),
        pastEpisodes: 100_000,
        pastEvents: 5_000_000,
        historyBuildSeconds: round(buildSeconds, 1),
      },
    ];
  } finally {
    await bare.close();
    await app.close();
  }
}

function assertClean(result: { non2xx: number; errors: number }, what: string): void {
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${what} answered ${result.non2xx} non-2xx and ${result.errors} errors`);
}
