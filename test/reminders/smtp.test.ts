import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { smtpTransport } from "../../src/reminders/mailer.ts";
import { forbiddenWordsIn } from "../../src/reminders/words.ts";
import { createTestApp, type TestContext } from "../helpers/app.ts";
import { dispatcher, makeEpisode, reminder, schedule } from "./fixtures.ts";
import { TestSmtpServer } from "./smtp.ts";

describe("reminder emails through a real SMTP server", () => {
  let ctx: TestContext;
  const smtp = new TestSmtpServer();
  before(async () => {
    ctx = await createTestApp({ now: "2026-11-24T10:00:00Z" });
    await smtp.start();
  });
  after(async () => {
    await smtp.stop();
    await ctx.close();
  });

  it("sends patients a reminder and an appointment with no clinical words, unsubscribe headers and an .ics; the ward an alert; each once", async () => {
    const now = ctx.clock.now().toISOString();
    const { patient, episode } = await makeEpisode(ctx.db, { email: "alex.smtp@example.com", now });
    await schedule(ctx.db, episode.id, patient.id, [
      reminder(episode.id, "flipflow-opening-patient", "2026-11-24T10:30:00Z", "patient", "email"),
      reminder(episode.id, "outpatient-appointment-patient", "2026-11-24T10:30:00Z", "patient", "email", ["B6", "X4"]),
      reminder(episode.id, "twoc-no-void-deadline", "2026-11-24T10:30:00Z", "ward", "email", ["U4"]),
      reminder(episode.id, "flipflow-opening-patient", "2026-11-24T14:30:00Z", "patient", "email"),
    ], now);
    const transport = smtpTransport(smtp.url);
    const d = dispatcher(ctx.db, transport, ctx.clock.now);
    try {
      ctx.clock.set("2026-11-24T10:31:00Z");
      const report = await d.tick();
      assert.equal(report.failed, 0);
      const toPatient = smtp.messages.filter((m) => m.to.includes("alex.smtp@example.com"));
      assert.equal(toPatient.length, 2, "two patient emails are due; the 14:30 one is not yet");
      for (const m of toPatient) {
        assert.equal(m.parsed.subject, "A reminder from the spinal team");
        const words = forbiddenWordsIn(`${m.parsed.subject}\n${m.parsed.text}\n${m.parsed.html}`);
        assert.deepEqual(words, [], `clinical words in a patient email: ${words.join(", ")}`);
        assert.match(m.parsed.text ?? "", /0113 000 0003/, "the ward's phone number");
        assert.match(m.parsed.text ?? "", /http:\/\/localhost:3000\/unsubscribe\/\d+\.[\w-]{43}/);
        const head = m.raw.toString("utf8").split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, " ").replace(/\r/g, "");
        assert.match(head, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
        assert.match(head, /^List-Unsubscribe: <http:\/\/localhost:3000\/api\/v1\/unsubscribe\/\d+\.[\w-]{43}>$/m);
        assert.ok(!(m.parsed.text ?? "").includes("Tester"), "no name in the email");
      }
      const appointment = toPatient.find((m) => m.parsed.attachments.length > 0)!;
      assert.match(appointment.parsed.text ?? "", /appointment with the spinal team on Wed,? 25 Nov 2026,? 10:30 GMT/);
      const ics = appointment.parsed.attachments[0];
      assert.equal(ics.filename, "appointment.ics");
      assert.match(ics.content.toString("utf8"), /DTSTART:20261125T103000Z/);
      assert.deepEqual(forbiddenWordsIn(ics.content.toString("utf8")), []);
      const ward = smtp.messages.filter((m) => m.to.includes("ward3@example.nhs.uk") && m.parsed.subject?.startsWith("TWOC"));
      assert.equal(ward.length, 1);
      assert.match(ward[0].parsed.text ?? "", /U4/);
      assert.match(ward[0].parsed.text ?? "", new RegExp(`/episodes/${episode.id}`));

      const before = smtp.messages.length;
      await d.tick();
      await d.tick();
      assert.equal(smtp.messages.length, before, "a second tick sends nothing again");
      const sent = await ctx.db("outbox").where({ patient_id: patient.id, status: "sent" });
      assert.equal(sent.length, 2, "each patient email is recorded against the patient");
      const audit = await ctx.db("audit_events").where({ patient_id: patient.id, entity: "email", action: "sent" });
      assert.equal(audit.length, 2);
      for (const a of audit) {
        const message = sent.find((m) => m.id === a.entity_id);
        assert.ok(message, "the audit row names the outbox message");
        assert.deepEqual(JSON.parse(a.after), { to: message.recipient, subject: message.subject, kind: message.kind });
        assert.equal(new Date(a.at).toISOString(), new Date(message.sent_at).toISOString());
        assert.equal(a.actor_name, "reminder dispatcher");
      }
      const fired = await ctx.db("reminders as r").join("outbox as o", "o.id", "r.outbox_id").where("r.patient_id", patient.id).select("r.key as reminder_key", "o.key as outbox_key");
      assert.ok(fired.length >= 2, "each fired reminder points at its outbox message");
      for (const f of fired) assert.equal(f.outbox_key, f.reminder_key);
    } finally {
      await d.stop();
      transport.close();
    }
  });

  it("does not email a patient who has stopped reminders: the reminder is skipped with the reason", async () => {
    const now = ctx.clock.now().toISOString();
    const { patient, episode } = await makeEpisode(ctx.db, { email: "stopped@example.com", now });
    await ctx.db("patients").where({ id: patient.id }).update({ email_opted_out_at: now });
    await schedule(ctx.db, episode.id, patient.id, [reminder(episode.id, "flipflow-opening-patient", now, "patient", "email")], now);
    const transport = smtpTransport(smtp.url);
    const d = dispatcher(ctx.db, transport, ctx.clock.now);
    try {
      await d.tick();
      assert.equal(smtp.messages.filter((m) => m.to.includes("stopped@example.com")).length, 0);
      const row = await ctx.db("reminders").where({ episode_id: episode.id, kind: "flipflow-opening-patient" }).first();
      assert.equal(row.status, "skipped");
      assert.match(row.status_reason, /stopped/);
    } finally {
      await d.stop();
      transport.close();
    }
  });
});
