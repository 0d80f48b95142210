// reminder-dispatch-notify-vs-raw: 10,000 due text messages dispatched through the outbox (fire,
// claim, send, record) to a local GOV.UK Notify-compatible server, against a plain loop of the same
// Notify client calls in the same run. Duplicates and losses are counted at the server.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { SYSTEM_ACTOR } from "../src/audit/audit.ts";
import { createDb } from "../src/db/knex.ts";
import { migrateLatest } from "../src/db/migrate.ts";
import { registerEpisode, registerPatient } from "../src/patients/service.ts";
import { openRecord } from "../src/record.ts";
import { reminderKey } from "../src/reminders/derive.ts";
import { Dispatcher } from "../src/reminders/dispatcher.ts";
import { applyDerived } from "../src/reminders/index.ts";
import { emlFileTransport } from "../src/reminders/mailer.ts";
import { notifyClient, notifyTextTransport } from "../src/reminders/notify.ts";
import { TestNotifyServer, notifySettingsFor } from "../test/reminders/notify-server.ts";
import type { BenchResult } from "./lib.ts";

const COUNT = 10_000;

function tally(server: TestNotifyServer, references: string[]): { duplicates: number; lost: number } {
  const counts = server.countsByReference();
  let duplicates = 0;
  let lost = 0;
  for (const r of references) {
    const n = counts.get(r) ?? 0;
    if (n === 0) lost++;
    if (n > 1) duplicates += n - 1;
  }
  return { duplicates, lost };
}

export default async function run(): Promise<BenchResult[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "reminders-notify-bench-"));
  const db = openRecord(createDb({ databaseUrl: null, sqliteFile: path.join(dir, "bench.sqlite") }));
  const server = await new TestNotifyServer().start();
  try {
    await migrateLatest(db);
    const now = new Date("2026-11-24T10:00:00Z");
    const nowIso = now.toISOString();
    await db("wards").insert({ name: "Ward 3 (Spinal)", email: "ward3@example.nhs.uk", phone: "0113 000 0003" });
    const patient = await registerPatient(db, SYSTEM_ACTOR, {
      nhsNumber: "9434765919", familyName: "Bench", givenName: "Pat", dateOfBirth: "1970-01-01", sex: "female",
      email: null, emailConsent: false, mobile: "+447700900123", smsConsent: true, gp: { name: null, address: null, email: null },
    }, nowIso);
    const episode = await registerEpisode(db, SYSTEM_ACTOR, patient.id, {
      presentation: "CES-I", mriAt: "2026-11-20T08:00:00Z", anaesthesiaStartAt: "2026-11-20T12:00:00Z", procedure: "laminotomy",
      level: null, surgeon: null, hospital: null, ward: "Ward 3 (Spinal)", bed: "1", delayReason: null, consultantSanction: null,
      preopReviewAt: null, consentRecorded: true, bsrRegistered: true, catheterisedBeforeSurgery: true,
    }, nowIso);
    const derived = Array.from({ length: COUNT }, (_, i) => {
      const dueAt = new Date(now.getTime() - i).toISOString();
      return { key: reminderKey(episode.id, "flipflow-opening-patient", dueAt, "sms"), episodeId: episode.id, kind: "flipflow-opening-patient" as const, audience: "patient" as const, channel: "sms" as const, dueAt, overdueAt: null, rules: ["F1"], reason: "bench" };
    });
    await db.transaction((trx) => applyDerived(trx, episode.id, patient.id, derived, nowIso));

    const settings = notifySettingsFor(server);
    // Baseline: a plain loop of the same Notify client call, same server, same kind of message.
    const client = notifyClient(settings);
    const body = "Hello Pat, this is a reminder from the spinal team for Tue, 24 Nov 2026, 10:00 GMT. Questions: call 0113 000 0003. To stop these texts, reply STOP or go to http://localhost:3000/stop/1-abcdefghijklmnop";
    const rawRefs = Array.from({ length: COUNT }, (_, i) => `raw-${i}`);
    const rawStart = process.hrtime.bigint();
    for (const reference of rawRefs) await client.sendSms(settings.smsTemplateId, "+447700900123", { personalisation: { body }, reference });
    const rawSeconds = Number(process.hrtime.bigint() - rawStart) / 1e9;
    const rawTally = tally(server, rawRefs);
    server.accepted.length = 0;

    // The outbox: fire the due reminders, claim, send, record.
    const dispatcher = new Dispatcher({
      db, transport: emlFileTransport(dir), texts: notifyTextTransport(notifyClient(settings), settings), clock: () => now, refreshAfterFiring: false, batchSize: 200,
      settings: { baseUrl: "http://localhost:3000", secret: "bench-secret", from: "Spinal team <no-reply@example.nhs.uk>" },
    });
    const start = process.hrtime.bigint();
    const report = await dispatcher.tick();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    await dispatcher.stop();
    const refs = (await db("outbox").where("channel", "sms").select("id")).map((r) => String(r.id));
    const { duplicates, lost } = tally(server, refs);
    const lostOfCount = COUNT - refs.length + lost;

    const rawRate = COUNT / rawSeconds;
    const rate = report.sent / seconds;
    const ratio = Math.round((rate / rawRate) * 100) / 100;
    return [
      { name: "reminder-dispatch-notify-vs-raw", value: ratio, unit: "ratio of text messages/s", baseline: `${Math.round(rawRate)} messages/s (plain notifications-node-client loop)`, target: 0.5, messagesPerSecond: Math.round(rate), duplicates, lost: lostOfCount, rawDuplicates: rawTally.duplicates, rawLost: rawTally.lost },
      { name: "reminder-dispatch-notify-duplicates", value: duplicates, unit: "text messages received more than once", baseline: null, target: null },
      { name: "reminder-dispatch-notify-lost", value: lostOfCount, unit: "text messages never received", baseline: null, target: null },
    ];
  } finally {
    await server.stop();
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
