import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { auditSentence, changesInWords, fieldInWords, valueInWords } from "../../src/audit/words.ts";
import { createTestApp, pageText, signIn, type SignedInAgent, type TestContext } from "../helpers/app.ts";
import { demoEpisode } from "../followup/helpers.ts";

const NOW = "2026-11-24T10:00:00Z";
const WHO = "Dr A Smith (clinician)";

describe("audit trail in words: the tables", () => {
  const sentences: [string, string, Record<string, unknown>, string, string][] = [
    ["medication", "start", { name: "co-codamol 30/500", startedOn: "2026-12-03" }, `${WHO} started co-codamol 30/500`, "medicine list"],
    ["medication", "stop", { name: "Pregabalin 75 mg", stoppedOn: "2026-12-04" }, `${WHO} stopped Pregabalin 75 mg`, "medicine list"],
    ["followup-checklist", "tick", { item: "bowel-b3-drs-dre", rule: "B3", done: true }, `${WHO} ticked B3 as done`, "follow-up checklist"],
    ["followup-checklist", "untick", { rule: "P1", done: false }, `${WHO} un-ticked P1 (not done)`, "follow-up checklist"],
    ["followup-issue", "record", { issue: "Ongoing CES symptoms (such as saddle numbness or leg weakness)" }, `${WHO} recorded whether there is an ongoing issue: ongoing CES symptoms (such as saddle numbness or leg weakness)`, "follow-up: ongoing issues"],
    ["bladder-event", "record", { type: "scan", volumeMl: 420 }, `${WHO} recorded: bladder scan`, "bladder record"],
    ["twoc-action", "tick", { action: "isc-taught", done: true }, `${WHO} ticked "ISC teaching done"`, "failed-TWOC checklist"],
    ["letter", "send", { version: 2, status: "sent", kind: "gp" }, `${WHO} marked version 2 of letter to the GP as sent`, "letters"],
    ["letter", "nscisb-reference", { version: 1, kind: "sci-referral", nscisbReference: "NSC-1" }, `${WHO} recorded the National Spinal Cord Injury Database reference for version 1 of referral to the spinal cord injury centre`, "letters"],
    ["episode", "correct-discharge", {}, `${WHO} corrected the discharge`, "CES surgery episode"],
    ["outpatient-appointment", "book", {}, `${WHO} booked the surgical outpatient appointment`, "outpatient appointment"],
    ["email", "in-doubt", { status: "in-doubt" }, `${WHO} marked an email in doubt: the connection to the mail server was lost after it was sent`, "emails"],
    ["email", "expired", { status: "expired", reason: "Not sent: the appointment time had already passed" }, `${WHO} closed a message unsent (Not sent: the appointment time had already passed)`, "emails"],
    // unknown names are still readable
    ["episode", "transfer-ward", {}, `${WHO} transfer ward: episode 7`, "CES surgery episode"],
    ["spinal-clinic-slot", "reserve", {}, `${WHO} reserve: spinal clinic slot 7`, "spinal clinic slot"],
  ];
  for (const [entity, action, values, sentence, place] of sentences) {
    test(`${entity} ${action}: "${sentence}" (${place})`, () => {
      assert.deepEqual(auditSentence({ actorName: WHO, entity, entityId: 7, action, before: {}, after: values }), { sentence, place });
    });
  }

  const fields: [string, string][] = [
    ["startedOn", "Start date"],
    ["anaesthesiaStartAt", "Start of anaesthesia"],
    ["catheterisedBeforeSurgery", "Catheterised before surgery (S-CATH)"],
    ["volumeMl", "Volume (ml)"],
    ["someNewField", "Some new field"],
    ["flip-flow_note", "Flip flow note"],
  ];
  for (const [field, words] of fields) test(`field ${field} reads "${words}"`, () => assert.equal(fieldInWords(field), words));

  const values: [string, unknown, string][] = [
    ["startedOn", "2026-12-03", "3 December 2026"],
    ["at", "2026-07-01T09:30:00.000Z", "Wed, 1 Jul 2026, 10:30 BST"],
    ["at", "2026-12-01T09:30:00Z", "Tue, 1 Dec 2026, 09:30 GMT"],
    ["bed", "2026-13-01T10:00:00Z", "2026-13-01T10:00:00Z"],
    ["emailConsent", true, "Yes"],
    ["sensationToVoid", false, "No"],
    ["procedure", "hemilaminectomy", "Hemilaminectomy"],
    ["type", "catheter-removed", "Catheter removed"],
    ["sex", "not-known", "Not known"],
    ["phase", "post-void", "Post-void"],
    ["gp", { name: "Moor Surgery", email: null }, "Name: Moor Surgery; Email address: none"],
    ["volumeMl", 420, "420"],
    ["reason", null, ""],
  ];
  for (const [field, value, words] of values) test(`${field} ${JSON.stringify(value)} reads "${words}"`, () => assert.equal(valueInWords(field, value), words));

  test("changes: before → after for a correction, 'not recorded' when a field was empty; a new record has no before", () => {
    assert.deepEqual(changesInWords({ name: "Zapain", stoppedOn: null }, { name: "Zapain", stoppedOn: "2026-12-04", stopReason: "P5" }, "medication"), [
      { field: "Stop date", before: "not recorded", after: "4 December 2026" },
      { field: "Reason for stopping", before: "not recorded", after: "P5" },
    ]);
    assert.deepEqual(changesInWords({}, { name: "Zapain", key: "abc" }, "medication"), [{ field: "Medicine", before: "", after: "Zapain" }]);
    assert.deepEqual(changesInWords({}, { name: "Ward 3" }, "ward"), [{ field: "Name", before: "", after: "Ward 3" }]);
    // a new record's empty fields changed nothing: not listed
    assert.deepEqual(changesInWords({}, { bed: null, delayReason: "", level: "L4/5" }, "episode"), [{ field: "Level", before: "", after: "L4/5" }]);
  });

  test("a letter sent: only how it was sent is new, in words; the letter, its kind and the copy to the GP did not change", () => {
    const before = { version: 1, kind: "sci-referral", status: "draft", ccGp: false };
    const after = { version: 1, kind: "sci-referral", status: "sent", method: "nscisb-web-form", ccGp: false };
    assert.deepEqual(changesInWords(before, after, "letter"), [
      { field: "Status", before: "draft", after: "sent" },
      { field: "How it was sent", before: "not recorded", after: "National Spinal Cord Injury Database web form" },
    ]);
    const names = { recipientId: new Map([[1, "Yorkshire Regional Spinal Injuries Centre"]]) };
    assert.deepEqual(changesInWords({}, { recipientId: 1 }, "letter", names), [{ field: "Recipient", before: "", after: "Yorkshire Regional Spinal Injuries Centre" }]);
  });

  test("a ward or consultant pointed to by id reads as its name; an id with no name known stays a number", () => {
    const names = { consultantUserId: new Map([[2, "Dr Cara Clinician"]]), wardId: new Map([[1, "Ward 3 (Spinal)"]]) };
    assert.deepEqual(changesInWords({ consultantUserId: 2, wardId: 1 }, { consultantUserId: 5, wardId: 1 }, "episode", names), [
      { field: "Responsible consultant", before: "Dr Cara Clinician", after: "5" },
    ]);
  });
});

describe("audit trail page in words", () => {
  let ctx: TestContext;
  let clinician: SignedInAgent;
  before(async () => {
    ctx = await createTestApp({ now: NOW });
    clinician = await signIn(ctx.app, "clinician");
  });
  after(() => ctx.close());

  test("a medicine started and stopped and a tick read as sentences with fields in words and UK time", async () => {
    const episode = (await demoEpisode(ctx.db, "outpatient-review-due"))!;
    const start = await clinician.submit(`/episodes/${episode.id}/follow-up/medicines`, { name: "Zapain 30/500", dose: "2 tablets", "startedOn-day": "3", "startedOn-month": "11", "startedOn-year": "2026" });
    assert.equal(start.status, 303);
    const med = await ctx.db("medications").where({ episode_id: episode.id, name: "Zapain 30/500" }).first();
    ctx.clock.advance(60_000);
    await clinician.submit(`/episodes/${episode.id}/follow-up/medicines/${med.id}/stop`, { "stoppedOn-day": "24", "stoppedOn-month": "11", "stoppedOn-year": "2026", reason: "Chronic phase (P5)" });
    ctx.clock.advance(60_000);
    await clinician.submit(`/episodes/${episode.id}/follow-up/checklist`, { item: "pain-p1-exclude-disc-prolapse", done: "yes" });

    const page = await clinician.agent.get(`/patients/${episode.patientId}/audit`);
    assert.equal(page.status, 200);
    const text = pageText(page.text);
    assert.match(text, /Tue, 24 Nov 2026, 10:00 GMT Dr Cara Clinician \(clinician\) started Zapain 30\/500 \(medicine list\) Medicine : Zapain 30\/500 Dose : 2 tablets Start date : 3 November 2026/);
    assert.match(text, /Tue, 24 Nov 2026, 10:01 GMT Dr Cara Clinician \(clinician\) stopped Zapain 30\/500 \(medicine list\) Stop date : not recorded → 24 November 2026 Reason for stopping : not recorded → Chronic phase \(P5\)/);
    assert.match(text, /10:02 GMT Dr Cara Clinician \(clinician\) ticked P1 as done \(follow-up checklist\) Done : No → Yes/);
    assert.doesNotMatch(text, /medication \d+: start|startedOn|followup-checklist/);
    assert.match(text, /system registered the CES surgery episode \(CES surgery episode\) .*Ward : Ward 3 \(Spinal\) Ward \(record\) : Ward 3 \(Spinal\) Responsible consultant : Dr Cara Clinician /);
  });
});
