// Patient messages through GOV.UK Notify: the app's real Notify client (notifications-node-client)
// against a Notify-compatible server on 127.0.0.1 that checks the JWT as Notify does.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import supertest from "supertest";
import { createApp, type App } from "../../src/app.ts";
import { SYSTEM_ACTOR } from "../../src/audit/audit.ts";
import { loadConfig } from "../../src/config.ts";
import { createDb, type Db } from "../../src/db/knex.ts";
import { migrateLatest } from "../../src/db/migrate.ts";
import { setAppointment } from "../../src/followup/service.ts";
import { EpisodePanels } from "../../src/patients/episode-panels.ts";
import { openRecord } from "../../src/record.ts";
import { type DerivedReminder, type ReminderKind, reminderKey } from "../../src/reminders/derive.ts";
import { Dispatcher } from "../../src/reminders/dispatcher.ts";
import { notifyClient, notifyMailTransport, notifyTextTransport } from "../../src/reminders/notify.ts";
import { enqueue } from "../../src/reminders/outbox.ts";
import { forbiddenWordsIn } from "../../src/reminders/words.ts";
import { seed as seedUsers } from "../../seeds/01_users.ts";
import { csrfFrom, pageText, signIn, TestClock } from "../helpers/app.ts";
import { makeEpisode, schedule } from "./fixtures.ts";
import { TEST_API_KEY, TestNotifyServer, checkNotifyJwt, notifySettingsFor, TEST_SERVICE_ID } from "./notify-server.ts";

const MINUTE = 60_000;
const CALLBACK_TOKEN = "notify-callback-token-for-tests-0123456789";

/** A database two processes can open: a SQLite file, or a PostgreSQL schema of its own. */
async function sharedDatabase() {
  const url = process.env.DATABASE_URL || null;
  if (url) {
    const schema = `test_${randomBytes(6).toString("hex")}`;
    const admin = createDb({ databaseUrl: url, sqliteFile: "" });
    await admin.raw(`create schema ${schema}`);
    const open = () => createDb({ databaseUrl: url, sqliteFile: "", searchPath: schema });
    return { open, childEnv: { CHILD_DATABASE_URL: url, CHILD_SCHEMA: schema }, drop: async () => { await admin.raw(`drop schema ${schema} cascade`); await admin.destroy(); } };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ces-notify-"));
  const file = path.join(dir, "test.sqlite");
  const open = () => createDb({ databaseUrl: null, sqliteFile: file });
  return { open, childEnv: { CHILD_SQLITE_FILE: file }, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}

describe("patient messages through GOV.UK Notify", () => {
  let notify: TestNotifyServer;
  let shared: Awaited<ReturnType<typeof sharedDatabase>>;
  let db: Db;
  let app: App;
  const clock = new TestClock("2026-11-24T10:00:00Z");
  const dispatchers: Dispatcher[] = [];

  before(async () => {
    notify = await new TestNotifyServer().start();
    shared = await sharedDatabase();
    db = openRecord(shared.open());
    await migrateLatest(db);
    await seedUsers(db, { now: clock.now() });
    const config = { ...loadConfig({ NODE_ENV: "test" }), sessionSecret: "test-secret", notifyCallbackToken: CALLBACK_TOKEN };
    app = createApp({ db, config, clock: clock.now, episodePanels: new EpisodePanels() });
  });
  after(async () => {
    for (const d of dispatchers) await d.stop();
    await notify.stop();
    await db.destroy();
    await shared.drop();
  });

  function notifyDispatcher(conn: Db, extra: Partial<ConstructorParameters<typeof Dispatcher>[0]> = {}): Dispatcher {
    const settings = notifySettingsFor(notify);
    const client = notifyClient(settings);
    const d = new Dispatcher({
      db: conn, transport: notifyMailTransport(client, settings), texts: notifyTextTransport(client, settings), clock: clock.now,
      refreshAfterFiring: false, retry: { maxAttempts: 6, baseDelayMs: MINUTE },
      settings: { baseUrl: "http://localhost:3000", secret: "test-secret", from: "Spinal team <no-reply@example.nhs.uk>" },
      ...extra,
    });
    dispatchers.push(d);
    return d;
  }

  let batch = 0;
  /** `n` text messages queued for one patient; returns their outbox ids. */
  async function queueTexts(n: number, patientId: number | null = null): Promise<string[]> {
    batch++;
    const ids: string[] = [];
    await db.transaction(async (trx) => {
      for (let i = 0; i < n; i++) {
        const id = await enqueue(trx, {
          key: `notify-test:${batch}:${i}`, reminderId: null, patientId, episodeId: null, kind: "test", recipient: "+447700900123", channel: "sms",
          subject: "Text message", text: `Hello Alex, this is a reminder from the spinal team (${batch}/${i}).`, html: null, headers: null, attachments: null,
        }, clock.now().toISOString());
        ids.push(String(id));
      }
    });
    return ids;
  }

  const received = (refs: string[]) => refs.map((r) => notify.countsByReference().get(r) ?? 0);

  const patientReminder = (episodeId: number, kind: ReminderKind, dueAt: string, channel: "email" | "sms"): DerivedReminder => ({
    key: reminderKey(episodeId, kind, dueAt, channel), episodeId, kind, audience: "patient", channel, dueAt: new Date(dueAt).toISOString(), overdueAt: null, rules: ["F1"], reason: "test",
  });

  it("texts and emails a patient at home: given name only, the time, a phone number, the place, how to stop; no clinical words; reference = outbox id", async () => {
    const now = clock.now().toISOString();
    const { patient, episode } = await makeEpisode(db, { email: "alex.home@example.com", now });
    await db("patients").where({ id: patient.id }).update({ mobile: "+447700900123", sms_consent: true });
    await db("clinics").insert({ name: "Spinal outpatients", address: "Outpatients B, Pinderfields Hospital, Aberford Road, Wakefield", phone: "01924 000 100", created_at: now, updated_at: now });
    const appointmentAt = "2026-11-25T09:30:00Z";
    await setAppointment(db, SYSTEM_ACTOR, episode, appointmentAt, "spinal  OUTPATIENTS", now);
    await db("reminders").where({ episode_id: episode.id }).update({ status: "cancelled" });
    await schedule(db, episode.id, patient.id, [
      patientReminder(episode.id, "flipflow-opening-patient", now, "sms"),
      patientReminder(episode.id, "flipflow-opening-patient", now, "email"),
      patientReminder(episode.id, "outpatient-appointment-patient", "2026-11-24T09:30:00Z", "sms"),
      patientReminder(episode.id, "outpatient-appointment-patient", "2026-11-24T09:30:00Z", "email"),
    ], now);
    const d = notifyDispatcher(db);
    const report = await d.tick();
    assert.equal(report.sent, 4, JSON.stringify(report));
    const rows = await db("outbox").where({ patient_id: patient.id }).orderBy("id");
    const mine = notify.accepted.filter((m) => rows.some((r) => String(r.id) === m.reference));
    assert.equal(mine.length, 4);
    for (const m of mine) {
      const row = rows.find((r) => String(r.id) === m.reference)!;
      assert.equal(row.message_id, m.id, "Notify's id is recorded against the outbox row");
      assert.deepEqual(forbiddenWordsIn(Object.values(m.personalisation).join("\n")), [], m.personalisation.body);
      assert.doesNotMatch(m.personalisation.body, /Tester/, "no family name");
    }
    const texts = mine.filter((m) => m.type === "sms");
    assert.deepEqual(texts.map((m) => m.to), ["+447700900123", "+447700900123"]);
    const reminderText = texts.find((m) => m.personalisation.body.includes("a reminder"))!.personalisation.body;
    const appointmentText = texts.find((m) => m.personalisation.body.includes("an appointment"))!.personalisation.body;
    assert.match(reminderText, new RegExp(`^Hello Alex, this is a reminder from the spinal team for Tue, 24 Nov 2026, 10:00 GMT\\. Questions: call 0113 000 0003\\. To stop these texts, reply STOP or go to http://localhost:3000/stop/${patient.id}-[A-Za-z0-9_-]{16}$`));
    assert.match(appointmentText, /^Hello Alex, you have an appointment with the spinal team on Wed, 25 Nov 2026, 09:30 GMT at Spinal outpatients, Outpatients B, Pinderfields Hospital, Aberford Road, Wakefield\. If you cannot come, call 01924 000 100\. To stop these texts, reply STOP or go to http:\/\/localhost:3000\/stop\/\d+-[A-Za-z0-9_-]{16}$/);
    const emails = mine.filter((m) => m.type === "email");
    assert.deepEqual(emails.map((m) => m.personalisation.subject), ["A reminder from the spinal team", "A reminder from the spinal team"]);
    const appointmentEmail = emails.find((m) => m.personalisation.body.includes("an appointment"))!.personalisation.body;
    assert.match(appointmentEmail, /Where: Spinal outpatients, Outpatients B/);
    assert.match(appointmentEmail, /please call 01924 000 100/);
    assert.match(emails.find((m) => m.personalisation.body.includes("a reminder from"))!.personalisation.body, /please call 0113 000 0003/);

    // The stop link in the text works, on a page that names no condition.
    const stopPath = new URL(reminderText.split(" go to ")[1]).pathname;
    const agent = supertest.agent(app);
    const page = await agent.get(stopPath);
    assert.equal(page.status, 200);
    assert.match(pageText(page.text), /Spinal team reminders.*Do you want to stop getting reminder text messages/);
    const done = await agent.post(stopPath).type("form").send({ _csrf: csrfFrom(page.text) });
    assert.match(pageText(done.text), /You will not get any more reminder text messages/);
    assert.ok((await db("patients").where({ id: patient.id }).first()).sms_opted_out_at);
    assert.equal((await db("audit_events").where({ patient_id: patient.id, action: "sms-opt-out" })).length, 1);
  });

  it("an appointment whose typed clinic names something clinical (\"Spinal surgery outpatients\") is still sent, with the place said neutrally", async () => {
    const now = clock.now().toISOString();
    const { patient, episode } = await makeEpisode(db, { email: "sam.clinic@example.com", now });
    await setAppointment(db, SYSTEM_ACTOR, episode, "2026-11-25T09:30:00Z", "Spinal surgery outpatients, Pinderfields", now);
    await db("reminders").where({ episode_id: episode.id }).update({ status: "cancelled" });
    await schedule(db, episode.id, patient.id, [patientReminder(episode.id, "outpatient-appointment-patient", "2026-11-24T09:30:00Z", "email")], now);
    await notifyDispatcher(db).tick();
    const row = await db("outbox").where({ patient_id: patient.id }).first();
    assert.equal(row.status, "sent", row.last_error);
    const email = notify.accepted.find((m) => m.reference === String(row.id))!;
    assert.match(email.personalisation.body, /the place named on your appointment letter/);
    assert.deepEqual(forbiddenWordsIn(Object.values(email.personalisation).join("\n")), []);
  });

  it("Notify down, then up: each message retried with backoff and delivered exactly once; a 5xx is retried, a 400 fails and is listed", async () => {
    await notifyDispatcher(db).tick(); // today's ward digest (the first test's episode) goes first
    const port = notify.port;
    await notify.stop();
    const refs = await queueTexts(15);
    const d = notifyDispatcher(db);
    const down = await d.tick();
    assert.equal(down.retrying, 15);
    const row = await db("outbox").where({ id: Number(refs[0]) }).first();
    assert.match(row.last_error, /ECONNREFUSED/);
    await notify.start(port);
    assert.equal((await d.tick()).sent, 0, "nothing before its backoff");
    clock.advance(MINUTE);
    notify.failNext(3, 500);
    const up = await d.tick();
    assert.equal(up.sent, 12);
    assert.equal(up.retrying, 3);
    clock.advance(2 * MINUTE);
    assert.equal((await d.tick()).sent, 3);
    clock.advance(60 * MINUTE);
    await d.tick();
    assert.deepEqual(received(refs), refs.map(() => 1));

    const [bad] = await queueTexts(1);
    notify.failNext(1, 400);
    assert.equal((await d.tick()).failed, 1, "a 400 will not succeed on a retry");
    const failed = await db("outbox").where({ id: Number(bad) }).first();
    assert.equal(failed.status, "failed");
    assert.match(failed.last_error, /GOV\.UK Notify 400: BadRequestError: Injected failure/);
    const staff = await signIn(app, "nurse");
    assert.match(pageText((await staff.agent.get("/outbox/problems")).text), /GOV\.UK Notify 400/);
  });

  it("Notify takes a text and the connection drops before its answer: the text is in doubt for staff and never sent again; a refused connection is still retried", async () => {
    await notifyDispatcher(db).tick();
    const [taken, next] = await queueTexts(2);
    notify.dropAfterAccept = 1;
    const d = notifyDispatcher(db);
    const first = await d.tick();
    assert.equal(first.inDoubt, 1, JSON.stringify(first));
    const row = await db("outbox").where({ id: Number(taken) }).first();
    assert.equal(row.status, "in-doubt");
    assert.match(row.last_error, /GOV\.UK Notify gave no answer after the request was sent .*it may have been accepted/);
    for (let hour = 0; hour < 8; hour++) {
      clock.advance(60 * MINUTE);
      await d.tick();
    }
    assert.deepEqual(received([taken, next]), [1, 1], "the dropped text reached Notify once and was not sent again; the next one went");
    const staff = await signIn(app, "nurse");
    assert.match(pageText((await staff.agent.get("/outbox/problems")).text), /may have been accepted/);
  });

  it("killed with SIGKILL mid-dispatch and restarted: no message sent twice, at most one in doubt for staff", async () => {
    const refs = await queueTexts(30);
    const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "notify-child.ts")], {
      env: { ...process.env, ...shared.childEnv, NOTIFY_BASE_URL: notify.baseUrl },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (c) => (stderr += c));
    const killed = new Promise<void>((resolve) => {
      let seen = 0;
      notify.onAccept = (m) => {
        if (!refs.includes(m.reference ?? "")) return;
        if (++seen === 12) {
          child.kill("SIGKILL");
          resolve();
        }
      };
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code, signal) => resolve(signal === "SIGKILL" ? null : code)));
    await killed;
    assert.equal(await exited, null, `the child was killed (stderr: ${stderr})`);
    notify.onAccept = null;
    const before = received(refs).filter((n) => n > 0).length;
    assert.ok(before >= 12, `${before} received before the kill`);

    // The restarted app runs after the lease of the killed one has run out.
    clock.set(new Date(Date.now() + 10 * MINUTE).toISOString());
    const d = notifyDispatcher(db);
    const report = await d.tick();
    assert.ok(report.inDoubt <= 1, JSON.stringify(report));
    await d.tick();
    const counts = received(refs);
    assert.ok(counts.every((n) => n <= 1), `no duplicates: ${counts.join(",")}`);
    const statuses = await db("outbox").whereIn("id", refs.map(Number)).select("id", "status");
    const inDoubt = statuses.filter((r) => r.status === "in-doubt");
    assert.ok(inDoubt.length <= 1);
    for (const r of statuses) {
      if (r.status === "sent") assert.equal(counts[refs.indexOf(String(r.id))], 1);
    }
    assert.equal(statuses.filter((r) => r.status === "sent").length + inDoubt.length, 30, "every message sent, or the one in doubt");
  });

  it("two app instances (each its own connection pool) sharing the database never send a message twice", async () => {
    const refs = await queueTexts(120);
    const other = shared.open();
    const a = notifyDispatcher(db, { instanceId: "instance-a", batchSize: 10 });
    const b = notifyDispatcher(other, { instanceId: "instance-b", batchSize: 10 });
    try {
      const reports = await Promise.all([a.tick(), b.tick()]);
      assert.equal(reports[0].sent + reports[1].sent, 120, JSON.stringify(reports));
      if (process.env.DATABASE_URL) assert.ok(reports.every((r) => r.sent > 0), `both instances sent: ${JSON.stringify(reports)}`);
      assert.deepEqual(received(refs), refs.map(() => 1));
    } finally {
      await b.stop();
      dispatchers.splice(dispatchers.indexOf(b), 1);
      await other.destroy();
    }
  });

  it("delivery receipts with Notify's bearer token are recorded; a permanent failure is listed with its reason; a forged token is refused", async () => {
    const refs = await queueTexts(2);
    await notifyDispatcher(db).tick();
    const [okRow, badRow] = await Promise.all(refs.map((r) => db("outbox").where({ id: Number(r) }).first()));
    const receipt = (row: { id: number; message_id: string }, status: string) => ({
      id: row.message_id, reference: String(row.id), to: "+447700900123", status, created_at: "2026-11-24T10:00:00.000Z",
      completed_at: "2026-11-24T10:00:05.000Z", sent_at: "2026-11-24T10:00:01.000Z", notification_type: "sms",
    });
    const post = (body: object, token = CALLBACK_TOKEN) => supertest(app).post("/api/v1/notify/delivery-receipts").set("Authorization", `Bearer ${token}`).send(body);
    assert.equal((await post(receipt(okRow, "delivered"))).status, 200);
    assert.equal((await db("outbox").where({ id: okRow.id }).first()).delivery_status, "delivered");

    const forged = await post(receipt(badRow, "delivered"), "not-the-token");
    assert.equal(forged.status, 401);
    assert.equal((await supertest(app).post("/api/v1/notify/delivery-receipts").send(receipt(badRow, "delivered"))).status, 401, "no token");
    assert.equal((await db("outbox").where({ id: badRow.id }).first()).delivery_status, null, "nothing recorded from a forged callback");
    assert.equal((await post({ ...receipt(badRow, "delivered"), id: "someone-elses-id" })).status, 404, "the id must be the one Notify gave this message");
    assert.equal((await post({ status: "exploded" })).status, 400);

    assert.equal((await post(receipt(badRow, "permanent-failure"))).status, 200);
    const staff = await signIn(app, "nurse");
    const problems = pageText((await staff.agent.get("/outbox/problems")).text);
    assert.match(problems, /Sent but not delivered.*\+447700900123.*Text message.*permanent-failure: The provider could not deliver it: the number or address does not exist or is not in use/);
  });

  it("a STOP reply to a text stops texts to that number (audited) and cancels the texts already scheduled; staff see it on the patient's page", async () => {
    const now = clock.now().toISOString();
    const { patient, episode } = await makeEpisode(db, { email: "stop.reply@example.com", now });
    await db("patients").where({ id: patient.id }).update({ mobile: "+447700900555", sms_consent: true });
    await setAppointment(db, SYSTEM_ACTOR, episode, new Date(Date.parse(now) + 7 * 24 * 3600_000).toISOString(), "Spinal outpatients", now);
    const texts = () => db("reminders").where({ episode_id: episode.id, kind: "outpatient-appointment-patient", channel: "sms" }).first();
    assert.equal((await texts()).status, "scheduled");
    const inbound = (message: string, token = CALLBACK_TOKEN) => supertest(app).post("/api/v1/notify/received-texts").set("Authorization", `Bearer ${token}`)
      .send({ id: "b51f638b-4295-46e0-a06e-cd41eee7c33b", source_number: "447700900555", destination_number: "07700900000", message, date_received: now });
    assert.equal((await inbound("Stop", "forged")).status, 401);
    assert.equal((await inbound("Thanks, see you then")).body.stopped, 0);
    assert.equal((await db("patients").where({ id: patient.id }).first()).sms_opted_out_at, null);
    assert.equal((await inbound(" STOP ")).body.stopped, 1);
    assert.ok((await db("patients").where({ id: patient.id }).first()).sms_opted_out_at);
    assert.equal((await texts()).status, "cancelled");
    assert.equal((await db("reminders").where({ episode_id: episode.id, kind: "outpatient-appointment-patient", channel: "email" }).first()).status, "scheduled", "emails go on");
    const audit = await db("audit_events").where({ patient_id: patient.id, action: "sms-opt-out" }).first();
    assert.match(audit.actor_name, /replied STOP/);
    const staff = await signIn(app, "clinician");
    const page = pageText((await staff.agent.get(`/patients/${patient.id}`)).text);
    assert.match(page, /Text message 07700 900555 Yes \w+, \d+ \w+ 2026, \d\d:\d\d GMT Stopped by the patient/);
    assert.match(page, /Email stop\.reply@example\.com Yes No Reminders go by this channel/);
    assert.match(page, /Texts stopped \(patient \(replied STOP to a text message\)\)/);
  });

  it("the test server checks the JWT as Notify does: the key's secret, iss = service id, iat within 30 s", async () => {
    const good = notifyClient(notifySettingsFor(notify));
    await good.sendSms(notifySettingsFor(notify).smsTemplateId, "+447700900999", { personalisation: { body: "x" }, reference: "jwt-ok" });
    const wrongSecret = notifyClient({ ...notifySettingsFor(notify), apiKey: TEST_API_KEY.replace(/.{36}$/, "00000000-0000-4000-8000-000000000000") });
    await assert.rejects(wrongSecret.sendSms(notifySettingsFor(notify).smsTemplateId, "+447700900999", { personalisation: { body: "x" } }), (err: { response?: { status?: number } }) => err.response?.status === 403);
    const token = notify.refused.at(-1)!;
    assert.match(token.message, /API key not found/);
    // An old token: signed correctly, issued 31 s ago.
    const sign = (iat: number) => {
      const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
      const body = `${enc({ typ: "JWT", alg: "HS256" })}.${enc({ iss: TEST_SERVICE_ID, iat })}`;
      return `Bearer ${body}.${createHmac("sha256", TEST_API_KEY.slice(-36)).update(body).digest("base64url")}`;
    };
    const now = Date.now();
    assert.equal(checkNotifyJwt(sign(Math.round(now / 1000)), TEST_SERVICE_ID, TEST_API_KEY.slice(-36), now), null);
    assert.match(checkNotifyJwt(sign(Math.round(now / 1000) - 31), TEST_SERVICE_ID, TEST_API_KEY.slice(-36), now)!, /30 seconds/);
    assert.match(checkNotifyJwt(sign(Math.round(now / 1000)), "another-service", TEST_API_KEY.slice(-36), now)!, /service id/);
  });
});
