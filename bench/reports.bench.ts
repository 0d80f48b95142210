// reports-page-ms: the reports page (/reports) for a 12-month period on the ward bench's database
// (40 inpatients x 50 bladder events, then 100,000 discharged episodes and 5,000,000 bladder events
// of history), median latency under 10 connections, divided by the ward board's median latency
// under 10 connections measured in the same run. Target: at most 10.
// The history's surgeries all fall on 1 January 2024 (bench/ward-data.ts), so the last 12 months
// hold the live episodes and none of the history. A second reading asks for the 12 months of 2024,
// which hold all 100,000 past episodes: more than one report reads (10,000), so it is refused
// with a message; the reading is how long that answer takes.
import { load, round, signInCookie, startBenchServer, type BenchResult } from "./lib.ts";
import { addHistory, addInpatients, BENCH_WARD } from "./ward-data.ts";

const QUERY_2024 = "from-day=1&from-month=1&from-year=2024&to-day=31&to-month=12&to-year=2024";

export default async function run(): Promise<BenchResult[]> {
  const now = new Date();
  const app = await startBenchServer({ now });
  try {
    await addInpatients(app.db, now, 40, 50);
    await addHistory(app.db, 100_000, 5_000_000);
    await app.db.raw("PRAGMA wal_checkpoint(TRUNCATE)");
    const clinician = { cookie: await signInCookie(app.url, "clinician") };
    const board = `${app.url}/ward?ward=${encodeURIComponent(BENCH_WARD)}`;
    const reports = `${app.url}/reports`;

    const check = await fetch(reports, { headers: clinician });
    const html = await check.text();
    const episodes = Number(/(\d+) episodes? with surgery/.exec(html)?.[1] ?? "0");
    if (check.status !== 200 || episodes < 40) throw new Error(`the reports page answered ${check.status} with ${episodes} episodes`);

    const latency = { connections: 10, durationSeconds: 8, headers: clinician };
    await load(board, { ...latency, durationSeconds: 2 }); // warm both pages
    await load(reports, { ...latency, durationSeconds: 2 });
    const boardLoad = await load(board, latency);
    const reportLoad = await load(reports, latency);
    for (const [what, l] of [["ward board", boardLoad], ["reports", reportLoad]] as const) {
      if (l.non2xx > 0 || l.errors > 0) throw new Error(`${what} answered ${l.non2xx} non-2xx and ${l.errors} errors`);
    }

    // The year that holds the whole history, alone (not under load): refused, and how fast.
    await new Promise((resolve) => setTimeout(resolve, 3000)); // the last load run's queued requests finish
    const started = Date.now();
    const whole = await fetch(`${reports}?${QUERY_2024}`, { headers: clinician });
    const wholeHtml = await whole.text();
    const wholeMs = Date.now() - started;
    const wholeEpisodes = Number(/(\d+) episodes? with surgery/.exec(wholeHtml)?.[1] ?? "0");

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
        wholeHistoryYearMs: wholeMs,
        wholeHistoryYearEpisodes: wholeEpisodes,
        wholeHistoryYearStatus: whole.status,
      },
    ];
  } finally {
    await app.close();
  }
}
