// Letters that can be trusted once sent: no stale send, a letterhead, page furniture on every PDF
// page, DRAFT only on unsent versions, clinical English, how it was sent, a copy to the GP and the
// NSCISB reference.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { SYSTEM_ACTOR } from "../../src/audit/audit.ts";
import { renderLetterPdf } from "../../src/letters/pdf.ts";
import { createLetter, markSent, StaleLetterError } from "../../src/letters/service.ts";
import { setIssue } from "../../src/followup/service.ts";
import type { LetterDoc } from "../../src/letters/document.ts";
import { registerEpisode, registerPatient } from "../../src/patients/service.ts";
import { createTestApp, pageText, signIn, type SignedInAgent, type TestContext } from "../helpers/app.ts";
import { demoEpisode } from "../followup/helpers.ts";
import { getPdf, pdfPages } from "./helpers.ts";

const NOW = "2026-11-24T10:00:00Z";
const IDENTIFIERS = "David Hughes, born 30 November 1965, NHS number 900 000 0009";

describe("a stale draft cannot be sent", () => {
  let ctx: TestContext;
  let clinician: SignedInAgent;
  let episodeId: number;
  let url: string;
  before(async () => {
    ctx = await createTestApp({ now: NOW });
    clinician = await signIn(ctx.app, "clinician");
    episodeId = (await demoEpisode(ctx.db, "failed-twoc-flip-flow"))!.id;
    const pinderfields = (await ctx.db("letter_recipients").where({ kind: "sci-centre", regional: true }).first()).id;
    const res = await clinician.submit(`/episodes/${episodeId}/letters`, { kind: "sci-referral", recipientId: String(pinderfields) });
    url = res.headers.location;
  });
  after(() => ctx.close());

  test("after a change to the record the send is refused (409), naming what changed; the version stays a draft and no send is audited", async () => {
    ctx.clock.advance(600_000);
    assert.equal((await clinician.submit(`/episodes/${episodeId}/follow-up/issues/bowel`, { ongoing: "yes", details: "Faecal urgency" })).status, 303);
    const page = pageText((await clinician.agent.get(url)).text);
    assert.match(page, /The record has changed since this draft was generated \(bowel, the reasons for referral\)/);
    assert.match(page, /cannot be marked as sent/);
    assert.doesNotMatch(page, /Mark as sent/, "the page offers no send button for a stale draft");

    const sendAudits = async () => (await ctx.db("audit_events").where({ entity: "letter", action: "send" })).length;
    const sendsBefore = await sendAudits();
    const refused = await clinician.submit(`${url}/send`, { method: "post" });
    assert.equal(refused.status, 409);
    assert.match(pageText(refused.text), /Version 1 was not sent: the record has changed since it was generated \(bowel, the reasons for referral\)\. Regenerate the draft from the record/);
    const row = await ctx.db("letter_versions").where({ letter_id: Number(/letters\/(\d+)/.exec(url)![1]), version: 1 }).first();
    assert.equal(row.status, "draft");
    assert.equal(row.sent_at, null);
    assert.equal(await sendAudits(), sendsBefore, "no send is audited");
  });

  test("regenerated, it is sent with how it went, recorded and audited", async () => {
    const missing = await clinician.submit(`${url}/send`, {});
    assert.equal(missing.status, 400, "how it was sent is asked for");
    assert.equal((await clinician.submit(url, { recipientId: String((await ctx.db("letter_recipients").where({ regional: true }).first()).id) })).status, 303);
    const sent = await clinician.submit(`${url}/send`, { method: "nscisb-web-form" });
    assert.equal(sent.status, 303);
    const page = pageText((await clinician.agent.get(url)).text);
    assert.match(page, /Sent Tue, 24 Nov 2026, 10:10 GMT by Dr Cara Clinician \(clinician\) \(National Spinal Cord Injury Database web form\)\. This version is frozen\./);
    const audit = await ctx.db("audit_events").where({ entity: "letter", action: "send" }).orderBy("id", "desc").first();
    assert.equal(JSON.parse(audit.after).method, "nscisb-web-form");

    const trail = pageText((await clinician.agent.get(`/patients/${(await ctx.db("episodes").where({ id: episodeId }).first()).patient_id}/audit`)).text);
    assert.match(trail, /regenerated draft version 1 of referral to the spinal cord injury centre, updated from the record: bowel, the reasons for referral \(letters\)/, "the regeneration says what the record changed");
    assert.match(trail, /generated a draft: referral to the spinal cord injury centre \(letters\) Letter : Referral to the spinal cord injury centre Version : 1 Recipient : Yorkshire Regional Spinal Injuries Centre/, "the recipient by name");
    assert.match(trail, /marked version 1 of referral to the spinal cord injury centre as sent \(letters\) Status : draft → sent How it was sent : not recorded → National Spinal Cord Injury Database web form/);
    assert.doesNotMatch(trail, /Cc gp|nscisb-web-form|record number/);
  });

  test("the NSCISB reference is added to the sent referral later, audited; bad input is refused and a draft cannot take one", async () => {
    const bad = await clinician.submit(`${url}/nscisb-reference`, { nscisbReference: "=HYPERLINK(1)" });
    assert.equal(bad.status, 400);
    assert.match(pageText(bad.text), /NSCISB reference number must contain only letters, numbers/);
    ctx.clock.advance(86_400_000);
    const ok = await clinician.submit(`${url}/nscisb-reference`, { nscisbReference: "NSCISB-2026/0417" });
    assert.equal(ok.status, 303);
    const page = pageText((await clinician.agent.get(url)).text);
    assert.match(page, /NSCISB reference: NSCISB-2026\/0417 ?, recorded Wed, 25 Nov 2026, 10:10 GMT by Dr Cara Clinician \(clinician\)/);
    const list = pageText((await clinician.agent.get(`/episodes/${episodeId}/letters`)).text);
    assert.match(list, /Sent Tue, 24 Nov 2026, 10:10 GMT \(National Spinal Cord Injury Database web form\); NSCISB reference NSCISB-2026\/0417/);
    const audit = await ctx.db("audit_events").where({ entity: "letter", action: "nscisb-reference" }).first();
    assert.deepEqual(JSON.parse(audit.after), { version: 1, kind: "sci-referral", nscisbReference: "NSCISB-2026/0417" });

    const gp = await clinician.submit(`/episodes/${episodeId}/letters`, { kind: "failed-twoc", recipientId: String((await ctx.db("letter_recipients").where({ kind: "urology" }).first()).id) });
    assert.equal((await clinician.submit(`${gp.headers.location}/nscisb-reference`, { nscisbReference: "X1" })).status, 404, "only an SCI referral has one");
  });
});

describe("a send and a change to the record at the same moment", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestApp({ now: NOW });
  });
  after(() => ctx.close());

  test("either the letter is sent first and the change comes after it, or the send is refused: never a stale letter sent", async () => {
    const episode = (await demoEpisode(ctx.db, "failed-twoc-flip-flow"))!;
    const recipient = (await ctx.db("letter_recipients").where({ regional: true }).first()).id;
    for (let i = 0; i < 6; i++) {
      const id = await createLetter(ctx.db, SYSTEM_ACTOR, episode, "sci-referral", recipient, null, NOW);
      const letter = { id, episodeId: episode.id, kind: "sci-referral" as const, createdAt: NOW, createdBy: "system" };
      const [sent] = await Promise.allSettled([markSent(ctx.db, SYSTEM_ACTOR, letter, 1, "post", NOW), setIssue(ctx.db, SYSTEM_ACTOR, episode, "bowel", i % 2 === 0, `Change ${i}`, NOW)]);
      const sendAudit = await ctx.db("audit_events").where({ entity: "letter", entity_id: id, action: "send" }).first();
      const change = await ctx.db("audit_events").where({ entity: "followup-issue" }).orderBy("id", "desc").first();
      if (sent.status === "fulfilled") {
        assert.ok(sendAudit.id < change.id, "a sent letter was sent before the change");
      } else {
        assert.ok(sent.reason instanceof StaleLetterError, String(sent.reason));
        assert.equal(sendAudit, undefined);
        assert.equal((await ctx.db("letter_versions").where({ letter_id: id }).first()).status, "draft");
      }
    }
  });
});

describe("the letter PDF: letterhead, identifiers and page N of M on every page, DRAFT on unsent versions only", () => {
  let ctx: TestContext;
  let clinician: SignedInAgent;
  let url: string;
  before(async () => {
    ctx = await createTestApp({ now: NOW });
    clinician = await signIn(ctx.app, "clinician");
    const episodeId = (await demoEpisode(ctx.db, "failed-twoc-flip-flow"))!.id;
    const pinderfields = (await ctx.db("letter_recipients").where({ kind: "sci-centre", regional: true }).first()).id;
    const long = Array.from({ length: 12 }, (_, i) => `Paragraph line ${i + 1} of the referrer's account of the patient's progress since surgery.`).join(" ");
    const res = await clinician.submit(`/episodes/${episodeId}/letters`, { kind: "sci-referral", recipientId: String(pinderfields), freeText: long, ccGp: "yes" });
    url = res.headers.location;
  });
  after(() => ctx.close());

  test("a draft: every page has the identifiers, its page number and DRAFT; the first has the letterhead and consultant, the last the cc", async () => {
    const pages = await pdfPages((await getPdf(clinician, `${url}/pdf`)).body);
    assert.ok(pages.length >= 2, `a letter long enough to need ${pages.length} pages`);
    pages.forEach((text, i) => {
      assert.ok(text.includes(IDENTIFIERS), `identifiers on page ${i + 1}`);
      assert.ok(text.includes(`Page ${i + 1} of ${pages.length}`), `page ${i + 1} of ${pages.length}`);
      assert.match(text, /DRAFT/, `watermark on page ${i + 1}`);
    });
    assert.match(pages[0], /^Pinderfields Hospital Department of Spinal Surgery Aberford Road Wakefield WF1 4DG Telephone 01632 960000 Consultant: Dr Cara Clinician/);
    assert.match(pages.at(-1)!, /cc: Park View Medical Centre, 22 Park View, Leeds LS6 2XY \(GP\)/);
    assert.match(pages.at(-1)!, /Regional CES pathway rules cited: U3, U5, U7, U8, U-SAFE, F1, F3, R1\./);
    const row = await ctx.db("letter_versions").where({ letter_id: Number(/letters\/(\d+)/.exec(url)![1]) }).first();
    assert.equal(Boolean(row.cc_gp), true, "the copy to the GP is recorded");
  });

  test("the sent version: the same furniture, and no DRAFT on any page", async () => {
    assert.equal((await clinician.submit(`${url}/send`, { method: "post" })).status, 303);
    const pages = await pdfPages((await getPdf(clinician, `${url}/pdf`)).body);
    pages.forEach((text, i) => {
      assert.ok(text.includes(IDENTIFIERS), `identifiers on page ${i + 1}`);
      assert.ok(text.includes(`Page ${i + 1} of ${pages.length}`));
      assert.doesNotMatch(text, /DRAFT|draft/, `no watermark on page ${i + 1}`);
    });
    assert.match(pages.at(-1)!, /version 1 \(sent Tue, 24 Nov 2026, 10:00 GMT by Dr Cara Clinician \(clinician\), by post\)/);
    const pack = await pdfPages((await getPdf(clinician, `${url}/pack/pdf`)).body);
    pack.forEach((text, i) => assert.ok(text.includes(`Page ${i + 1} of ${pack.length}`), "the pack is numbered too"));
  });
});

describe("no page holds only the signature", () => {
  const doc = (words: number, breakEvery = 0): LetterDoc => ({
    title: "Test letter",
    from: ["Pinderfields Hospital"],
    identifiers: "Ann Example, born 1 January 1970, NHS number 401 023 2102",
    to: ["Recipient"],
    date: "24 November 2026",
    subject: "Ann Example",
    salutation: "Dear colleague,",
    blocks: [
      { type: "paragraph", text: "Opening paragraph. ".repeat(200) },
      { type: "heading", text: "Closing section" },
      { type: "paragraph", text: `${Array.from({ length: words }, (_, i) => (breakEvery && i % breakEvery === breakEvery - 1 ? "Closing words\n" : "Closing words ")).join("")}END-OF-TEXT` },
    ],
    signOff: ["Yours sincerely,", "Dr Cara Clinician", "Department of Spinal Surgery, Pinderfields Hospital", "24 November 2026"],
    reference: "Regional CES pathway rules cited: R1.",
  });

  test("whatever the length of the text before it, the signature's page also holds the end of the letter's text", async () => {
    // The closing paragraph grows a few words at a time, so its end crosses the foot of the page.
    for (let words = 0; words <= 900; words += 15) {
      const pages = await pdfPages(await renderLetterPdf(doc(words, words % 2 ? 40 : 0), { draft: false, line: "Test letter, version 1." }));
      const signed = pages.findIndex((p) => p.includes("Yours sincerely,"));
      assert.ok(pages[signed].includes("END-OF-TEXT") || pages[signed].includes("Closing words"), `with ${words} words the signature stands alone on page ${signed + 1}`);
      assert.equal(signed, pages.length - 1, "the signature is on the last page");
    }
  });
});

describe("clinical English and the GP letter", () => {
  let ctx: TestContext;
  let clinician: SignedInAgent;
  before(async () => {
    ctx = await createTestApp({ now: NOW });
    clinician = await signIn(ctx.app, "clinician");
  });
  after(() => ctx.close());

  test("the GP letter does not repeat the ward's instruction (catheterise, catheter tug) and gives the volume instead", async () => {
    const id = (await demoEpisode(ctx.db, "failed-twoc-flip-flow"))!.id;
    const res = await clinician.submit(`/episodes/${id}/letters`, { kind: "gp" });
    assert.equal(res.status, 303);
    const flash = pageText((await clinician.agent.get(res.headers.location)).text);
    assert.match(flash, /Draft generated from the record: Letter to the GP/, "the GP keeps its capitals");
    const text = (await pdfPages((await getPdf(clinician, `${res.headers.location}/pdf`)).body)).join(" ");
    assert.doesNotMatch(text, /tug|catheterise,/i);
    assert.match(text, /Trial without catheter \(TWOC\): Failed \(U3, U-SAFE\)\. Pre-void scan 620 ml with no sensation to void\. The largest bladder volume recorded was 620 ml \(over 600 ml\)\./);
  });

  test("a GP address typed on several lines prints line by line, and a blank episode hospital never makes the sender 'Not recorded'", async () => {
    const patient = await registerPatient(ctx.db, SYSTEM_ACTOR, {
      nhsNumber: "4010232102", familyName: "Example", givenName: "Ann", dateOfBirth: "1970-01-01", sex: "female", email: null, emailConsent: false,
      gp: { name: "Moor Surgery", address: "1 Moor Lane\r\nLeeds\r\nLS1 1AA", email: null },
    }, NOW);
    const episode = await registerEpisode(ctx.db, SYSTEM_ACTOR, patient.id, {
      presentation: "CES-I", mriAt: "2026-11-20T04:00:00Z", anaesthesiaStartAt: "2026-11-20T09:00:00Z", procedure: "laminotomy", level: "L4/5",
      surgeon: "Ms S Surgeon", hospital: null, ward: null, bed: null, delayReason: null, consultantSanction: null, preopReviewAt: null,
      consentRecorded: true, bsrRegistered: true, catheterisedBeforeSurgery: true,
    }, NOW);
    const res = await clinician.submit(`/episodes/${episode.id}/letters`, { kind: "gp" });
    assert.equal(res.status, 303);
    const pdf = (await getPdf(clinician, `${res.headers.location}/pdf`)).body;
    const [first] = await pdfPages(pdf);
    assert.match(first, /^Pinderfields Hospital Department of Spinal Surgery/, "the letterhead is the sender");
    assert.match(first, /Moor Surgery 1 Moor Lane Leeds LS1 1AA/);
    assert.doesNotMatch(pdf.toString("latin1"), /\r\n1 Moor|Lane\r/, "no carriage return reaches the PDF");
    const preview = pageText((await clinician.agent.get(res.headers.location)).text);
    assert.doesNotMatch(preview.slice(0, preview.indexOf("Dear colleague")), /Not recorded/);
  });
});

describe("without service details (a new installation)", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestApp({ now: NOW });
    await ctx.db("service_details").del(); // production starts without them: demo data is not loaded there
  });
  after(() => ctx.close());

  test("the sender is the team and the episode's hospital, and a blank hospital never prints 'Not recorded'", async () => {
    const clinician = await signIn(ctx.app, "clinician");
    const withHospital = (await demoEpisode(ctx.db, "outpatient-review-due"))!.id;
    const a = await clinician.submit(`/episodes/${withHospital}/letters`, { kind: "gp" });
    const [first] = await pdfPages((await getPdf(clinician, `${a.headers.location}/pdf`)).body);
    assert.match(first, /^Spinal Surgery Team Pinderfields Hospital/);

    const patient = await registerPatient(ctx.db, SYSTEM_ACTOR, {
      nhsNumber: "4010232110", familyName: "Blank", givenName: "Bea", dateOfBirth: "1971-01-01", sex: "female", email: null, emailConsent: false,
      gp: { name: "Moor Surgery", address: "1 Moor Lane", email: null },
    }, NOW);
    const episode = await registerEpisode(ctx.db, SYSTEM_ACTOR, patient.id, {
      presentation: "CES-I", mriAt: "2026-11-20T04:00:00Z", anaesthesiaStartAt: "2026-11-20T09:00:00Z", procedure: "laminotomy", level: "L4/5",
      surgeon: null, hospital: null, ward: null, bed: null, delayReason: null, consultantSanction: null, preopReviewAt: null,
      consentRecorded: true, bsrRegistered: true, catheterisedBeforeSurgery: true,
    }, NOW);
    const b = await clinician.submit(`/episodes/${episode.id}/letters`, { kind: "gp" });
    const pages = await pdfPages((await getPdf(clinician, `${b.headers.location}/pdf`)).body);
    assert.match(pages[0], /^Spinal Surgery Team Moor Surgery/, "the team alone heads the letter");
    const signature = pages.at(-1)!.slice(pages.at(-1)!.indexOf("Yours sincerely"));
    assert.match(signature, /^Yours sincerely, Dr Cara Clinician Spinal Surgery Team \d/);
  });
});

describe("service details for the letterhead are kept by an admin", () => {
  let ctx: TestContext;
  let admin: SignedInAgent;
  before(async () => {
    ctx = await createTestApp({ now: NOW });
    admin = await signIn(ctx.app, "admin");
  });
  after(() => ctx.close());

  test("only admins; bad input is refused with 400 and changes nothing; a change is audited and new letters carry it", async () => {
    const clinician = await signIn(ctx.app, "clinician");
    assert.equal((await clinician.agent.get("/admin/service")).status, 403);
    const form = await admin.agent.get("/admin/service");
    assert.equal(form.status, 200);
    assert.match(form.text, /id="hospital" name="hospital"[^>]*value="Pinderfields Hospital"|value="Pinderfields Hospital"/);
    const bad = await admin.submit("/admin/service", { hospital: "", department: "Spinal", address: "x", phone: "1" });
    assert.equal(bad.status, 400);
    assert.match(pageText(bad.text), /Enter hospital/);
    assert.equal((await ctx.db("service_details").first()).hospital, "Pinderfields Hospital");

    const ok = await admin.submit("/admin/service", { hospital: "Dewsbury and District Hospital", department: "Spinal Surgery", address: "Halifax Road\nDewsbury", phone: "01632 960001" });
    assert.equal(ok.status, 303);
    const audit = await ctx.db("audit_events").where({ entity: "service-details" }).orderBy("id", "desc").first();
    assert.equal(JSON.parse(audit.before).hospital, "Pinderfields Hospital");
    assert.equal(JSON.parse(audit.after).hospital, "Dewsbury and District Hospital");

    const id = (await demoEpisode(ctx.db, "outpatient-review-due"))!.id;
    const res = await clinician.submit(`/episodes/${id}/letters`, { kind: "gp" });
    const [first] = await pdfPages((await getPdf(clinician, `${res.headers.location}/pdf`)).body);
    assert.match(first, /^Dewsbury and District Hospital Spinal Surgery Halifax Road Dewsbury Telephone 01632 960001/);
  });
});
