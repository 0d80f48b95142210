import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createTestApp, pageText, signIn, type SignedInAgent, type TestContext } from "../helpers/app.ts";
import { demoEpisode } from "../followup/helpers.ts";
import { flat, getPdf, pdfText } from "./helpers.ts";
import { auditSentence, changesInWords } from "../../src/audit/words.ts";

const NOW = "2026-11-24T10:00:00Z";
const MISSING = "Not recorded: the centre may reject an incomplete referral";

describe("the referral pack laid out as the online form's sections, which an admin keeps", () => {
  let ctx: TestContext;
  let admin: SignedInAgent;
  let clinician: SignedInAgent;
  let nurse: SignedInAgent;
  let packUrl: string;

  const sections = () => ctx.db("referral_form_sections").orderBy("position");
  const sectionId = async (name: string) => (await ctx.db("referral_form_sections").where({ name }).first()).id as number;
  const audits = () => ctx.db("audit_events").where({ entity: "referral-form" }).orderBy("id");
  /** The pack page as text, without the Copy buttons' words. */
  const packText = async () => pageText((await clinician.agent.get(packUrl)).text.replace(/<button[\s\S]*?<\/button>/g, ""));
  const packPdf = async () => flat(await pdfText((await getPdf(clinician, `${packUrl}/pdf`)).body));
  /** Section names in the order the pack page shows them. */
  const pageOrder = async () => [...(await clinician.agent.get(packUrl)).text.matchAll(/<span class="nhsuk-caption-m">Form section (\d+)<\/span> ([^<]+)<\/h2>/g)].map((m) => m[2]);
  /** The text of one section on the pack page, up to the next section. */
  const sectionText = async (name: string) => {
    const text = await packText();
    const start = text.indexOf(` ${name} `);
    assert.ok(start >= 0, `${name} is on the pack page`);
    const next = text.slice(start + name.length + 2).search(/Form section \d+ |Not in a form section |About this service/);
    return text.slice(start, start + name.length + 2 + next).trim();
  };

  before(async () => {
    ctx = await createTestApp({ now: NOW });
    admin = await signIn(ctx.app, "admin");
    clinician = await signIn(ctx.app, "clinician");
    nurse = await signIn(ctx.app, "nurse");
    const episode = (await demoEpisode(ctx.db, "failed-twoc-flip-flow"))!;
    const centre = (await ctx.db("letter_recipients").where({ kind: "sci-centre", regional: true }).first()).id;
    const res = await clinician.submit(`/episodes/${episode.id}/letters`, { kind: "sci-referral", recipientId: String(centre) });
    assert.equal(res.status, 303);
    packUrl = `${res.headers.location}/pack`;
  });
  after(() => ctx.close());

  test("only admins keep the layout: a clinician or nurse gets 403, and nothing changes", async () => {
    const id = await sectionId("Bladder");
    for (const user of [clinician, nurse]) {
      assert.equal((await user.agent.get("/admin/referral-form")).status, 403);
      assert.equal((await user.agent.get(`/admin/referral-form/sections/${id}`)).status, 403);
      assert.equal((await user.submit(`/admin/referral-form/sections/${id}/move`, { direction: "up" })).status, 403);
      assert.equal((await user.submit("/admin/referral-form/sections", { name: "Nurse section" })).status, 403);
    }
    assert.equal((await audits()).length, 0);
    const page = await admin.agent.get("/admin/referral-form");
    assert.equal(page.status, 200);
    assert.match(page.text, /href="\/admin\/referral-form">Referral form sections<\/a>/, "in the admin menu");
  });

  test("the default layout follows a typical referral's order, and both pages say it must be checked against the live form", async () => {
    assert.deepEqual(
      (await sections()).map((s) => s.name),
      ["Patient details", "Referrer and referring hospital", "GP details", "Diagnosis, injury details and level", "Surgery and imaging", "Bladder", "Bowel", "Skin, pain and medication", "Sexual function", "Psychological and social", "Reasons for referral"],
    );
    const adminText = pageText((await admin.agent.get("/admin/referral-form")).text);
    assert.match(adminText, /This service cannot read the live form\. .*must check it against the live form.*an administrator changes it here/);
    assert.match(await packText(), /this service's copy of the online form, not read from the live form\. The service must check them against the live form; an administrator can change them/);
    assert.match(await packPdf(), /The service must check them against the live form; an administrator can change them/);
  });

  test("the pack shows the form's sections in the admin's order, each beside its fields, with a Copy button for each value", async () => {
    assert.deepEqual(await pageOrder(), (await sections()).map((s) => s.name));
    const html = (await clinician.agent.get(packUrl)).text;
    assert.match(html, /<div class="nhsuk-grid-column-one-third">\s*<h2[^>]*><span class="nhsuk-caption-m">Form section 1<\/span> Patient details<\/h2>\s*<\/div>\s*<div class="nhsuk-grid-column-two-thirds">/, "name and fields side by side on a wide screen");
    assert.match(html, /<span class="app-copy-value" id="pack-nhs-number">900 000 0009<\/span><\/dd>\s*<dd class="nhsuk-summary-list__actions"><button type="button" [^>]*data-copy="pack-nhs-number" hidden>Copy<span class="nhsuk-u-visually-hidden"> NHS number<\/span><\/button>/);
    assert.match(html, /<script type="module" src="\/assets\/js\/copy\.js"><\/script>/, "the script is a file, as the CSP requires");
    assert.doesNotMatch(html, /<script>|onclick=/, "no inline script");
    assert.match(await sectionText("Patient details"), /Family name Hughes Given name David NHS number 900 000 0009/);

    const id = await sectionId("GP details");
    const moved = await admin.submit(`/admin/referral-form/sections/${id}/move`, { direction: "up" });
    assert.equal(moved.status, 303);
    const order = await pageOrder();
    assert.deepEqual(order.slice(0, 3), ["Patient details", "GP details", "Referrer and referring hospital"]);
    const pdf = await packPdf();
    assert.ok(pdf.indexOf("GP details GP practice Park View") < pdf.indexOf("Referrer and referring hospital Referrer"), "the PDF follows the same order");
    const [audit] = (await audits()).slice(-1);
    assert.equal(audit.action, "move-section-up");
    assert.equal(JSON.parse(audit.before).sections[1].name, "Referrer and referring hospital");
    assert.equal(JSON.parse(audit.after).sections[1].name, "GP details");
    assert.match(audit.actor_name, /Ada Admin/);

    const top = await sectionId("Patient details");
    const auditsBefore = (await audits()).length;
    assert.equal((await admin.submit(`/admin/referral-form/sections/${top}/move`, { direction: "up" })).status, 303, "the first section stays first");
    assert.equal((await audits()).length, auditsBefore, "nothing changed, nothing audited");
    assert.equal((await admin.submit(`/admin/referral-form/sections/${id}/move`, { direction: "down" })).status, 303);
    assert.deepEqual((await pageOrder()).slice(1, 3), ["Referrer and referring hospital", "GP details"]);
  });

  test("moving a field to another section moves it on the pack page and in the PDF (audited)", async () => {
    const rows = await sections();
    const form: Record<string, string> = {};
    for (const s of rows) for (const key of JSON.parse(s.fields)) form[`field-${key}`] = String(s.id);
    form["field-level"] = String(await sectionId("Patient details"));
    const res = await admin.submit("/admin/referral-form/fields", form);
    assert.equal(res.status, 303);
    assert.match(await sectionText("Patient details"), /Sex Male Level L5\/S1$/, "at the end of its new section");
    assert.doesNotMatch(await sectionText("Diagnosis, injury details and level"), /Level L5/);
    assert.match(await packPdf(), /Patient details Family name Hughes .*Sex Male Level L5\/S1 Referrer and referring hospital/);
    const [audit] = (await audits()).slice(-1);
    assert.equal(audit.action, "place-fields");
    assert.deepEqual(JSON.parse(audit.before).sections[0].packFields, ["family-name", "given-name", "nhs-number", "date-of-birth", "sex"]);
    assert.deepEqual(JSON.parse(audit.after).sections[0].packFields, ["family-name", "given-name", "nhs-number", "date-of-birth", "sex", "level"]);
    const [before, after] = [JSON.parse(audit.before), JSON.parse(audit.after)];
    assert.equal(auditSentence({ actorName: "Ada", entity: audit.entity, entityId: null, action: audit.action, before, after }).sentence, "Ada moved referral pack fields between the form's sections");
    assert.match(changesInWords(before, after)[0].after, /^Name: Patient details; Pack fields: Family name, Given name, NHS number, Date of birth, Sex, Level, /);
    assert.match(pageText((await admin.agent.get("/admin/referral-form")).text), /1\. Patient details Family name; Given name; NHS number; Date of birth; Sex; Level/);
  });

  test("a field in no section is listed at the end under \"Not in a form section\", on the page and in the PDF", async () => {
    const rows = await sections();
    const form: Record<string, string> = {};
    for (const s of rows) for (const key of JSON.parse(s.fields)) form[`field-${key}`] = String(s.id);
    form["field-gp-email"] = "none";
    assert.equal((await admin.submit("/admin/referral-form/fields", form)).status, 303);
    const text = await packText();
    assert.match(text, /Not in a form section Pack fields the form's sections do not take\. .* GP email parkview\.mc@example\.nhs\.uk About this service/);
    assert.match(await packPdf(), /Not in a form section GP email parkview\.mc@example\.nhs\.uk/);
  });

  test("an empty field is flagged: the centre may reject an incomplete referral", async () => {
    const html = (await clinician.agent.get(packUrl)).text;
    assert.match(html, /<strong class="app-pack-missing" id="pack-bowel-issues"><span class="nhsuk-u-visually-hidden">Warning: <\/span>Not recorded: the centre may reject an incomplete referral<\/strong>/);
    assert.doesNotMatch(html, /data-copy="pack-bowel-issues"/, "nothing to copy");
    assert.match(await sectionText("Bowel"), new RegExp(`Bowel issues Warning: ${MISSING}`));
    assert.match(await packPdf(), new RegExp(`Bowel issues ${MISSING}`));
  });

  test("the draft's send form names the pack's empty fields before it is marked as sent", async () => {
    const letterUrl = packUrl.replace(/\/pack$/, "");
    const text = pageText((await clinician.agent.get(letterUrl)).text);
    assert.match(text, /The referral pack is incomplete Nothing is recorded for: [^.]*Bowel issues[^.]*\. The centre may reject an incomplete referral/);
    assert.ok(text.indexOf("The referral pack is incomplete") < text.indexOf("How was it sent?"), "before the send form");
  });

  test("renaming a section shows on the pack; adding and removing sections (removed fields are not lost)", async () => {
    const id = await sectionId("Psychological and social");
    assert.match((await admin.agent.get(`/admin/referral-form/sections/${id}`)).text, /value="Psychological and social"/);
    assert.equal((await admin.submit(`/admin/referral-form/sections/${id}`, { name: "Psychological and social needs" })).status, 303);
    assert.ok((await pageOrder()).includes("Psychological and social needs"));
    assert.equal((await audits()).slice(-1)[0].action, "rename-section");

    assert.equal((await admin.submit("/admin/referral-form/sections", { name: "  Consent   " })).status, 303);
    assert.equal((await pageOrder()).slice(-1)[0], "Consent", "added at the end, trimmed");
    assert.equal((await admin.submit(`/admin/referral-form/sections/${await sectionId("Consent")}/remove`, {})).status, 303);
    assert.ok(!(await pageOrder()).includes("Consent"));
    assert.equal((await admin.submit(`/admin/referral-form/sections/${await sectionId("Sexual function")}/remove`, {})).status, 303);
    assert.match(await packText(), /Not in a form section .*Sexual dysfunction/, "its field is listed at the end");
    assert.deepEqual((await audits()).slice(-3).map((a) => a.action), ["add-section", "remove-section", "remove-section"]);
  });

  test("bad input comes back with 400 and an error summary, and stores nothing", async () => {
    const before = JSON.stringify(await sections());
    const auditsBefore = (await audits()).length;
    const bladder = await sectionId("Bladder");
    const cases: [string, Record<string, string>, RegExp][] = [
      ["/admin/referral-form/sections", { name: "   " }, /Enter section name/],
      ["/admin/referral-form/sections", { name: "bladder" }, /There is already a section called "Bladder"/],
      ["/admin/referral-form/sections", { name: "x".repeat(121) }, /Section name must be 120 characters or fewer/],
      [`/admin/referral-form/sections/${bladder}`, { name: "Bowel" }, /There is already a section called "Bowel"/],
      [`/admin/referral-form/sections/${bladder}/move`, { direction: "sideways" }, /Direction must be one of: up, down/],
      ["/admin/referral-form/fields", { "field-level": "999999" }, /Choose the form section for "Level", or "Not in a form section"/],
    ];
    for (const [url, form, message] of cases) {
      const res = await admin.submit(url, form);
      assert.equal(res.status, 400, url);
      const text = pageText(res.text);
      assert.match(text, /There is a problem/, url);
      assert.match(text, message, url);
    }
    assert.equal((await admin.submit("/admin/referral-form/sections/999999/move", { direction: "up" })).status, 404);
    assert.equal(JSON.stringify(await sections()), before);
    assert.equal((await audits()).length, auditsBefore);
  });

  test("a post without the form's CSRF token is refused", async () => {
    const res = await admin.agent.post("/admin/referral-form/sections").type("form").send({ name: "No token" });
    assert.equal(res.status, 403);
    assert.equal(await ctx.db("referral_form_sections").where({ name: "No token" }).first(), undefined);
  });
});
