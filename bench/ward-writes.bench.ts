// bladder-event-writes: 50 connections POSTing 2,000 bladder events through the API on SQLite, as
// events stored per second; then every 201 is checked against the table: no event lost, none twice.
// A fixed number of requests (not a fixed time) so every answer is counted: a timed run ends with
// requests in flight that were stored but whose answers were never read.
import autocannon from "autocannon";
import { createApiToken } from "../src/auth/api-tokens.ts";
import { round, startBenchServer, type BenchResult } from "./lib.ts";
import { addInpatients } from "./ward-data.ts";

const REQUESTS = 2000;

export default async function run(): Promise<BenchResult[]> {
  const now = new Date();
  const app = await startBenchServer({ now });
  try {
    const episodes = await addInpatients(app.db, now, 40, 10);
    const { token } = await createApiToken(app.db, { name: "bench scanner", role: "nurse", createdBy: null }, now.toISOString());
    const before = Number(((await app.db("bladder_events").count({ n: "*" }).first()) as { n: number }).n);
    let sent = 0;
    const firstReadingAt = now.getTime() - 120_000;
    const acceptedIds: number[] = [];
    const statuses: Record<string, number> = {};
    // Every request carries its own clientId and every 5th repeats the previous one, so the
    // run also exercises the "same clientId twice stores one event" path under load.
    const result = await autocannon({
      url: app.url,
      connections: 50,
      amount: REQUESTS,
      requests: [
        {
          method: "POST",
          setupRequest: (req) => {
            const n = sent++;
            const id = n % 5 === 4 ? n - 1 : n;
            const episodeId = episodes[id % episodes.length];
            // A repeat is the same reading sent again (same time too): a different body under the same clientId is a 409.
            const body = { type: "scan", phase: "post-void", volumeMl: 40 + (id % 200), at: new Date(firstReadingAt + id * 10).toISOString(), clientId: `bench-${id}` };
            return { ...req, path: `/api/v1/episodes/${episodeId}/bladder-events`, headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify(body) };
          },
          onResponse: (status, body) => {
            statuses[status] = (statuses[status] ?? 0) + 1;
            if (status === 201) acceptedIds.push((JSON.parse(body) as { id: number }).id);
          },
        },
      ],
    });
    const after = Number(((await app.db("bladder_events").count({ n: "*" }).first()) as { n: number }).n);
    const stored = after - before;
    const distinctKeys = Number(((await app.db("bladder_events").where("idempotency_key", "like", "api:%:bench-%").countDistinct({ n: "idempotency_key" }).first()) as { n: number }).n);
    const found = new Set((await app.db("bladder_events").whereIn("id", acceptedIds.slice(0, 50_000)).select("id")).map((r) => r.id as number));
    const lost = acceptedIds.filter((id) => !found.has(id)).length;
    const duplicated = stored - distinctKeys;
    if (lost > 0 || duplicated !== 0 || stored !== acceptedIds.length || result.errors > 0) {
      throw new Error(`writes: ${acceptedIds.length} accepted, ${stored} stored, ${distinctKeys} distinct clientIds, ${lost} lost, ${result.errors} errors, statuses ${JSON.stringify(statuses)}`);
    }
    return [
      {
        name: "bladder-event-writes",
        value: round(stored / result.duration, 1),
        unit: "events stored/s (50 connections, SQLite)",
        baseline: "API POST with audit row and reminder refresh per event; no lost or duplicated row",
        target: 200,
        requests: sent,
        statuses,
        stored,
        lost,
        duplicated,
        medianLatencyMs: result.latency.p50,
      },
    ];
  } finally {
    await app.close();
  }
}
