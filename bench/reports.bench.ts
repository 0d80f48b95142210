// reports-page-ms: the reports page (/reports) for the last 12 months on the ward bench's database
// (40 inpatients x 50 bladder events, then 100,000 discharged episodes and 5,000,000 bladder events
// of history, their surgeries spread evenly over the 24 months before now: bench/ward-data.ts), so
// the period holds about 50,000 episodes. Median latency under 10 connections, divided by the ward
// board's median latency under 10 connections measured in the same run. Target: at most 10.
// The history is written straight into the tables, so no episode has its report answers kept yet:
// the first reading classifies them all (the backfill, timed apart as firstReadMs) before warming.
// Also read: the board's median latency while one connection keeps asking for the reports (does
// the report slow the ward?), and one CSV download of the period (one row per episode).
import { load, round, signInCookie, startBenchServer, type BenchResult } from "./lib.ts";
import { addHistory, addInpatients, BENCH_WARD } from "./ward-data.ts";

export default async function run(): Promise<BenchResult[]> {
  const now = new Date();
  const app = await startBenchServer({ now });
  try {
    await addInpatients(app.db, now, 40, 50);
    await addHistory(app.db, 100_000, 5_000_000, now);
    await app.db.raw("PRAGMA wal_checkpoint(TRUNCATE)");
    const clinician = { cookie: await signInCookie(app.url, "clinician") };
    const board = `${app.url}/ward?ward=${encodeURIComponent(BENCH_WARD)}`;
    const reports = `${app.url}/reports`;

    const started = Date.now();
    const check = await fetch(reports, { headers: clinician });
    const html = await check.text();
    const firstReadMs = Date.now() - started;
    const episodes = Number(/(\d+) episodes? with surgery/.exec(html)?.[1] ?? "0");
    if (check.status !== 200 || episodes <= 40_000) throw new Error(`the reports page answered ${check.status} with ${episodes} episodes (expected over 40,000)`);

    const latency = { connections: 10, durationSeconds: 8, headers: clinician };
    await load(board, { ...latency, durationSeconds: 2 }); // warm both pages
    await load(reports, { ...latency, durationSeconds: 2 });
    const boardLoad = await load(board, latency);
    const reportLoad = await load(reports, latency);
    const [boardWithReports] = await Promise.all([load(board, latency), load(reports, { ...latency, connections: 1 })]);
    for (const [what, l] of [["ward board", boardLoad], ["reports", reportLoad], ["ward board with reports", boardWithReports]] as const) {
      if (l.non2xx > 0 || l.errors > 0) throw new Error(`${what} answered ${l.non2xx} non-2xx and ${l.errors} errors`);
    }

    await new Promise((resolve) => setTimeout(resolve, 3000)); // the last load run's queued requests finish
    const csvStarted = Date.now();
    const csv = await fetch(`${app.url}/reports/twoc.csv`, { headers: clinician });
    const csvRows = (await csv.text()).split("\r\n").length - 2;
    const csvMs = Date.now() - csvStarted;
    if (csv.status !== 200 || csvRows !== episodes) throw new Error(`the TWOC CSV answered ${csv.status} with ${csvRows} rows for ${episodes} episodes`);

    return [
      {
        name: "reports-page-ms",
        value: round(reportLoad.medianLatencyMs / boardLoad.medianLatencyMs),
        unit: "ratio of median latency (reports for the last 12 months / ward board), 10 connections",
        baseline: round(boardLoad.medianLatencyMs, 2),
        target: 10,
        reportsMedianLatencyMs: round(reportLoad.medianLatencyMs, 2),
        episodesInPeriod: episodes,
        pastEpisodes: 100_000,
        pastEvents: 5_000_000,
        firstReadMs,
        boardMedianLatencyMsWithReports: round(boardWithReports.medianLatencyMs, 2),
        csvRows,
        csvMs,
      },
    ];
  } finally {
    await app.close();
  }
}
