import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { SYSTEM_ACTOR } from "../../src/audit/audit.ts";
import { startFeedListener, type MllpListener } from "../../src/hl7/index.ts";
import { setWardCode } from "../../src/hl7/store.ts";
import { findEpisode, findPatient } from "../../src/patients/repository.ts";
import { recordDischarge } from "../../src/patients/service.ts";
import { recordBladderEvent } from "../../src/ward/service.ts";
import { createTestApp, type TestContext } from "../helpers/app.ts";
import { wardIdFor } from "../helpers/wards.ts";
import { newEpisode } from "../ward/helpers.ts";
import { frameOf, hl7Time, MllpClient, pasMessage } from "./helpers.ts";

const NOW = "2026-11-24T10:00:00Z";
const MAX_BYTES = 2 * 1024 * 1024;

let ctx: TestContext;
let feed: MllpListener;
let pas: MllpClient;
let ward3: number;
let ward5: number;
let serial = 0;
const controlId = () => `MSG${++serial}`;
const minutesAgo = (m: number) => hl7Time(new Date(Date.parse(NOW) - m * 60_000).toISOString());

before(async () => {
  ctx = await createTestApp({ now: NOW, sqliteFile: true, seed: false });
  ward3 = (await wardIdFor(ctx.db, "Ward 3 (Spinal)"))!;
  ward5 = (await wardIdFor(ctx.db, "Ward 5"))!;
  await setWardCode(ctx.db, SYSTEM_ACTOR, "W3SP", ward3, NOW);
  await setWardCode(ctx.db, SYSTEM_ACTOR, "w5", ward5, NOW);
  feed = await startFeedListener(ctx.db, { port: 0, host: "127.0.0.1", maxMessageBytes: MAX_BYTES, clock: ctx.clock.now, log: () => undefined });
  pas = await MllpClient.connect(feed.port);
});

after(async () => {
  pas.close();
  await feed.close();
  await ctx.close();
});

async function inpatient(familyName = "Testcase") {
  const episode = await newEpisode(ctx.db, { now: NOW, ward: "Admissions", bed: "1", familyName });
  const patient = (await findPatient(ctx.db, episode.patientId))!;
  return { episode, patient };
}

async function storedMessage(control: string) {
  return ctx.db("feed_messages").where({ control_id: control }).orderBy("id").select("*");
}

async function feedAudit(episodeId: number) {
  return ctx.db("audit_events").where({ entity: "episode", entity_id: episodeId, actor_name: "hospital feed (HL7 v2 ADT)" }).orderBy("id").select("*");
}

describe("A01 and A02 move the patient's open CES episode", () => {
  test("an A01 sets the ward (mapped from the PAS code) and the bed, answered AA after it is stored and audited as the feed", async () => {
    const { episode, patient } = await inpatient();
    const id = controlId();
    const ack = await pas.send(pasMessage({ event: "A01", controlId: id, nhsNumber: patient.nhsNumber, ward: "W3SP", bed: "B12", at: minutesAgo(30) }));
    assert.equal(ack.code, "AA");
    assert.equal(ack.controlId, id);
    const stored = (await findEpisode(ctx.db, episode.id))!;
    assert.equal(stored.wardId, ward3);
    assert.equal(stored.ward, "Ward 3 (Spinal)");
    assert.equal(stored.bed, "B12");
    const audit = await feedAudit(episode.id);
    assert.equal(audit.length, 1);
    assert.equal(audit[0].action, "admit");
    const [message] = await storedMessage(id);
    assert.equal(message.status, "applied");
    assert.match(message.changes, /"bed":"B12"/);
  });

  test("an A02 with an empty PV1-45 transfers; the code is matched whatever its case; an older A02 is superseded and moves nobody back", async () => {
    const { episode, patient } = await inpatient();
    assert.equal((await pas.send(pasMessage({ event: "A02", controlId: controlId(), nhsNumber: patient.nhsNumber, ward: "W5", bed: "7", at: minutesAgo(10) }))).code, "AA");
    assert.equal((await findEpisode(ctx.db, episode.id))!.wardId, ward5);
    const late = controlId();
    const ack = await pas.send(pasMessage({ event: "A02", controlId: late, nhsNumber: patient.nhsNumber, ward: "W3SP", bed: "2", at: minutesAgo(20) }));
    assert.equal(ack.code, "AA");
    const stored = (await findEpisode(ctx.db, episode.id))!;
    assert.equal(stored.wardId, ward5, "still on the later ward");
    assert.equal(stored.bed, "7");
    const [message] = await storedMessage(late);
    assert.equal(message.status, "superseded");
    assert.match(message.reason, /Superseded/);
  });

  test("an unknown ward code is AE with the reason in MSA-3 and ERR, and changes nothing until the code is mapped", async () => {
    const { episode, patient } = await inpatient();
    const text = pasMessage({ event: "A02", controlId: controlId(), nhsNumber: patient.nhsNumber, ward: "NOWHERE", bed: "1", at: minutesAgo(5) });
    const ack = await pas.send(text);
    assert.equal(ack.code, "AE");
    assert.match(ack.message, /Unknown ward code NOWHERE/);
    assert.match(ack.err ?? "", /103\^Table value not found\^HL70357/);
    assert.equal((await findEpisode(ctx.db, episode.id))!.ward, "Admissions");
    assert.equal((await feedAudit(episode.id)).length, 0);
    // Once an admin maps the code, the same message sent again is applied.
    const nowhere = (await wardIdFor(ctx.db, "Ward Nowhere"))!;
    await setWardCode(ctx.db, SYSTEM_ACTOR, "NOWHERE", nowhere, NOW);
    assert.equal((await pas.send(text)).code, "AA");
    assert.equal((await findEpisode(ctx.db, episode.id))!.wardId, nowhere);
  });

  test("a patient not registered here is acknowledged and listed as ignored; no patient or episode is created", async () => {
    const patientsBefore = await ctx.db("patients").count({ n: "*" }).first();
    const id = controlId();
    const ack = await pas.send(pasMessage({ event: "A01", controlId: id, nhsNumber: "9434765919", ward: "W3SP", bed: "1", at: minutesAgo(5) }));
    assert.equal(ack.code, "AA");
    const [message] = await storedMessage(id);
    assert.equal(message.status, "ignored");
    assert.match(message.reason, /No patient with NHS number 9434765919/);
    assert.deepEqual(await ctx.db("patients").count({ n: "*" }).first(), patientsBefore);
  });

  test("a registered patient with no open CES episode is ignored, never given one", async () => {
    const { episode, patient } = await inpatient();
    await recordDischarge(ctx.db, SYSTEM_ACTOR, episode.id, { dischargedAt: new Date(Date.parse(NOW) - 3600_000).toISOString(), destination: "Home", catheterStatus: "none" }, NOW);
    const id = controlId();
    assert.equal((await pas.send(pasMessage({ event: "A01", controlId: id, nhsNumber: patient.nhsNumber, ward: "W3SP", at: minutesAgo(5) }))).code, "AA");
    assert.equal((await storedMessage(id))[0].status, "ignored");
    assert.equal((await ctx.db("episodes").where({ patient_id: patient.id }).count({ n: "*" }).first())!.n, 1);
  });

  test("a resent control id is acknowledged AA again and changes nothing", async () => {
    const { episode, patient } = await inpatient();
    const text = pasMessage({ event: "A02", controlId: controlId(), nhsNumber: patient.nhsNumber, ward: "W3SP", bed: "4", at: minutesAgo(5) });
    assert.equal((await pas.send(text)).code, "AA");
    // Meanwhile a nurse corrects the bed by hand; the resend must not undo it.
    await ctx.db("episodes").where({ id: episode.id }).update({ bed: "5" });
    const again = await pas.send(text);
    assert.equal(again.code, "AA");
    assert.equal((await findEpisode(ctx.db, episode.id))!.bed, "5");
    assert.equal((await feedAudit(episode.id)).length, 1);
    const rows = await ctx.db("feed_messages").where({ episode_id: episode.id }).orderBy("id").select("status", "reason");
    assert.deepEqual(rows.map((r) => r.status), ["applied", "ignored"]);
    assert.match(rows[1].reason, /Resent: already applied/);
  });

  test("five copies of one message sent at once on five connections are applied once", async () => {
    const { episode, patient } = await inpatient();
    const text = pasMessage({ event: "A02", controlId: controlId(), nhsNumber: patient.nhsNumber, ward: "W5", bed: "9", at: minutesAgo(5) });
    const clients = await Promise.all(Array.from({ length: 5 }, () => MllpClient.connect(feed.port)));
    const acks = await Promise.all(clients.map((c) => c.send(text)));
    for (const c of clients) c.close();
    assert.deepEqual(acks.map((a) => a.code), ["AA", "AA", "AA", "AA", "AA"]);
    assert.equal((await feedAudit(episode.id)).length, 1);
    assert.equal((await ctx.db("feed_messages").where({ episode_id: episode.id, status: "applied" }).count({ n: "*" }).first())!.n, 1);
  });
});

test("a second instance listening on the same database: the same message sent to both at once is applied once", async () => {
  const second = await startFeedListener(ctx.db, { port: 0, host: "127.0.0.1", maxMessageBytes: MAX_BYTES, clock: ctx.clock.now, log: () => undefined });
  try {
    const { episode, patient } = await inpatient();
    const text = pasMessage({ event: "A02", controlId: controlId(), nhsNumber: patient.nhsNumber, ward: "W3SP", bed: "6", at: minutesAgo(5) });
    const [a, b] = await Promise.all([MllpClient.connect(feed.port), MllpClient.connect(second.port)]);
    const acks = await Promise.all([a.send(text), b.send(text)]);
    a.close();
    b.close();
    assert.deepEqual(acks.map((x) => x.code), ["AA", "AA"]);
    assert.equal((await feedAudit(episode.id)).length, 1);
  } finally {
    await second.close();
  }
});

describe("A03 discharge, A11 and A13 cancellations", () => {
  test("an A03 records the discharge (PV1-45, PV1-36 mapped) and the GP drug review (P4) is scheduled exactly as after a typed discharge", async () => {
    const fed = await inpatient();
    const typed = await inpatient();
    const dischargedAt = new Date(Date.parse(NOW) - 2 * 3600_000).toISOString();
    const ack = await pas.send(pasMessage({ event: "A03", controlId: controlId(), nhsNumber: fed.patient.nhsNumber, ward: "W3SP", at: minutesAgo(60), dischargeAt: hl7Time(dischargedAt), disposition: "19^Usual place of residence^NHS" }));
    assert.equal(ack.code, "AA");
    await recordDischarge(ctx.db, SYSTEM_ACTOR, typed.episode.id, { dischargedAt, destination: "Usual place of residence", catheterStatus: "none" }, NOW);
    const stored = (await findEpisode(ctx.db, fed.episode.id))!;
    assert.deepEqual(stored.discharge, { dischargedAt: new Date(dischargedAt).toISOString(), destination: "Usual place of residence", catheterStatus: "not-recorded" });
    const reminders = async (episodeId: number) =>
      (await ctx.db("reminders").where({ episode_id: episodeId, status: "scheduled" }).orderBy(["kind", "due_at"]).select("kind", "due_at")).map((r) => `${r.kind} ${new Date(r.due_at).toISOString()}`);
    const fedReminders = await reminders(fed.episode.id);
    assert.ok(fedReminders.some((r) => r.startsWith("gp-drug-review")), fedReminders.join(", "));
    assert.deepEqual(fedReminders, await reminders(typed.episode.id));
    const audit = await feedAudit(fed.episode.id);
    assert.equal(audit.at(-1).action, "discharge");
  });

  test("a discharge before the surgery is AE (discharge before admission), stores nothing", async () => {
    const { episode, patient } = await inpatient();
    const beforeSurgery = new Date(Date.parse(episode.anaesthesiaStartAt) - 3600_000).toISOString();
    const ack = await pas.send(pasMessage({ event: "A03", controlId: controlId(), nhsNumber: patient.nhsNumber, at: minutesAgo(1), dischargeAt: hl7Time(beforeSurgery) }));
    assert.equal(ack.code, "AE");
    assert.match(ack.message, /Discharge before admission/);
    assert.equal((await findEpisode(ctx.db, episode.id))!.discharge, null);
  });

  test("an A03 dated before the last bladder record is AE with the form's message, and stores nothing, as a typed discharge would be refused", async () => {
    const { episode, patient } = await inpatient();
    await recordBladderEvent(ctx.db, SYSTEM_ACTOR, episode, { type: "catheter-removed", at: "2026-11-24T08:00:00Z", phase: null, volumeMl: null, sensationToVoid: null, catheterType: null }, "a03:late", "system", NOW);
    const ack = await pas.send(pasMessage({ event: "A03", controlId: controlId(), nhsNumber: patient.nhsNumber, at: minutesAgo(1), dischargeAt: hl7Time("2026-11-24T07:30:00Z") }));
    assert.equal(ack.code, "AE");
    assert.match(ack.message, /is before the last bladder record \(Tue, 24 Nov 2026, 08:00 GMT\)/);
    assert.equal((await findEpisode(ctx.db, episode.id))!.discharge, null);
  });

  test("an A11 cancels the admission (the ward goes back, the A01 is marked cancelled) and an A13 cancels the discharge, with history kept", async () => {
    const { episode, patient } = await inpatient();
    const admit = controlId();
    await pas.send(pasMessage({ event: "A01", controlId: admit, nhsNumber: patient.nhsNumber, ward: "W3SP", bed: "3", at: minutesAgo(50) }));
    assert.equal((await pas.send(pasMessage({ event: "A11", controlId: controlId(), nhsNumber: patient.nhsNumber, at: minutesAgo(40) }))).code, "AA");
    let stored = (await findEpisode(ctx.db, episode.id))!;
    assert.equal(stored.ward, "Admissions");
    assert.equal(stored.bed, "1");
    assert.ok((await storedMessage(admit))[0].cancelled_by_message_id);

    await pas.send(pasMessage({ event: "A03", controlId: controlId(), nhsNumber: patient.nhsNumber, at: minutesAgo(30), dischargeAt: minutesAgo(30), disposition: "54" }));
    assert.equal((await findEpisode(ctx.db, episode.id))!.discharge?.destination, "NHS run care home");
    assert.equal((await pas.send(pasMessage({ event: "A13", controlId: controlId(), nhsNumber: patient.nhsNumber, at: minutesAgo(20) }))).code, "AA");
    stored = (await findEpisode(ctx.db, episode.id))!;
    assert.equal(stored.discharge, null);
    const actions = (await feedAudit(episode.id)).map((a) => a.action);
    assert.deepEqual(actions, ["admit", "cancel-admission", "discharge", "cancel-discharge"]);
    const review = await ctx.db("reminders").where({ episode_id: episode.id, kind: "gp-drug-review" }).select("status");
    assert.ok(review.length > 0 && review.every((r) => r.status === "cancelled"), "the P4 review no longer applies");
  });
});

test("an A11 after a transfer is AE and takes nobody back: the ward changed since the admission", async () => {
  const { episode, patient } = await inpatient();
  await pas.send(pasMessage({ event: "A01", controlId: controlId(), nhsNumber: patient.nhsNumber, ward: "W3SP", bed: "3", at: minutesAgo(50) }));
  await pas.send(pasMessage({ event: "A02", controlId: controlId(), nhsNumber: patient.nhsNumber, ward: "W5", bed: "8", at: minutesAgo(45) }));
  const ack = await pas.send(pasMessage({ event: "A11", controlId: controlId(), nhsNumber: patient.nhsNumber, at: minutesAgo(40) }));
  assert.equal(ack.code, "AE");
  assert.match(ack.message, /changed after the admission/);
  const stored = (await findEpisode(ctx.db, episode.id))!;
  assert.equal(stored.wardId, ward5);
  assert.equal(stored.bed, "8");
});

describe("A08 demographics and A40 merge", () => {
  test("an A08 updates name (escape sequences read), birth date and sex; email and consent are never overwritten", async () => {
    const { patient } = await inpatient();
    await ctx.db("patients").where({ id: patient.id }).update({ email: "pat@example.org", email_consent: true });
    const ack = await pas.send(pasMessage({ event: "A08", controlId: controlId(), nhsNumber: patient.nhsNumber, family: "HYDE\\T\\JEKYLL", given: "ANN\\S\\MARIE", dob: "19650203", sex: "F", at: minutesAgo(5) }));
    assert.equal(ack.code, "AA");
    const stored = (await findPatient(ctx.db, patient.id))!;
    assert.equal(stored.familyName, "HYDE&JEKYLL");
    assert.equal(stored.givenName, "ANN^MARIE");
    assert.equal(stored.dateOfBirth, "1965-02-03");
    assert.equal(stored.sex, "female");
    assert.equal(stored.email, "pat@example.org");
    assert.equal(stored.emailConsent, true);
    const audit = await ctx.db("audit_events").where({ entity: "patient", entity_id: patient.id, action: "correct" }).first();
    assert.equal(audit.actor_name, "hospital feed (HL7 v2 ADT)");
  });

  test("an A40 moves the merged patient's episodes to the surviving patient and marks the merged one, deleting nothing", async () => {
    const survivor = await inpatient("Survivor");
    const merged = await inpatient("Duplicate");
    const ack = await pas.send(pasMessage({ event: "A40", controlId: controlId(), nhsNumber: survivor.patient.nhsNumber, mergedNhsNumber: merged.patient.nhsNumber, at: minutesAgo(5) }));
    assert.equal(ack.code, "AA");
    assert.equal((await findEpisode(ctx.db, merged.episode.id))!.patientId, survivor.patient.id);
    const gone = (await findPatient(ctx.db, merged.patient.id))!;
    assert.equal(gone.mergedIntoPatientId, survivor.patient.id);
    assert.equal(gone.familyName, "Duplicate", "the merged patient's record is kept");
    assert.ok(await ctx.db("audit_events").where({ entity: "patient", entity_id: merged.patient.id, action: "merge" }).first());
    // A later message naming the merged NHS number finds the surviving patient.
    assert.equal((await pas.send(pasMessage({ event: "A02", controlId: controlId(), nhsNumber: merged.patient.nhsNumber, ward: "W5", at: minutesAgo(1) }))).code, "AA");
  });
});

describe("the listener survives what a network and a PAS send", () => {
  test("malformed frames are answered AR and the connection goes on working", async () => {
    const client = await MllpClient.connect(feed.port);
    client.write(Buffer.from("garbage with no start block\x1c\r"));
    assert.equal((await client.nextAck()).includes("MSA|AR"), true);
    client.write(frameOf("PID|1||nothing before it"));
    assert.match(await client.nextAck(), /MSA\|AR\|\|The message does not start with an MSH segment/);
    client.write(frameOf("MSH|^~\\&|PAS|RXX01|CES|RXX01|20261124093000||ADT^A02|||P|2.4"));
    assert.match(await client.nextAck(), /MSA\|AR\|\|MSH-10/);
    client.write(frameOf("MSH|^~\\&|LAB|RXX01|CES|RXX01|20261124093000||ORU^R01|LAB1|P|2.4"));
    assert.match(await client.nextAck(), /MSA\|AR\|LAB1\|Message type ORU/);
    // A frame split anywhere, even between FS and CR, and two frames in one write.
    const { patient } = await inpatient();
    const one = frameOf(pasMessage({ event: "A02", controlId: controlId(), nhsNumber: patient.nhsNumber, ward: "W5", bed: "1", at: minutesAgo(3) }));
    client.write(one.subarray(0, 10));
    client.write(one.subarray(10, one.length - 1));
    client.write(Buffer.concat([one.subarray(one.length - 1), frameOf(pasMessage({ event: "A02", controlId: controlId(), nhsNumber: patient.nhsNumber, ward: "W3SP", bed: "2", at: minutesAgo(2) }))]));
    assert.match(await client.nextAck(), /MSA\|AA/);
    assert.match(await client.nextAck(), /MSA\|AA/);
    client.close();
  });

  test("a 1 MB message is accepted; one over the limit is answered AR without being stored, and the connection survives", async () => {
    const { patient } = await inpatient();
    const client = await MllpClient.connect(feed.port);
    const notes = Array.from({ length: 1100 }, (_, i) => `NTE|${i + 1}||${"x".repeat(950)}`);
    const big = pasMessage({ event: "A08", controlId: controlId(), nhsNumber: patient.nhsNumber, family: "BIGNOTE", at: minutesAgo(4), extraSegments: notes });
    assert.ok(Buffer.byteLength(big) > 1024 * 1024);
    assert.equal((await client.send(big)).code, "AA");
    assert.equal((await findPatient(ctx.db, patient.id))!.familyName, "BIGNOTE");
    const tooBig = pasMessage({ event: "A08", controlId: controlId(), nhsNumber: patient.nhsNumber, family: "TOOBIG", at: minutesAgo(3), extraSegments: [...notes, ...notes] });
    const refused = await client.send(tooBig);
    assert.equal(refused.code, "AR");
    assert.match(refused.message, /larger than the 2048 KB limit/);
    assert.equal((await findPatient(ctx.db, patient.id))!.familyName, "BIGNOTE");
    assert.equal((await client.send(pasMessage({ event: "A08", controlId: controlId(), nhsNumber: patient.nhsNumber, family: "AFTER", at: minutesAgo(2) }))).code, "AA");
    client.close();
  });

  test("a half-sent frame then a closed socket stores nothing and harms no one else", async () => {
    const { episode, patient } = await inpatient();
    const count = async () => Number((await ctx.db("feed_messages").count({ n: "*" }).first())!.n);
    const before = await count();
    const client = await MllpClient.connect(feed.port);
    const text = frameOf(pasMessage({ event: "A02", controlId: controlId(), nhsNumber: patient.nhsNumber, ward: "W5", at: minutesAgo(1) }));
    client.write(text.subarray(0, text.length / 2));
    await new Promise((r) => setTimeout(r, 50));
    client.close();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(await count(), before);
    assert.equal((await findEpisode(ctx.db, episode.id))!.ward, "Admissions");
    assert.equal((await pas.send(pasMessage({ event: "A02", controlId: controlId(), nhsNumber: patient.nhsNumber, ward: "W5", at: minutesAgo(1) }))).code, "AA");
  });

  test("a connection left idle in the middle of a frame is closed; one idle between messages stays open", async () => {
    const quick = await startFeedListener(ctx.db, { port: 0, host: "127.0.0.1", maxMessageBytes: MAX_BYTES, partialFrameTimeoutMs: 200, clock: ctx.clock.now, log: () => undefined });
    try {
      const [half, idle] = await Promise.all([MllpClient.connect(quick.port), MllpClient.connect(quick.port)]);
      const closed = new Promise((resolve) => half.socket.once("close", resolve));
      half.write(Buffer.from("\x0bMSH|^~\\&|PAS"));
      await closed;
      await new Promise((r) => setTimeout(r, 400));
      assert.equal(idle.socket.destroyed, false);
      const { patient } = await inpatient();
      assert.equal((await idle.send(pasMessage({ event: "A08", controlId: controlId(), nhsNumber: patient.nhsNumber, family: "IDLE", at: minutesAgo(1) }))).code, "AA");
      idle.close();
    } finally {
      await quick.close();
    }
  });

  test("200 messages over 20 connections at once: every one acknowledged AA, none lost, none applied twice", async () => {
    const patients = await Promise.all(Array.from({ length: 20 }, () => inpatient()));
    const clients = await Promise.all(patients.map(() => MllpClient.connect(feed.port)));
    const sent: string[] = [];
    const acks = await Promise.all(
      clients.map(async (client, c) => {
        const codes: string[] = [];
        for (let i = 0; i < 10; i++) {
          const id = `LOAD-${c}-${i}`;
          sent.push(id);
          const ack = await client.send(pasMessage({ event: "A02", controlId: id, nhsNumber: patients[c].patient.nhsNumber, ward: i % 2 ? "W5" : "W3SP", bed: String(i), at: minutesAgo(30 - i) }));
          assert.equal(ack.controlId, id);
          codes.push(ack.code);
        }
        return codes;
      }),
    );
    for (const c of clients) c.close();
    assert.deepEqual(acks.flat(), new Array(200).fill("AA"));
    const applied = await ctx.db("feed_messages").where("control_id", "like", "LOAD-%").where({ status: "applied" }).select("control_id");
    assert.equal(applied.length, 200);
    assert.equal(new Set(applied.map((r) => r.control_id)).size, 200);
    for (const { episode } of patients) {
      const stored = (await findEpisode(ctx.db, episode.id))!;
      assert.equal(stored.bed, "9", "the last transfer wins");
      assert.equal(stored.wardId, ward5);
    }
  });
});
