import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { MailTransport } from "../../src/reminders/mailer.ts";
import { createTestApp, type TestContext } from "../helpers/app.ts";
import { dispatcher, makeEpisode, reminder, schedule } from "./fixtures.ts";

/** A transport that keeps what it is given. */
function memoryTransport(): MailTransport & { sent: { to: string; subject: string }[] } {
  const sent: { to: string; subject: string }[] = [];
  return {
    description: "memory",
    sent,
    async send(message) {
      sent.push({ to: String(message.to), subject: String(message.subject) });
      return { messageId: `<${sent.length}@test>`, emlFile: null };
    },
    close() {},
  };
}

describe("ward alerts go to the episode's ward record", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestApp({ now: "2026-11-24T10:00:00Z" });
  });
  after(() => ctx.close());

  it("a renamed ward still gets the U4 alert of an episode linked to it", async () => {
    const now = ctx.clock.now().toISOString();
    const { patient, episode } = await makeEpisode(ctx.db, { now, ward: "Ward 3 (Spinal)" });
    const ward = await ctx.db("wards").where({ name: "Ward 3 (Spinal)" }).first();
    assert.equal(episode.wardId, ward.id, "the episode is linked to the ward record");
    await ctx.db("wards").where({ id: ward.id }).update({ name: "Ward 3 (Spinal Unit)" });
    await schedule(ctx.db, episode.id, patient.id, [reminder(episode.id, "twoc-no-void-deadline", "2026-11-24T10:30:00Z", "ward", "email", ["U4"])], now);
    const transport = memoryTransport();
    const d = dispatcher(ctx.db, transport, ctx.clock.now);
    try {
      ctx.clock.set("2026-11-24T10:31:00Z");
      const report = await d.tick();
      assert.equal(report.failed, 0);
      const alerts = transport.sent.filter((m) => m.subject.startsWith("TWOC"));
      assert.deepEqual(alerts.map((m) => m.to), [ward.email], JSON.stringify(transport.sent));
      const row = await ctx.db("reminders").where({ episode_id: episode.id, kind: "twoc-no-void-deadline", due_at: "2026-11-24T10:30:00.000Z" }).first();
      assert.notEqual(row?.status, "skipped", "not skipped for want of a ward email");
    } finally {
      await d.stop();
    }
  });

  it("an episode linked to no ward is alerted by the ward its text names", async () => {
    const now = ctx.clock.now().toISOString();
    const { patient, episode } = await makeEpisode(ctx.db, { now, ward: "Ward 7 (Orthopaedics)" });
    await ctx.db("episodes").where({ id: episode.id }).update({ ward_id: null });
    const ward = await ctx.db("wards").where({ name: "Ward 7 (Orthopaedics)" }).first();
    await schedule(ctx.db, episode.id, patient.id, [reminder(episode.id, "twoc-no-void-deadline", "2026-11-24T11:30:00Z", "ward", "email", ["U4"])], now);
    const transport = memoryTransport();
    const d = dispatcher(ctx.db, transport, ctx.clock.now);
    try {
      ctx.clock.set("2026-11-24T11:31:00Z");
      await d.tick();
      assert.deepEqual(transport.sent.filter((m) => m.subject.startsWith("TWOC")).map((m) => m.to), [ward.email], JSON.stringify(transport.sent));
    } finally {
      await d.stop();
    }
  });
});
