import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { receiveMessage } from "../../src/hl7/feed.ts";
import { findPatient } from "../../src/patients/repository.ts";
import { createTestApp, pageText, signIn, type SignedInAgent, type TestContext } from "../helpers/app.ts";
import { wardIdFor } from "../helpers/wards.ts";
import { newEpisode, nhsNumber } from "../ward/helpers.ts";
import { pasMessage } from "./helpers.ts";

const NOW = "2026-11-24T10:00:00Z";
let ctx: TestContext;
let admin: SignedInAgent;

before(async () => {
  ctx = await createTestApp({ now: NOW, seed: true });
  admin = await signIn(ctx.app, "admin");
});
after(() => ctx.close());

test("an admin maps a PAS ward code to a ward (audited); a bad form stores nothing and says why", async () => {
  const wardId = (await wardIdFor(ctx.db, "Feed test ward"))!;
  const refused = await admin.submit("/admin/feed/ward-codes", { code: "WX1", wardId: "" });
  assert.equal(refused.status, 400);
  assert.match(pageText(refused.text), /Enter ward/);
  assert.equal(await ctx.db("feed_ward_codes").where({ code: "WX1" }).first(), undefined);

  const saved = await admin.submit("/admin/feed/ward-codes", { code: " wx1 ", wardId: String(wardId) });
  assert.equal(saved.status, 303);
  const page = pageText((await admin.agent.get("/admin/feed/ward-codes")).text);
  assert.match(page, /WX1 Feed test ward/);
  const audit = await ctx.db("audit_events").where({ entity: "feed-ward-code", action: "add" }).orderBy("id", "desc").first();
  assert.match(audit.after, /"code":"WX1"/);
  assert.equal(audit.actor_type, "user");
});

test("the feed messages page lists what was applied, ignored (and why) and rejected, each with its raw text and changes", async () => {
  const episode = await newEpisode(ctx.db, { now: NOW, ward: "Admissions", bed: "1" });
  const patient = (await findPatient(ctx.db, episode.patientId))!;
  const wardId = (await wardIdFor(ctx.db, "Feed test ward 2"))!;
  await admin.submit("/admin/feed/ward-codes", { code: "WX2", wardId: String(wardId) });
  const clock = { clock: ctx.clock.now };
  await receiveMessage(ctx.db, pasMessage({ event: "A02", controlId: "PAGE1", nhsNumber: patient.nhsNumber, ward: "WX2", bed: "B\\T\\7", at: "20261124093000" }), clock);
  const stranger = nhsNumber();
  await receiveMessage(ctx.db, pasMessage({ event: "A02", controlId: "PAGE2", nhsNumber: stranger, ward: "WX2", at: "20261124093000" }), clock);
  await receiveMessage(ctx.db, "not hl7 at all", clock);

  const list = pageText((await admin.agent.get("/admin/feed")).text);
  assert.match(list, /ADT A02 PAGE1 Applied/);
  assert.match(list, new RegExp(`ADT A02 PAGE2 Ignored No patient with NHS number ${stranger} is registered here`));
  assert.match(list, /Unreadable Rejected \(AR\) The message does not start with an MSH segment/);

  const ignoredOnly = pageText((await admin.agent.get("/admin/feed?status=ignored")).text);
  assert.doesNotMatch(ignoredOnly, /PAGE1/);

  const row = await ctx.db("feed_messages").where({ control_id: "PAGE1" }).first();
  const detail = pageText((await admin.agent.get(`/admin/feed/messages/${row.id}`)).text);
  assert.match(detail, /bed 1 B&7/, "the bed's change, escape sequence read");
  assert.match(detail, /ward Admissions Feed test ward 2/);
  assert.match(detail, /PV1\|1\|I\|WX2\^\^B\\T\\7/, "the raw text as received");
});

test("only admins see the feed pages", async () => {
  const nurse = await signIn(ctx.app, "nurse");
  assert.equal((await nurse.agent.get("/admin/feed").redirects(0)).status, 403);
  assert.equal((await nurse.agent.get("/admin/feed/ward-codes").redirects(0)).status, 403);
});

test("the demo data shows the demo ward's PAS code and a message applied, one failed and one ignored", async () => {
  const list = pageText((await admin.agent.get("/admin/feed")).text);
  assert.match(list, /ADT A01 DEMO-0001 Applied/);
  assert.match(list, /ADT A02 DEMO-0002 Failed \(AE\) Unknown ward code ICU1/);
  assert.match(list, /ADT A01 DEMO-0003 Ignored No patient with NHS number 9990000018/);
  assert.match(pageText((await admin.agent.get("/admin/feed/ward-codes")).text), /W3SP Ward 3 \(Spinal\)/);
});

test("after an A40 the merged patient's page says where the record went", async () => {
  const survivor = await newEpisode(ctx.db, { now: NOW, familyName: "Survivor" });
  const merged = await newEpisode(ctx.db, { now: NOW, familyName: "Duplicate" });
  const [s, m] = [(await findPatient(ctx.db, survivor.patientId))!, (await findPatient(ctx.db, merged.patientId))!];
  const ack = await receiveMessage(ctx.db, pasMessage({ event: "A40", controlId: "MERGE1", nhsNumber: s.nhsNumber, mergedNhsNumber: m.nhsNumber, at: "20261124093000" }), { clock: ctx.clock.now });
  assert.match(ack, /MSA\|AA\|MERGE1/);
  const nurse = await signIn(ctx.app, "nurse");
  const page = await nurse.agent.get(`/patients/${m.id}`);
  assert.match(pageText(page.text), /Merged record .* merged this patient into another record/);
  assert.match(page.text, new RegExp(`href="/patients/${s.id}"`));
  assert.doesNotMatch(pageText((await nurse.agent.get(`/patients/${s.id}`)).text), /Merged record/);
  assert.match(pageText((await nurse.agent.get(`/patients?q=${m.nhsNumber}`)).text), /Duplicate, Alex Merged record/);
});
