// adt-messages-per-s: A02 transfers sent by a PAS over 10 MLLP connections (each waits for its ACK
// before the next, as an engine does) on SQLite, as messages acknowledged per second, against the
// bladder-event API's writes per second (bladder-event-writes) measured in the same run, on the
// same kind of inpatients (each change re-derives the same reminders). Every 10th message is a
// resend of the one before (engines resend), which must be acknowledged and change nothing.
// Then every ACK is checked against the table: none lost, none applied twice.
import net from "node:net";
import { SYSTEM_ACTOR } from "../src/audit/audit.ts";
import { startFeedListener } from "../src/hl7/index.ts";
import { setWardCode } from "../src/hl7/store.ts";
import { median, round, startBenchServer, type BenchResult } from "./lib.ts";
import bladderWrites from "./ward-writes.bench.ts";
import { addInpatients } from "./ward-data.ts";

const CONNECTIONS = 10;
const PER_CONNECTION = 150;
const EPISODES_PER_CONNECTION = 4;
const ROUNDS = 2;

function validNhsNumbers(count: number): string[] {
  const out: string[] = [];
  for (let n = 600_000_000; out.length < count; n++) {
    const digits = String(n).split("").map(Number);
    const check = (11 - (digits.reduce((s, d, i) => s + d * (10 - i), 0) % 11)) % 11;
    if (check !== 10) out.push(`${n}${check}`);
  }
  return out;
}

const hl7 = (ms: number) => `${new Date(ms).toISOString().replace(/[-:T]/g, "").slice(0, 14)}+0000`;

function transfer(controlId: string, nhsNumber: string, ward: string, bed: number, atMs: number): Buffer {
  const text = [
    `MSH|^~\\&|PAS|RXX01|CES|RXX01|${hl7(atMs)}||ADT^A02^ADT_A02|${controlId}|P|2.4|||AL|NE`,
    `EVN|A02|${hl7(atMs)}|||U1^CLERK^PAT|${hl7(atMs)}`,
    `PID|1||RXX1^^^RXX01^MR~${nhsNumber}^^^NHS^NH||BENCH^PATIENT||19700101|F`,
    `PV1|1|I|${ward}^^${bed}^RXX01`,
  ].join("\r");
  return Buffer.concat([Buffer.from([0x0b]), Buffer.from(text), Buffer.from([0x1c, 0x0d])]);
}

/** Sends frames one at a time on one connection, each after the previous ACK; answers the MSA-1 codes. */
function sendAll(port: number, frames: Buffer[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const codes: string[] = [];
    let buffer = "";
    const socket = net.connect({ port, host: "127.0.0.1" }, () => socket.write(frames[0]));
    socket.on("data", (data) => {
      buffer += data.toString("utf8");
      for (let end = buffer.indexOf("\x1c"); end >= 0; end = buffer.indexOf("\x1c")) {
        codes.push(/MSA\|([A-Z]{2})/.exec(buffer.slice(0, end))?.[1] ?? "??");
        buffer = buffer.slice(end + 2);
        if (codes.length === frames.length) {
          socket.end();
          return resolve(codes);
        }
        socket.write(frames[codes.length]);
      }
    });
    socket.on("error", reject);
  });
}

async function adtRound(round: number) {
  const now = new Date();
  const app = await startBenchServer({ now });
  try {
    const episodes = await addInpatients(app.db, now, CONNECTIONS * EPISODES_PER_CONNECTION, 10);
    const numbers = validNhsNumbers(episodes.length);
    for (const [i, episodeId] of episodes.entries()) {
      const { patient_id } = await app.db("episodes").where({ id: episodeId }).first("patient_id");
      await app.db("patients").where({ id: patient_id }).update({ nhs_number: numbers[i] });
    }
    const wards = await app.db("wards").orderBy("id").limit(2).pluck("id");
    await setWardCode(app.db, SYSTEM_ACTOR, "BENCHA", wards[0], now.toISOString());
    await setWardCode(app.db, SYSTEM_ACTOR, "BENCHB", wards[1], now.toISOString());
    const feed = await startFeedListener(app.db, { port: 0, host: "127.0.0.1", maxMessageBytes: 2 * 1024 * 1024, log: () => undefined });
    const start = now.getTime() - 3600_000;
    const batches = Array.from({ length: CONNECTIONS }, (_, c) =>
      Array.from({ length: PER_CONNECTION }, (_, i) => {
        const n = i % 10 === 9 ? i - 1 : i; // every 10th resends the one before
        const patient = c * EPISODES_PER_CONNECTION + (n % EPISODES_PER_CONNECTION);
        return transfer(`BENCH-${round}-${c}-${n}`, numbers[patient], n % 2 ? "BENCHA" : "BENCHB", n, start + n * 1000);
      }),
    );
    const began = performance.now();
    const codes = (await Promise.all(batches.map((frames) => sendAll(feed.port, frames)))).flat();
    const seconds = (performance.now() - began) / 1000;
    await feed.close();
    const sent = CONNECTIONS * PER_CONNECTION;
    const distinct = CONNECTIONS * (PER_CONNECTION - Math.floor(PER_CONNECTION / 10));
    const applied = await app.db("feed_messages").where("control_id", "like", `BENCH-${round}-%`).where({ status: "applied" }).select("control_id");
    const appliedTwice = applied.length - new Set(applied.map((r) => r.control_id)).size;
    const acknowledged = codes.filter((c) => c === "AA").length;
    return { perSecond: acknowledged / seconds, sent, acknowledged, lost: distinct - new Set(applied.map((r) => r.control_id)).size + (sent - codes.length), appliedTwice, notAA: codes.length - acknowledged };
  } finally {
    await app.close();
  }
}

export default async function run(): Promise<BenchResult[]> {
  const ratios: number[] = [];
  const rounds: { adt: Awaited<ReturnType<typeof adtRound>>; writes: number }[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    // Back to back, so other work on a shared machine weighs on both alike.
    const writes = (await bladderWrites())[0].value;
    const adt = await adtRound(r);
    if (adt.lost !== 0 || adt.appliedTwice !== 0 || adt.notAA !== 0) throw new Error(`adt: ${JSON.stringify(adt)}`);
    rounds.push({ adt, writes });
    ratios.push(adt.perSecond / writes);
  }
  return [
    {
      name: "adt-messages-per-s",
      value: round(median(ratios), 2),
      unit: "x the bladder-event API's writes/s (A02 over 10 MLLP connections, SQLite)",
      baseline: "bladder-event-writes in the same run",
      target: 0.5,
      ratios: ratios.map((r) => round(r, 2)),
      messagesPerSecond: rounds.map((r) => round(r.adt.perSecond, 1)),
      bladderWritesPerSecond: rounds.map((r) => r.writes),
      sentPerRound: rounds[0].adt.sent,
      resentPerRound: CONNECTIONS * Math.floor(PER_CONNECTION / 10),
      lost: rounds.reduce((s, r) => s + r.adt.lost, 0),
      appliedTwice: rounds.reduce((s, r) => s + r.adt.appliedTwice, 0),
    },
  ];
}
