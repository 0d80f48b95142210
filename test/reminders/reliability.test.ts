import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createDb, isPostgres } from "../../src/db/knex.ts";
import { openRecord } from "../../src/record.ts";
import { smtpTransport } from "../../src/reminders/mailer.ts";
import { enqueue } from "../../src/reminders/outbox.ts";
import { opaqueKey } from "../../src/reminders/dispatcher.ts";
import { createTestApp, type TestContext } from "../helpers/app.ts";
import { dispatcher } from "./fixtures.ts";
import { TestSmtpServer } from "./smtp.ts";

const MINUTE = 60_000;

describe("outbox delivery: never lost, never sent twice", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestApp({ now: "2026-11-24T10:00:00Z", seed: false });
  });
  after(() => ctx.close());

  let batch = 0;
  async function queue(n: number): Promise<string[]> {
    batch++;
    const keys: string[] = [];
    const now = ctx.clock.now().toISOString();
    await ctx.db.transaction(async (trx) => {
      for (let i = 0; i < n; i++) {
        const key = `test:${batch}:${i}`;
        keys.push(key);
        await enqueue(trx, { key, reminderId: null, patientId: null, episodeId: null, kind: "test", recipient: `r${i}@example.com`, subject: `Message ${batch}/${i}`, text: "Hello", html: null, headers: null, attachments: null }, now);
      }
    });
    return keys;
  }

  /** How many times the server received each key's message (by the X-Outbox-Key header: an opaque id of the key). */
  function receivedByKey(smtp: TestSmtpServer, keys: string[]): number[] {
    const counts = new Map<string, number>();
    for (const m of smtp.messages) {
      const key = /^X-Outbox-Key: (.+?)\r?$/m.exec(m.raw.toString("utf8"))?.[1] ?? "";
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return keys.map((k) => counts.get(opaqueKey(k)) ?? 0);
  }

  async function statuses(keys: string[]): Promise<Record<string, number>> {
    const rows = await ctx.db("outbox").whereIn("key", keys).select("status");
    return rows.reduce((acc: Record<string, number>, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});
  }

  it("SMTP server down, then up: every message is retried with backoff and delivered exactly once", async () => {
    const smtp = await new TestSmtpServer(false).start();
    const port = smtp.port;
    await smtp.stop();
    const keys = await queue(20);
    const transport = smtpTransport(`smtp://127.0.0.1:${port}`);
    const d = dispatcher(ctx.db, transport, ctx.clock.now);
    try {
      const down = await d.tick();
      assert.equal(down.retrying, 20);
      assert.deepEqual(await statuses(keys), { queued: 20 });
      const row = await ctx.db("outbox").where({ key: keys[0] }).first();
      assert.equal(Number(row.attempts), 1);
      assert.equal(new Date(row.next_attempt_at).toISOString(), new Date(ctx.clock.now().getTime() + MINUTE).toISOString(), "first retry after 1 minute");
      assert.match(row.last_error, /ECONNREFUSED/);

      await smtp.start(port);
      assert.equal((await d.tick()).sent, 0, "nothing is retried before its backoff");
      ctx.clock.advance(MINUTE);
      const up = await d.tick();
      assert.equal(up.sent, 20);
      await d.tick();
      ctx.clock.advance(60 * MINUTE);
      await d.tick();
      assert.deepEqual(receivedByKey(smtp, keys), keys.map(() => 1));
      assert.deepEqual(await statuses(keys), { sent: 20 });
    } finally {
      await d.stop();
      transport.close();
      await smtp.stop();
    }
  });

  it("after the last attempt a message is failed (backoff doubling), not retried for days", async () => {
    const smtp = await new TestSmtpServer(false).start();
    const port = smtp.port;
    await smtp.stop();
    const keys = await queue(1);
    const transport = smtpTransport(`smtp://127.0.0.1:${port}`);
    const d = dispatcher(ctx.db, transport, ctx.clock.now, { retry: { maxAttempts: 4, baseDelayMs: MINUTE } });
    const gaps: number[] = [];
    try {
      for (let i = 0; i < 4; i++) {
        const row = await ctx.db("outbox").where({ key: keys[0] }).first();
        ctx.clock.set(new Date(row.next_attempt_at).toISOString());
        await d.tick();
        const after = await ctx.db("outbox").where({ key: keys[0] }).first();
        gaps.push((Date.parse(new Date(after.next_attempt_at).toISOString()) - ctx.clock.now().getTime()) / MINUTE);
      }
      assert.deepEqual(gaps.slice(0, 3), [1, 2, 4]);
      assert.deepEqual(await statuses(keys), { failed: 1 });
      ctx.clock.advance(24 * 60 * MINUTE);
      await d.tick();
      const row = await ctx.db("outbox").where({ key: keys[0] }).first();
      assert.equal(Number(row.attempts), 4, "no attempt after failing");
    } finally {
      await d.stop();
      transport.close();
    }
  });

  it("the app stops (crashes) between sending and recording: that one message is in doubt for staff, none is sent twice", async () => {
    const smtp = await new TestSmtpServer(false).start();
    const keys = await queue(10);
    const transport = smtpTransport(smtp.url);
    let sends = 0;
    const crashing = dispatcher(ctx.db, transport, ctx.clock.now, {
      batchSize: 5,
      afterSend: () => {
        if (++sends === 3) throw new Error("process killed");
      },
    });
    try {
      await assert.rejects(crashing.tick(), /process killed/);
      assert.deepEqual(await statuses(keys), { sent: 2, sending: 1, claimed: 2, queued: 5 });
      // Restarted app: a new dispatcher, after the dead one's lease ran out.
      ctx.clock.advance(6 * MINUTE);
      const restarted = dispatcher(ctx.db, transport, ctx.clock.now);
      const report = await restarted.tick();
      assert.equal(report.inDoubt, 1);
      assert.equal(report.requeued, 2);
      await restarted.tick();
      await restarted.stop();
      assert.deepEqual(await statuses(keys), { sent: 9, "in-doubt": 1 });
      assert.deepEqual(receivedByKey(smtp, keys), keys.map(() => 1), "every message exactly once, the in-doubt one included");
    } finally {
      transport.close();
      await smtp.stop();
    }
  });

  /**
   * Asks the dispatcher to stop after the third delivery, at once or a moment later (while that
   * delivery is recorded and the next started), then lets a second dispatcher finish the queue.
   */
  async function stopMidDispatch(when: "at once" | "a moment later") {
    const smtp = await new TestSmtpServer(false).start();
    const keys = await queue(8);
    const transport = smtpTransport(smtp.url);
    let sends = 0;
    const first = dispatcher(ctx.db, transport, ctx.clock.now, {
      afterSend: () => {
        if (++sends !== 3) return;
        if (when === "at once") void first.stop();
        else setImmediate(() => void first.stop());
      },
    });
    try {
      await first.tick();
      await first.stop();
      const mid = await statuses(keys);
      const second = dispatcher(ctx.db, transport, ctx.clock.now);
      await second.tick();
      await second.stop();
      return { mid, after: await statuses(keys), received: receivedByKey(smtp, keys), keys };
    } finally {
      transport.close();
      await smtp.stop();
    }
  }

  it("a graceful stop mid-dispatch gives unsent claims back; the next start sends them once", async () => {
    const { mid, after, received, keys } = await stopMidDispatch("at once");
    assert.deepEqual(mid, { sent: 3, queued: 5 });
    assert.deepEqual(after, { sent: 8 });
    assert.deepEqual(received, keys.map(() => 1));
  });

  it("a stop that lands while a delivery is being recorded leaves nothing marked sending or in doubt", async () => {
    const { mid, after, received, keys } = await stopMidDispatch("a moment later");
    assert.deepEqual(Object.keys(mid).sort(), ["queued", "sent"], `only sent and queued messages: ${JSON.stringify(mid)}`);
    assert.equal(mid.sent + mid.queued, 8);
    assert.deepEqual(after, { sent: 8 });
    assert.deepEqual(received, keys.map(() => 1));
  });

  it("two dispatchers sharing one database never send a message twice", async () => {
    const smtp = await new TestSmtpServer(false).start();
    const keys = await queue(120);
    const ta = smtpTransport(smtp.url);
    const tb = smtpTransport(smtp.url);
    // On PostgreSQL the second dispatcher has its own connection pool, as a second app instance would.
    const otherDb = isPostgres(ctx.db)
      ? openRecord(createDb({ databaseUrl: process.env.DATABASE_URL!, sqliteFile: "", searchPath: (await ctx.db.raw("select current_schema() as s")).rows[0].s }))
      : ctx.db;
    const a = dispatcher(ctx.db, ta, ctx.clock.now, { batchSize: 10, instanceId: "a" });
    const b = dispatcher(otherDb, tb, ctx.clock.now, { batchSize: 10, instanceId: "b" });
    try {
      const [ra, rb] = await Promise.all([a.tick(), b.tick()]);
      assert.equal(ra.sent + rb.sent, 120);
      assert.deepEqual(receivedByKey(smtp, keys), keys.map(() => 1));
      assert.deepEqual(await statuses(keys), { sent: 120 });
    } finally {
      await a.stop();
      await b.stop();
      ta.close();
      tb.close();
      if (otherDb !== ctx.db) await otherDb.destroy();
      await smtp.stop();
    }
  });
});
