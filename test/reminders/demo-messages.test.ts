import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Dispatcher } from "../../src/reminders/dispatcher.ts";
import { emlFileTransport, textFileTransport } from "../../src/reminders/mailer.ts";
import { forbiddenWordsIn } from "../../src/reminders/words.ts";
import { DEMO_AT_HOME_NHS } from "../../seeds/27_patient_messages.ts";
import { createTestApp, pageText, signIn, type TestContext } from "../helpers/app.ts";

describe("demo data: the patient side works at once", () => {
  let ctx: TestContext;
  let dir: string;
  before(async () => {
    ctx = await createTestApp({ now: "2026-12-06T13:00:00Z" });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ces-outbox-"));
  });
  after(async () => {
    await ctx.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("the first scheduler tick sends the patient at home a text message and an email (files beside each other), listed on Sent messages", async () => {
    const d = new Dispatcher({
      db: ctx.db, transport: emlFileTransport(dir), texts: textFileTransport(dir), clock: ctx.clock.now,
      settings: { baseUrl: "http://localhost:3000", secret: "test-secret", from: "Spinal team <no-reply@example.nhs.uk>" },
    });
    await d.tick();
    await d.stop();
    const patient = await ctx.db("patients").where({ nhs_number: DEMO_AT_HOME_NHS }).first();
    const sent = await ctx.db("outbox").where({ patient_id: patient.id, status: "sent" }).orderBy("id");
    assert.deepEqual([...new Set(sent.map((r) => r.channel))].sort(), ["email", "sms"]);
    for (const row of sent) {
      assert.ok(fs.existsSync(path.join(dir, row.eml_file)), row.eml_file);
      assert.deepEqual(forbiddenWordsIn(`${row.subject}\n${row.body_text}\n${row.body_html ?? ""}`), []);
    }
    const text = sent.find((r) => r.channel === "sms")!;
    assert.match(text.eml_file, /^\d+\.sms\.txt$/);
    assert.match(fs.readFileSync(path.join(dir, text.eml_file), "utf8"), /^To: \+447700900461\nReference: \d+\n\nHello Megan, /);
    const admin = await signIn(ctx.app, "admin");
    const page = pageText((await admin.agent.get("/admin/sent-mail")).text);
    assert.match(page, /Sent messages/);
    assert.match(page, new RegExp(`${text.id} Text message \\+447700900461 Text message sent`));
  });
});
