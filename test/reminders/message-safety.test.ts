import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { opaqueKey } from "../../src/reminders/dispatcher.ts";
import { smtpTransport } from "../../src/reminders/mailer.ts";
import { DEFAULT_RETRY, backoffMs, enqueue, retrySpanMs } from "../../src/reminders/outbox.ts";
import { optOutOfEmails } from "../../src/reminders/service.ts";
import { createTestApp, pageText, signIn, type TestContext } from "../helpers/app.ts";
import { dispatcher, makeEpisode, memoryMail, reminder, schedule } from "./fixtures.ts";
import { ScriptedSmtpServer, TestSmtpServer } from "./smtp.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe("message safety: a send that may have arrived is never repeated, a stale message is never sent", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestApp({ now: "2026-11-24T10:00:00Z" });
  });
  after(() => ctx.close());
  // Each test starts with nothing due and an empty outbox (the demo data has reminders of its own).
  beforeEach(async () => {
    await ctx.db("reminders").where({ status: "scheduled" }).update({ status: "cancelled" });
    await ctx.db("outbox").del();
  });

  let n = 0;
  /** A message in the outbox (a staff email unless a patient is given). */
  async function queue(o: { usefulUntil?: string | null; kind?: string; patientId?: number | null; status?: string } = {}): Promise<{ id: number; key: string }> {
    const key = `safety:${++n}`;
    const id = await enqueue(ctx.db, {
      key, reminderId: null, patientId: o.patientId ?? null, episodeId: null, kind: o.kind ?? "test", recipient: `r${n}@example.com`,
      subject: `Message ${n}`, text: "Hello", html: null, headers: null, attachments: null, usefulUntil: o.usefulUntil ?? null,
    }, ctx.clock.now().toISOString());
    if (o.status) await ctx.db("outbox").where({ id }).update({ status: o.status, attempts: 17, last_error: "ECONNREFUSED: connect" });
    return { id: id!, key };
  }
  const outbox = (id: number) => ctx.db("outbox").where({ id }).first();
  /** Runs ticks at each next attempt time until `until` (the clock ends there). */
  async function tickUntil(d: ReturnType<typeof dispatcher>, id: number, until: number): Promise<void> {
    for (;;) {
      await d.tick();
      const row = await outbox(id);
      const next = Date.parse(new Date(row.next_attempt_at).toISOString());
      if (row.status !== "queued" || next > until) break;
      ctx.clock.set(new Date(next).toISOString());
    }
    ctx.clock.set(new Date(until).toISOString());
  }

  /** A scripted SMTP server (what it does with each message in turn), and a dispatcher sending through it; both closed after. */
  async function withScriptedSmtp(script: ScriptedSmtpServer["script"], run: (smtp: ScriptedSmtpServer, d: ReturnType<typeof dispatcher>) => Promise<void>): Promise<void> {
    const smtp = await new ScriptedSmtpServer().start();
    smtp.script = script;
    const transport = smtpTransport(smtp.url);
    const d = dispatcher(ctx.db, transport, ctx.clock.now);
    try {
      await run(smtp, d);
    } finally {
      await d.stop();
      transport.close();
      await smtp.stop();
    }
  }

  describe("a connection lost during a send (issue 15, 5)", () => {
    it("the connection drops at RCPT, before the message body: the message stays queued and is delivered once on the retry", async () => {
      await withScriptedSmtp(["drop-at-rcpt"], async (smtp, d) => {
        const { id, key } = await queue();
        const first = await d.tick();
        assert.deepEqual([first.retrying, first.inDoubt, first.sent], [1, 0, 0]);
        const row = await outbox(id);
        assert.deepEqual([row.status, Number(row.attempts)], ["queued", 1]);
        assert.match(row.last_error, /ECONNECTION|closed/i);
        assert.equal(smtp.received(opaqueKey(key)), 0, "no body reached the server");
        ctx.clock.advance(backoffMs(1, DEFAULT_RETRY));
        assert.equal((await d.tick()).sent, 1);
        assert.equal((await outbox(id)).status, "sent");
        assert.equal(smtp.received(opaqueKey(key)), 1, "delivered once");
      });
    });

    it("the connection drops after the message body, before the server's answer: in doubt for staff, never resent automatically", async () => {
      await withScriptedSmtp(["drop-after-body"], async (smtp, d) => {
        const patient = await ctx.db("patients").orderBy("id").first("id");
        const { id, key } = await queue({ patientId: patient.id });
        const report = await d.tick();
        assert.deepEqual([report.inDoubt, report.retrying, report.sent, report.failed], [1, 0, 0, 0]);
        const row = await outbox(id);
        assert.equal(row.status, "in-doubt");
        assert.match(row.last_error, /lost after the message was sent and before the server confirmed it/);
        assert.equal(smtp.received(opaqueKey(key)), 1);
        const audit = await ctx.db("audit_events").where({ entity: "email", entity_id: id, action: "in-doubt" });
        assert.equal(audit.length, 1, "audited");
        assert.equal(audit[0].patient_id, patient.id);

        for (let i = 0; i < 8; i++) {
          ctx.clock.advance(HOUR);
          await d.tick();
        }
        assert.equal((await outbox(id)).status, "in-doubt");
        assert.equal(smtp.received(opaqueKey(key)), 1, "not sent again after any backoff");

        const nurse = await signIn(ctx.app, "nurse");
        const page = pageText((await nurse.agent.get("/outbox/problems")).text);
        assert.match(page, /In doubt: check before sending again.*r\d+@example\.com Message \d+ .*connection to the mail server was lost after the message was sent/);
      });
    });

    it("a batch over one reused connection: a drop at RCPT is tried once over a new connection, then queued; every message delivered once", async () => {
      // The second message: dropped on the reused connection, and again on a new one.
      await withScriptedSmtp(["deliver", "drop-at-rcpt", "drop-at-rcpt", "deliver"], async (smtp, d) => {
        const rows = [await queue(), await queue(), await queue(), await queue()];
        const report = await d.tick();
        assert.deepEqual([report.sent, report.retrying, report.inDoubt], [3, 1, 0]);
        ctx.clock.advance(MINUTE);
        assert.equal((await d.tick()).sent, 1);
        assert.deepEqual(rows.map((r) => smtp.received(opaqueKey(r.key))), [1, 1, 1, 1]);
      });
    });
  });

  describe("stale messages and long outages (issue 15, 6)", () => {
    // >= : a message is expired from its useful-until instant on.
    const boundary: { name: string; offsetMs: number; expect: "sent" | "expired" }[] = [
      { name: "a minute before its useful-until -> sent", offsetMs: -MINUTE, expect: "sent" },
      { name: "a millisecond before its useful-until -> sent", offsetMs: -1, expect: "sent" },
      { name: "exactly at its useful-until -> expired", offsetMs: 0, expect: "expired" },
      { name: "a minute after its useful-until -> expired", offsetMs: MINUTE, expect: "expired" },
    ];
    for (const c of boundary) {
      it(`useful-until boundary: a message ${c.name}`, async () => {
        const transport = memoryMail();
        const d = dispatcher(ctx.db, transport, ctx.clock.now);
        const usefulUntil = new Date(ctx.clock.now().getTime() - c.offsetMs).toISOString();
        const { id } = await queue({ usefulUntil, kind: "flipflow-opening-patient" });
        const report = await d.tick();
        await d.stop();
        const row = await outbox(id);
        assert.equal(row.status, c.expect);
        assert.equal(transport.sent.length, c.expect === "sent" ? 1 : 0);
        assert.equal(report.expired, c.expect === "expired" ? 1 : 0);
        if (c.expect === "expired") assert.match(row.expired_reason, /^Not sent: the next flip-flow opening was already due at /);
      });
    }

    it("backoff doubles to 30 minutes and then keeps retrying for at least 6 hours", () => {
      const gaps = Array.from({ length: DEFAULT_RETRY.maxAttempts - 1 }, (_, i) => backoffMs(i + 1, DEFAULT_RETRY) / MINUTE);
      assert.deepEqual(gaps.slice(0, 7), [1, 2, 4, 8, 16, 30, 30]);
      assert.ok(gaps.every((g) => g <= 30));
      assert.ok(retrySpanMs(DEFAULT_RETRY) >= 6 * HOUR, `${retrySpanMs(DEFAULT_RETRY) / MINUTE} minutes`);
    });

    it("a 2-hour mail outage: a message still useful is delivered once the server is back, once", async () => {
      const smtp = await new TestSmtpServer(false).start();
      const port = smtp.port;
      await smtp.stop();
      const transport = smtpTransport(`smtp://127.0.0.1:${port}`);
      const d = dispatcher(ctx.db, transport, ctx.clock.now);
      try {
        const start = ctx.clock.now().getTime();
        const { id, key } = await queue({ usefulUntil: new Date(start + 4 * HOUR).toISOString() });
        await tickUntil(d, id, start + 2 * HOUR);
        const during = await outbox(id);
        assert.equal(during.status, "queued", "still retrying after 2 hours");
        assert.ok(Number(during.attempts) >= 8);
        await smtp.start(port);
        ctx.clock.set(new Date(during.next_attempt_at).toISOString());
        assert.equal((await d.tick()).sent, 1);
        assert.equal((await outbox(id)).status, "sent");
        assert.equal(smtp.messages.filter((m) => m.raw.toString("utf8").includes(opaqueKey(key))).length, 1);
      } finally {
        await d.stop();
        transport.close();
        await smtp.stop();
      }
    });

    it("a flip-flow reminder whose next opening came during the outage is expired with the reason and never reaches the mail server", async () => {
      const smtp = await new TestSmtpServer(false).start();
      const port = smtp.port;
      await smtp.stop();
      const transport = smtpTransport(`smtp://127.0.0.1:${port}`);
      const d = dispatcher(ctx.db, transport, ctx.clock.now);
      try {
        const now = ctx.clock.now().toISOString();
        const { patient, episode } = await makeEpisode(ctx.db, { email: "stale.flipflow@example.com", now });
        // A 2-hourly schedule: the 10:30 opening's reminder is no use from 12:30, when the next is due.
        await schedule(ctx.db, episode.id, patient.id, [
          { ...reminder(episode.id, "flipflow-opening-patient", "2026-11-24T10:30:00Z", "patient", "email"), usefulUntil: "2026-11-24T12:30:00.000Z" },
        ], now);
        ctx.clock.set("2026-11-24T10:30:00Z");
        await d.tick();
        const row = await ctx.db("outbox").where({ patient_id: patient.id }).first();
        assert.equal(new Date(row.useful_until).toISOString(), "2026-11-24T12:30:00.000Z", "set when queued");
        await tickUntil(d, row.id, Date.parse("2026-11-24T12:25:00Z"));
        assert.equal((await outbox(row.id)).status, "queued");
        await smtp.start(port);
        ctx.clock.set("2026-11-24T12:31:00Z");
        await d.tick();
        ctx.clock.set("2026-11-24T13:30:00Z");
        await d.tick();
        const closed = await outbox(row.id);
        assert.equal(closed.status, "expired");
        assert.match(closed.expired_reason, /^Not sent: the next flip-flow opening was already due at Tue,? 24 Nov 2026,? 12:30 GMT$/);
        assert.equal(smtp.messages.filter((m) => m.to.includes("stale.flipflow@example.com")).length, 0, "never sent");
        const audit = await ctx.db("audit_events").where({ entity: "email", entity_id: row.id, action: "expired" });
        assert.equal(audit.length, 1);
        assert.equal(audit[0].patient_id, patient.id);
        assert.equal(audit[0].actor_name, "reminder dispatcher");
        assert.deepEqual(JSON.parse(audit[0].after), { status: "expired", reason: closed.expired_reason });
      } finally {
        await d.stop();
        transport.close();
        await smtp.stop();
      }
    });

    it("staff resend every failed message at once: still-useful ones are queued, stale ones expired with the reason, in-doubt ones left; one audit row each", async () => {
      const now = ctx.clock.now().getTime();
      const noEnd = await queue({ status: "failed" });
      const useful = await queue({ status: "failed", usefulUntil: new Date(now + HOUR).toISOString(), kind: "outpatient-appointment-patient" });
      const stale = await queue({ status: "failed", usefulUntil: new Date(now - MINUTE).toISOString(), kind: "flipflow-opening-patient" });
      const staleDigest = await queue({ status: "failed", usefulUntil: new Date(now).toISOString(), kind: "digest" });
      const doubt = await queue({ status: "in-doubt" });
      const nurse = await signIn(ctx.app, "nurse");
      const page = (await nurse.agent.get("/outbox/problems")).text;
      assert.match(page, /action="\/outbox\/resend-failed"/);
      assert.equal((await nurse.agent.post("/outbox/resend-failed").type("form").send({})).status, 403, "no CSRF token, nothing done");
      assert.equal((await outbox(noEnd.id)).status, "failed");

      const done = await nurse.submit("/outbox/resend-failed", {});
      assert.equal(done.status, 303);
      const summary = pageText((await nurse.agent.get(done.headers.location)).text);
      assert.match(summary, /2 messages queued to be sent again, 2 expired \(not sent\)/);
      assert.deepEqual(
        await Promise.all([noEnd, useful, stale, staleDigest, doubt].map(async (m) => (await outbox(m.id)).status)),
        ["queued", "queued", "expired", "expired", "in-doubt"],
      );
      assert.match((await outbox(stale.id)).expired_reason, /^Not sent: the next flip-flow opening was already due at /);
      assert.match((await outbox(staleDigest.id)).expired_reason, /^Not sent: the next daily digest was already due at /);
      assert.match(summary, /Expired: closed unsent.*Not sent: the next flip-flow opening was already due at/);
      const audits = await ctx.db("audit_events").where({ entity: "email" }).whereIn("entity_id", [noEnd.id, useful.id, stale.id, staleDigest.id, doubt.id]).select("entity_id", "action", "actor_name");
      assert.deepEqual(
        audits.map((a) => [a.entity_id, a.action]).sort((a, b) => Number(a[0]) - Number(b[0])),
        [[noEnd.id, "resend"], [useful.id, "resend"], [stale.id, "expired"], [staleDigest.id, "expired"]],
      );
      assert.ok(audits.every((a) => a.actor_name !== "reminder dispatcher"), "the member of staff is the actor");

      const transport = memoryMail();
      const d = dispatcher(ctx.db, transport, ctx.clock.now);
      await d.tick();
      await d.stop();
      assert.deepEqual(transport.sent.map((m) => m.to).sort(), [`r${n - 4}@example.com`, `r${n - 3}@example.com`], "only the useful ones go");
    });

    it("a single resend checks useful-until too: a stale failed or in-doubt message is expired, not queued", async () => {
      const past = new Date(ctx.clock.now().getTime() - MINUTE).toISOString();
      const failed = await queue({ status: "failed", usefulUntil: past, kind: "outpatient-appointment-patient" });
      const doubt = await queue({ status: "in-doubt", usefulUntil: past, kind: "flipflow-opening-patient" });
      const nurse = await signIn(ctx.app, "nurse");
      for (const m of [failed, doubt]) {
        const res = await nurse.submit(`/outbox/${m.id}/resend`, {});
        assert.equal(res.status, 303);
        assert.match(pageText((await nurse.agent.get(res.headers.location)).text), /Not sent: the message is no longer to be sent \(see Expired below for why\)/);
        assert.equal((await outbox(m.id)).status, "expired");
      }
      assert.match((await outbox(failed.id)).expired_reason, /^Not sent: the appointment time had already passed/);
      assert.equal((await nurse.submit(`/outbox/${failed.id}/resend`, {})).status, 404, "an expired message cannot be resent");
    });
  });

  describe("a patient who stops reminders gets no more of them, whatever was waiting", () => {
    it("stopping emails closes the patient's queued, failed and in-doubt emails unsent with the reason; a retry, a resend or a bulk resend cannot send them", async () => {
      const patient = await ctx.db("patients").insert({ nhs_number: "9990001112", family_name: "Stopper", given_name: "Sam", date_of_birth: "1980-01-01", sex: "not-known", email: "sam@example.com", email_consent: true, search_name: "stopper sam", created_at: "2026-11-24T10:00:00Z", updated_at: "2026-11-24T10:00:00Z" }).returning("id");
      const patientId = Number((patient[0] as { id: number }).id ?? patient[0]);
      const waiting = await queue({ patientId, kind: "outpatient-appointment-patient" });
      const failed = await queue({ patientId, kind: "outpatient-appointment-patient", status: "failed" });
      const doubt = await queue({ patientId, kind: "outpatient-appointment-patient", status: "in-doubt" });
      const staff = await queue();

      assert.equal(await optOutOfEmails(ctx.db, patientId, ctx.clock.now().toISOString()), "stopped");
      for (const m of [waiting, failed, doubt]) {
        const row = await outbox(m.id);
        assert.equal(row.status, "expired", `message ${m.id} closed`);
        assert.match(row.expired_reason, /^Not sent: the patient stopped reminder emails on Tue, 24 Nov 2026, \d\d:\d\d GMT$/);
      }
      assert.equal((await outbox(staff.id)).status, "queued", "a staff email is not the patient's to stop");

      const nurse = await signIn(ctx.app, "nurse");
      const list = pageText((await nurse.agent.get(`/patients/${patientId}/emails`)).text);
      assert.match(list, /Never: closed unsent/, "the patient's message list does not say 'not yet' of a message that will never go");
      assert.doesNotMatch(list, /Not yet/);
      assert.equal((await nurse.submit(`/outbox/${failed.id}/resend`, {})).status, 404, "a closed message cannot be resent");
      await nurse.submit("/outbox/resend-failed", {});
      const transport = memoryMail();
      const d = dispatcher(ctx.db, transport, ctx.clock.now);
      await d.tick();
      await d.stop();
      assert.deepEqual(transport.sent.map((m) => m.to), [`r${n}@example.com`], "only the staff email went");
      assert.ok(!transport.sent.some((m) => m.to === "sam@example.com"));
    });

    it("a patient message whose channel was stopped by another route (consent withdrawn on the patient's record) is closed at the moment of sending, and on resend", async () => {
      const patient = await ctx.db("patients").insert({ nhs_number: "9990001113", family_name: "Withdrawn", given_name: "Wyn", date_of_birth: "1980-01-01", sex: "not-known", email: "wyn@example.com", email_consent: true, search_name: "withdrawn wyn", created_at: "2026-11-24T10:00:00Z", updated_at: "2026-11-24T10:00:00Z" }).returning("id");
      const patientId = Number((patient[0] as { id: number }).id ?? patient[0]);
      const waiting = await queue({ patientId, kind: "outpatient-appointment-patient" });
      const failed = await queue({ patientId, kind: "outpatient-appointment-patient", status: "failed" });
      await ctx.db("patients").where({ id: patientId }).update({ email_consent: false });
      const transport = memoryMail();
      const d = dispatcher(ctx.db, transport, ctx.clock.now);
      await d.tick();
      await d.stop();
      assert.equal(transport.sent.length, 0);
      assert.equal((await outbox(waiting.id)).status, "expired");
      assert.match((await outbox(waiting.id)).expired_reason, /consent to reminder emails is no longer recorded/);
      const nurse = await signIn(ctx.app, "nurse");
      assert.equal((await nurse.submit(`/outbox/${failed.id}/resend`, {})).status, 303);
      assert.equal((await outbox(failed.id)).status, "expired", "closed, not queued");
    });
  });
});
