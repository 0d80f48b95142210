// reminder-dispatch-vs-raw: 10,000 due reminders through the outbox (fire -> claim -> send -> record)
// to a local SMTP server, against a plain nodemailer loop sending 10,000 messages to the same server
// in the same run. Duplicates and lost messages are counted at the server.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import nodemailer from "nodemailer";
import { SYSTEM_ACTOR } from "../src/audit/audit.ts";
import { createDb } from "../src/db/knex.ts";
import { openRecord } from "../src/record.ts";
import { migrateLatest } from "../src/db/migrate.ts";
import { registerEpisode, registerPatient } from "../src/patients/service.ts";
import { reminderKey } from "../src/reminders/derive.ts";
import { Dispatcher } from "../src/reminders/dispatcher.ts";
import { applyDerived } from "../src/reminders/index.ts";
import { opaqueKey } from "../src/reminders/dispatcher.ts";
import { smtpTransport } from "../src/reminders/mailer.ts";
import { TestSmtpServer } from "../test/reminders/smtp.ts";
import type { BenchResult } from "./lib.ts";

const COUNT = 10_000;

function keyOf(raw: Buffer): string {
  return /^X-Outbox-Key: (.+?)\r?$/m.exec(raw.toString("utf8"))?.[1] ?? "";
}

/** Counts by the X-Outbox-Key header, which the dispatcher fills with opaqueKey(key). */
function tally(smtp: TestSmtpServer, keys: string[], header: (key: string) => string = opaqueKey): { duplicates: number; lost: number } {
  const counts = new Map<string, number>();
  for (const m of smtp.messages) counts.set(keyOf(m.raw), (counts.get(keyOf(m.raw)) ?? 0) + 1);
  let duplicates = 0;
  let lost = 0;
  for (const k of keys) {
    const n = counts.get(header(k)) ?? 0;
    if (n === 0) lost++;
    if (n > 1) duplicates += n - 1;
  }
  return { duplicates, lost };
}

export default async function run(): Promise<BenchResult[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "reminders-bench-"));
  const db = openRecord(createDb({ databaseUrl: null, sqliteFile: path.join(dir, "bench.sqlite") }));
  const smtp = await new TestSmtpServer(false).start();
  try {
    await migrateLatest(db);
    const now = new Date("2026-11-24T10:00:00Z");
    const nowIso = now.toISOString();
    await db("wards").insert({ name: "Ward 3 (Spinal)", email: "ward3@example.nhs.uk", phone: "0113 000 0003" });
    const patient = await registerPatient(db, SYSTEM_ACTOR, {
      nhsNumber: "9434765919", familyName: "Bench", givenName: "Pat", dateOfBirth: "1970-01-01", sex: "female",
      email: "bench@example.com", emailConsent: true, gp: { name: null, address: null, email: null },
    }, nowIso);
    const episode = await registerEpisode(db, SYSTEM_ACTOR, patient.id, {
      presentation: "CES-I", mriAt: "2026-11-20T08:00:00Z", anaesthesiaStartAt: "2026-11-20T12:00:00Z", procedure: "laminotomy",
      level: null, surgeon: null, hospital: null, ward: "Ward 3 (Spinal)", bed: "1", delayReason: null, consultantSanction: null,
      preopReviewAt: null, consentRecorded: true, bsrRegistered: true, catheterisedBeforeSurgery: true,
    }, nowIso);
    const derived = Array.from({ length: COUNT }, (_, i) => {
      const dueAt = new Date(now.getTime() - i).toISOString();
      return { key: reminderKey(episode.id, "flipflow-opening-patient", dueAt), episodeId: episode.id, kind: "flipflow-opening-patient" as const, audience: "patient" as const, channel: "email" as const, dueAt, overdueAt: null, rules: ["F1"], reason: "bench" };
    });
    await db.transaction((trx) => applyDerived(trx, episode.id, patient.id, derived, nowIso));

    // Baseline: a plain nodemailer loop, same server, same kind of message.
    const raw = nodemailer.createTransport(`${smtp.url}?pool=true`);
    const rawKeys = Array.from({ length: COUNT }, (_, i) => `raw:${i}`);
    const rawStart = process.hrtime.bigint();
    for (const key of rawKeys) {
      await raw.sendMail({ from: "Spinal team <no-reply@example.nhs.uk>", to: "bench@example.com", subject: "A reminder from the spinal team", text: "Hello,\n\nThis is a reminder from the spinal team.\n", headers: { "X-Outbox-Key": key } });
    }
    const rawSeconds = Number(process.hrtime.bigint() - rawStart) / 1e9;
    raw.close();
    const rawTally = tally(smtp, rawKeys, (k) => k);
    smtp.messages.length = 0;

    // The outbox: fire the due reminders, claim, send, record.
    const transport = smtpTransport(smtp.url);
    const dispatcher = new Dispatcher({
      db, transport, clock: () => now, refreshAfterFiring: false, batchSize: 200,
      settings: { baseUrl: "http://localhost:3000", secret: "bench-secret", from: "Spinal team <no-reply@example.nhs.uk>" },
    });
    const start = process.hrtime.bigint();
    const report = await dispatcher.tick();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    await dispatcher.stop();
    transport.close();
    const keys = derived.map((d) => d.key);
    const { duplicates, lost } = tally(smtp, keys);

    const rawRate = COUNT / rawSeconds;
    const rate = report.sent / seconds;
    const ratio = Math.round((rate / rawRate) * 100) / 100;
    return [
      { name: "reminder-dispatch-vs-raw", value: ratio, unit: "ratio of messages/s", baseline: `${Math.round(rawRate)} messages/s (plain nodemailer loop)`, target: 0.5, messagesPerSecond: Math.round(rate), duplicates, lost, rawDuplicates: rawTally.duplicates, rawLost: rawTally.lost },
      { name: "reminder-dispatch-duplicates", value: duplicates, unit: "messages received more than once", baseline: null, target: null },
      { name: "reminder-dispatch-lost", value: lost, unit: "messages never received", baseline: null, target: null },
    ];
  } finally {
    await smtp.stop();
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
