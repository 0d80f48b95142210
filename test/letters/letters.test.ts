import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createTestApp, pageText, signIn, type SignedInAgent, type TestContext } from "../helpers/app.ts";
import { demoEpisode, HOSTILE_FAMILY, HOSTILE_GIVEN, hostilePatient } from "../followup/helpers.ts";
import { flat, getPdf, pdfText } from "./helpers.ts";

const NOW = "2026-11-24T10:00:00Z";

describe("SCI referral letter: draft, preview, PDF, send, versions", () => {
  let ctx: TestContext;
  let clinician: SignedInAgent;
  let nurse: SignedInAgent;
  let episodeId: number;
  let letterId: number;
  let pinderfields: number;
  before(async () => {
    ctx = await createTestApp({ now: NOW });
    clinician = await signIn(ctx.app, "clinician");
    nurse = await signIn(ctx.app, "nurse");
    episodeId = (await demoEpisode(ctx.db, "failed-twoc-flip-flow"))!.id;
    pinderfields = (await ctx.db("letter_recipients").where({ kind: "sci-centre", regional: true }).first()).id;
  });
  after(() => ctx.close());

  test("letters are clinicians' pages: a nurse gets 403 and nothing is stored", async () => {
    assert.equal((await nurse.agent.get(`/episodes/${episodeId}/letters`)).status, 403);
    assert.equal((await nurse.submit(`/episodes/${episodeId}/letters`, { kind: "sci-referral", recipientId: String(pinderfields) })).status, 403);
    assert.equal(await ctx.db("letters").where({ episode_id: episodeId }).first(), undefined);
  });

  test("the list offers each letter with why it is indicated; the eight SCI centres are the choices, Pinderfields first", async () => {
    const res = await clinician.agent.get(`/episodes/${episodeId}/letters`);
    assert.equal(res.status, 200);
    const text = pageText(res.text);
    assert.match(text, /Indicated \(R1\) because: Failed trial without catheter: follow-up with the regional SCI service or a locally agreed urology service \(U7\); Dependent on a catheter or intermittent self-catheterisation \(U7\)\./);
    assert.match(text, /SCI referral: Indicated not sent U7 Failed trial without catheter/, "the status line lists the reasons in words");
    assert.match(text, /TWOC failed: follow-up required \(U7\)/);
    const options = [...res.text.matchAll(/<select[^>]*id="recipient-sci-referral"[\s\S]*?<\/select>/g)][0][0].match(/<option/g)!;
    assert.equal(options.length, 8);
    assert.match(res.text, /<option value="\d+" selected>Yorkshire Regional Spinal Injuries Centre, Pinderfields Hospital \(regional\)/);
  });

  test("a bad request re-renders with 400 and stores nothing", async () => {
    const forms: Record<string, string>[] = [{ kind: "sci-referral", recipientId: "999" }, { kind: "poem" }, { kind: "sci-referral", recipientId: String(pinderfields), freeText: "x".repeat(5001) }];
    for (const form of forms) {
      const res = await clinician.submit(`/episodes/${episodeId}/letters`, form);
      assert.equal(res.status, 400);
      assert.match(pageText(res.text), /There is a problem/);
    }
    const urology = (await ctx.db("letter_recipients").where({ kind: "urology" }).first()).id;
    const wrongKind = await clinician.submit(`/episodes/${episodeId}/letters`, { kind: "sci-referral", recipientId: String(urology) });
    assert.equal(wrongKind.status, 400, "an SCI referral cannot go to a urology department");
    assert.equal(await ctx.db("letters").where({ episode_id: episodeId }).first(), undefined);
  });

  test("a draft is generated from the record with the clinician's paragraph, previewed as HTML and audited", async () => {
    const res = await clinician.submit(`/episodes/${episodeId}/letters`, { kind: "sci-referral", recipientId: String(pinderfields), freeText: "Wife reports low mood & poor sleep." });
    assert.equal(res.status, 303);
    letterId = Number(/\/letters\/(\d+)\/versions\/1$/.exec(res.headers.location)![1]);
    const page = await clinician.agent.get(res.headers.location);
    const text = pageText(page.text);
    assert.match(text, /Version 1: Draft generated Tue, 24 Nov 2026, 10:00 GMT by Dr Cara Clinician/);
    assert.match(text, /Yorkshire Regional Spinal Injuries Centre Pinderfields Hospital Aberford Road, Wakefield/);
    assert.match(text, /Hughes/);
    assert.match(text, /NHS number 900 000 0009/);
    assert.match(text, /Reasons for referral U7 Failed trial without catheter.*? U7 Dependent on a catheter or intermittent self-catheterisation/);
    assert.match(text, /Pre-void scan 620 ml No sensation to void/);
    assert.match(text, /Trial without catheter \(TWOC\): Failed \(U3, U-SAFE\)/);
    assert.match(text, /Additional information Wife reports low mood & poor sleep\./);
    assert.match(text, /Yours sincerely, Dr Cara Clinician Department of Spinal Surgery, Pinderfields Hospital/, "signed with the clinician's own name, not their username");
    const audit = await ctx.db("audit_events").where({ entity: "letter", entity_id: letterId, action: "create" });
    assert.equal(audit.length, 1);
  });

  test("the PDF carries the name, NHS number, scan figures with times, and the reasons with rule ids", async () => {
    const pdf = await getPdf(clinician, `/letters/${letterId}/versions/1/pdf`);
    assert.equal(pdf.status, 200);
    assert.match(pdf.type, /application\/pdf/);
    assert.equal(pdf.body.subarray(0, 5).toString(), "%PDF-");
    const text = flat(await pdfText(pdf.body));
    assert.match(text, /David Hughes, NHS number 900 000 0009, born 30 November 1965/);
    assert.match(text, /\w{3}, \d{1,2} \w{3} 2026, \d{2}:\d{2} GMT Pre-void scan 620 ml No sensation to void/);
    assert.match(text, /U7: Failed trial without catheter/);
    assert.match(text, /U7: Dependent on a catheter or intermittent self-catheterisation/);
    assert.match(text, /Wife reports low mood & poor sleep\./);
    assert.match(text, /version 1 \(draft, not sent\)/);
  });

  test("every letter states the rule-book version it was written under, in its preview and its PDF", async () => {
    const preview = pageText((await clinician.agent.get(`/letters/${letterId}/versions/1`)).text);
    assert.match(preview, /Rule ids in this letter refer to the West Yorkshire ICB policy: Routine referral for Spinal Surgery Assessment \(cauda equina syndrome pathway\), version 5 November 2024 \(review due January 2027\)/);
    const text = flat(await pdfText((await getPdf(clinician, `/letters/${letterId}/versions/1/pdf`)).body));
    assert.match(text, /version 5 November 2024 \(review due January 2027\)/);
  });

  test("the referral pack lists the facts field by field, and as a PDF", async () => {
    const res = await clinician.agent.get(`/letters/${letterId}/versions/1/pack`);
    assert.equal(res.status, 200);
    // Without the Copy buttons' words, the page reads as label and value.
    const text = pageText(res.text.replace(/<button[\s\S]*?<\/button>/g, ""));
    assert.match(text, /Family name Hughes Given name David NHS number 900 000 0009 Date of birth 30 November 1965/);
    assert.match(text, /Presentation CES-R \(painless urinary retention with overflow incontinence\) Level L5\/S1/);
    assert.match(text, /TWOC outcome Failed \(U3, U-SAFE\)/);
    assert.match(text, /Bladder scans .*Pre-void scan 620 ml \(No sensation to void\)/);
    assert.match(text, /Reasons for referral Failed trial without catheter: follow-up with the regional SCI service or a locally agreed urology service \(U7\); Dependent on a catheter/);
    const pdf = await getPdf(clinician, `/letters/${letterId}/versions/1/pack/pdf`);
    assert.match(flat(await pdfText(pdf.body)), /NHS number 900 000 0009/);
  });

  test("regenerating a draft takes the record as it is now", async () => {
    const issue = await clinician.submit(`/episodes/${episodeId}/follow-up/issues/bowel`, { ongoing: "yes", details: "Faecal urgency" });
    assert.equal(issue.status, 303);
    let text = pageText((await clinician.agent.get(`/letters/${letterId}/versions/1`)).text);
    assert.match(text, /The record has changed since this draft was generated/);
    const res = await clinician.submit(`/letters/${letterId}/versions/1`, { recipientId: String(pinderfields), freeText: "Second draft." });
    assert.equal(res.status, 303);
    text = pageText((await clinician.agent.get(`/letters/${letterId}/versions/1`)).text);
    assert.match(text, /B5 Bowel issues: follow-up with the SCI service/);
    assert.match(text, /Second draft\./);
    assert.doesNotMatch(text, /The record has changed/);
  });

  test("mark as sent freezes the version: changing it is refused on its page, sending it again with 409", async () => {
    const sent = await clinician.submit(`/letters/${letterId}/versions/1/send`, { method: "nscisb-web-form" });
    assert.equal(sent.status, 303);
    const frozen = await ctx.db("letter_versions").where({ letter_id: letterId, version: 1 }).first();
    assert.equal(frozen.status, "sent");

    const change = await clinician.submit(`/letters/${letterId}/versions/1`, { recipientId: String(pinderfields), freeText: "Sneaky edit" });
    assert.equal(change.status, 400);
    assert.match(pageText(change.text), /Version 1 was sent and cannot be changed: make a new version/);
    const again = await clinician.submit(`/letters/${letterId}/versions/1/send`, { method: "post" });
    assert.equal(again.status, 409);
    assert.match(pageText(again.text), /Version 1 was already sent/);
    const after_ = await ctx.db("letter_versions").where({ letter_id: letterId, version: 1 }).first();
    assert.deepEqual(after_, frozen, "nothing about the sent version changed");

    const follow = pageText((await clinician.agent.get(`/episodes/${episodeId}/follow-up`)).text);
    assert.match(follow, /Referral sent Tue, 24 Nov 2026, 10:00 GMT by Dr Cara Clinician \(clinician\)/);
  });

  test("later changes make a new version; every version stays viewable and the sent one keeps its content", async () => {
    ctx.clock.advance(3600_000);
    await clinician.submit(`/episodes/${episodeId}/follow-up/issues/sexual`, { ongoing: "yes", details: "Erectile dysfunction" });
    const res = await clinician.submit(`/letters/${letterId}/versions`, {});
    assert.equal(res.status, 303);
    assert.match(res.headers.location, /\/versions\/2$/);
    const v2 = pageText((await clinician.agent.get(`/letters/${letterId}/versions/2`)).text);
    assert.match(v2, /X3 Sexual dysfunction/);
    assert.match(v2, /Second draft\./, "the paragraph is carried over");
    assert.match(v2, /Version 2 .*? Draft Version 1 .*? Sent Tue, 24 Nov 2026, 10:00 GMT by Dr Cara Clinician/);
    const v1 = pageText((await clinician.agent.get(`/letters/${letterId}/versions/1`)).text);
    assert.doesNotMatch(v1, /X3 Sexual dysfunction/);
    assert.match(v1, /This version is frozen/);
    const v1pdf = flat(await pdfText((await getPdf(clinician, `/letters/${letterId}/versions/1/pdf`)).body));
    assert.doesNotMatch(v1pdf, /X3/);
    assert.match(v1pdf, /sent Tue, 24 Nov 2026, 10:00 GMT by Dr Cara Clinician/, "the PDF shows when it was sent in UK time, as the page does");
    const twice = await clinician.submit(`/letters/${letterId}/versions`, {});
    assert.equal(twice.status, 409, "a second draft while one is open is refused");
    assert.equal((await clinician.agent.get(`/letters/${letterId}/versions/9`)).status, 404);
    assert.equal((await clinician.agent.get(`/letters/abc/versions/1`)).status, 404);
  });
});

describe("GP, continence and failed-TWOC letters", () => {
  let ctx: TestContext;
  let clinician: SignedInAgent;
  before(async () => {
    ctx = await createTestApp({ now: NOW });
    clinician = await signIn(ctx.app, "clinician");
  });
  after(() => ctx.close());

  test("the GP letter goes to the patient's GP with the pain guidance P1-P8 and the P4 review request", async () => {
    const id = (await demoEpisode(ctx.db, "outpatient-review-due"))!.id;
    const res = await clinician.submit(`/episodes/${id}/letters`, { kind: "gp" });
    assert.equal(res.status, 303);
    const text = flat(await pdfText((await getPdf(clinician, `${res.headers.location}/pdf`)).body));
    assert.match(text, /Castle Health Centre 5 Castle Street, Pontefract WF8 1AB/);
    for (const r of ["P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8"]) assert.match(text, new RegExp(`${r}: `), r);
    assert.match(text, /P4: please review Priya Patel's pain medicines 1 to 2 weeks after discharge, between 2 September 2026 and 9 September 2026/);
    assert.match(text, /Bowel regime \(laxatives on.*? Senna 7.5 mg, 2 tablets at night; Docusate sodium 100 mg/);
    assert.match(text, /Co-codamol 30\/500 2 tablets four times a day 22 August 2026 Contains codeine, an opioid: the pathway advises against opioids in the chronic phase \(P5\)\./);
    assert.doesNotMatch(text, /recognised as/, "no matching notes from the medication review");
    assert.match(text, /Bowel care done Advised about bowel problems and given the information booklet \(B1\); taught digital rectal stimulation and evacuation \(B3\)/);
  });

  test("the continence referral (U5, U8) and the failed-TWOC follow-up (U7) carry the bladder story", async () => {
    const id = (await demoEpisode(ctx.db, "failed-twoc-flip-flow"))!.id;
    const continence = (await ctx.db("letter_recipients").where({ kind: "continence" }).first()).id;
    const urology = (await ctx.db("letter_recipients").where({ kind: "urology" }).first()).id;
    const c = await clinician.submit(`/episodes/${id}/letters`, { kind: "continence", recipientId: String(continence) });
    assert.equal(c.status, 303);
    const ct = flat(await pdfText((await getPdf(clinician, `${c.headers.location}/pdf`)).body));
    assert.match(ct, /teach intermittent self-catheterisation \(ISC\) as quickly as possible \(U5, U8\)/);
    assert.match(ct, /Pre-void scan 620 ml/);
    const f = await clinician.submit(`/episodes/${id}/letters`, { kind: "failed-twoc", recipientId: String(urology) });
    assert.equal(f.status, 303);
    const ft = flat(await pdfText((await getPdf(clinician, `${f.headers.location}/pdf`)).body));
    assert.match(ft, /The trial without catheter failed; under U7/);
    assert.match(ft, /Re-catheterised Long-term catheter with flip-flow valve/);
    assert.match(ft, /Flip-flow valve Open the valve every \d/);
    assert.equal((await clinician.agent.get(`${f.headers.location}/pack`)).status, 404, "only the SCI referral has a pack");
  });

  test("the demo outpatient-review-due patient has a draft SCI referral", async () => {
    const id = (await demoEpisode(ctx.db, "outpatient-review-due"))!.id;
    const letter = await ctx.db("letters").where({ episode_id: id, kind: "sci-referral" }).first();
    assert.ok(letter);
    const text = pageText((await clinician.agent.get(`/letters/${letter.id}/versions/1`)).text);
    assert.match(text, /Draft/);
    assert.match(text, /B5 Bowel issues/);
  });
});

describe("escaping in letters", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestApp({ now: NOW });
  });
  after(() => ctx.close());

  test("a hostile name and paragraph appear literally in the preview, the pack and the PDF", async () => {
    const { episode } = await hostilePatient(ctx.db, "2026-11-20T09:00:00Z", NOW);
    const clinician = await signIn(ctx.app, "clinician");
    const pinderfields = (await ctx.db("letter_recipients").where({ regional: true }).first()).id;
    const res = await clinician.submit(`/episodes/${episode.id}/letters`, { kind: "sci-referral", recipientId: String(pinderfields), freeText: "<img src=x onerror=alert(2)> & more" });
    assert.equal(res.status, 303);
    for (const url of [res.headers.location, `${res.headers.location}/pack`, `/episodes/${episode.id}/letters`]) {
      const page = await clinician.agent.get(url);
      assert.equal(page.status, 200, url);
      assert.doesNotMatch(page.text, /<script>alert|<img src=x|<b>Moor/, url);
      assert.match(page.text, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/, url);
    }
    const preview = (await clinician.agent.get(res.headers.location)).text;
    assert.match(preview, /&lt;img src&#x3D;x onerror&#x3D;alert\(2\)&gt; &amp; more/);
    const text = flat(await pdfText((await getPdf(clinician, `${res.headers.location}/pdf`)).body));
    assert.ok(text.includes(`${HOSTILE_GIVEN} ${HOSTILE_FAMILY}, NHS number 450 557 7104`), text.slice(0, 800));
    assert.ok(text.includes("<img src=x onerror=alert(2)> & more"));
    assert.ok(text.includes("<b>Moor</b> Surgery"));
  });
});

describe("recipients are reference data an admin edits", () => {
  let ctx: TestContext;
  let admin: SignedInAgent;
  before(async () => {
    ctx = await createTestApp({ now: NOW });
    admin = await signIn(ctx.app, "admin");
  });
  after(() => ctx.close());

  test("the eight SCI centres are listed; only admins may open the page", async () => {
    const res = await admin.agent.get("/admin/recipients");
    assert.equal(res.status, 200);
    const text = pageText(res.text);
    for (const name of ["Princess Royal Spinal Injuries Centre", "Golden Jubilee Spinal Cord Injury Centre", "North West Regional Spinal Injuries Centre", "National Spinal Injuries Centre", "Duke of Cornwall Spinal Treatment Centre", "London Spinal Cord Injury Centre", "Yorkshire Regional Spinal Injuries Centre", "Midland Centre for Spinal Injuries"]) {
      assert.ok(text.includes(name), name);
    }
    assert.match(text, /Yorkshire Regional Spinal Injuries Centre Pinderfields Hospital Spinal cord injury centre Regional/);
    const clinician = await signIn(ctx.app, "clinician");
    assert.equal((await clinician.agent.get("/admin/recipients")).status, 403);
  });

  test("an admin changes a centre's address (audited); bad input re-renders with 400 and changes nothing", async () => {
    const row = await ctx.db("letter_recipients").where({ name: "Midland Centre for Spinal Injuries" }).first();
    const form = { kind: "sci-centre", name: row.name, department: row.department, address: "Gobowen, Oswestry SY10 7AG", email: "", phone: "", active: "yes" };
    const bad = await admin.submit(`/admin/recipients/${row.id}`, { ...form, name: "", email: "not-an-email" });
    assert.equal(bad.status, 400);
    assert.match(pageText(bad.text), /Enter name .*Enter email address in the right format/);
    assert.equal((await ctx.db("letter_recipients").where({ id: row.id }).first()).address, row.address);

    const ok = await admin.submit(`/admin/recipients/${row.id}`, form);
    assert.equal(ok.status, 303);
    assert.equal((await ctx.db("letter_recipients").where({ id: row.id }).first()).address, "Gobowen, Oswestry SY10 7AG");
    const audit = await ctx.db("audit_events").where({ entity: "letter-recipient", entity_id: row.id });
    assert.equal(audit.length, 1);
    assert.equal(JSON.parse(audit[0].before).address, "Oswestry");
  });

  test("a new local service can be added, and one no longer used is hidden from letters but kept", async () => {
    const ok = await admin.submit("/admin/recipients", { kind: "urology", name: "Leeds Urology", department: "St James's", address: "Leeds", active: "yes" });
    assert.equal(ok.status, 303);
    const row = await ctx.db("letter_recipients").where({ name: "Leeds Urology" }).first();
    const off = await admin.submit(`/admin/recipients/${row.id}`, { kind: "urology", name: "Leeds Urology", active: "no" });
    assert.equal(off.status, 303);
    const clinician = await signIn(ctx.app, "clinician");
    const id = (await demoEpisode(ctx.db, "failed-twoc-flip-flow"))!.id;
    const list = await clinician.agent.get(`/episodes/${id}/letters`);
    assert.doesNotMatch(list.text, /Leeds Urology/);
    const regionalOnNonCentre = await admin.submit("/admin/recipients", { kind: "urology", name: "X", regional: "yes", active: "yes" });
    assert.equal(regionalOnNonCentre.status, 400);
  });
});
