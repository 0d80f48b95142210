import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import supertest from "supertest";
import { SYSTEM_ACTOR, writeAudit } from "../../src/audit/audit.ts";
import { auditSentence, changesInWords, layoutChanges } from "../../src/audit/words.ts";
import { createTestApp, pageText, signIn, type SignedInAgent, type TestContext } from "../helpers/app.ts";

const ADMIN = "Ada Admin (admin)";

describe("the admin audit trail: changes that belong to no patient, in words", () => {
  let ctx: TestContext;
  let admin: SignedInAgent;
  const page = async (query = "") => admin.agent.get(`/admin/audit${query}`);
  /** The rows of the audit table as text, newest first. */
  const rows = (html: string) => [...html.matchAll(/<tr class="nhsuk-table__row">\s*<td[\s\S]*?<\/tr>/g)].map((m) => pageText(m[0]).replace(/ :/g, ":"));

  before(async () => {
    ctx = await createTestApp({ now: "2026-07-01T09:30:00Z" });
    admin = await signIn(ctx.app, "admin");
  });
  after(() => ctx.close());

  test("a referral form section rename reads as a sentence with the name before → after, in UK time, and only what changed", async () => {
    const id = (await ctx.db("referral_form_sections").where({ name: "Psychological and social" }).first()).id;
    assert.equal((await admin.submit(`/admin/referral-form/sections/${id}`, { name: "Psychological and social needs" })).status, 303);
    const res = await page();
    assert.equal(res.status, 200);
    assert.match(res.text, /<a class="nhsuk-header__navigation-link" href="\/admin\/audit">Audit trail<\/a>/, "in the admin menu");
    const [newest] = rows(res.text);
    assert.equal(
      newest,
      `Wed, 1 Jul 2026, 10:30 BST ${ADMIN} renamed a section of the referral form (referral form sections) Section name: Psychological and social → Psychological and social needs`,
    );
    assert.match(res.text, /<del>Psychological and social<\/del> → Psychological and social needs/);
    assert.match(res.text, /<th class="nhsuk-table__header" scope="col">When \(UK time\)<\/th>/);
    assert.match((await admin.agent.get("/admin/referral-form")).text, /Every change is in the <a href="\/admin\/audit\?kind=referral-form">audit trail<\/a>/, "the layout page links to its changes");
  });

  test("a clinic added and corrected: its name in the sentence, each changed field before → after", async () => {
    ctx.clock.set("2026-11-24T10:00:00Z");
    assert.equal((await admin.submit("/admin/clinics", { name: "Spinal follow-up clinic", address: "Clinic 4, Leeds General Infirmary", phone: "0113 000 0100" })).status, 303);
    const clinic = await ctx.db("clinics").where({ name: "Spinal follow-up clinic" }).first();
    ctx.clock.set("2026-11-24T11:15:00Z");
    assert.equal((await admin.submit(`/admin/clinics/${clinic.id}/edit`, { name: "Spinal follow-up clinic", address: "Clinic 4, Leeds General Infirmary", phone: "0113 000 0199" })).status, 303);
    const [corrected, added] = rows((await page()).text);
    assert.equal(corrected, `Tue, 24 Nov 2026, 11:15 GMT ${ADMIN} corrected the details of the clinic Spinal follow-up clinic (clinics) Phone: 0113 000 0100 → 0113 000 0199`);
    assert.equal(added, `Tue, 24 Nov 2026, 10:00 GMT ${ADMIN} added the clinic Spinal follow-up clinic (clinics) Name: Spinal follow-up clinic Address: Clinic 4, Leeds General Infirmary Phone: 0113 000 0100`);
  });

  test("a patient's changes are not listed (they are in the patient's own trail); seeded reference data is, in words", async () => {
    const text = pageText((await page()).text);
    assert.doesNotMatch(text, /registered the patient|CES surgery episode/);
    assert.match(text, /added the hospital feed's ward code \S+ \(hospital feed ward codes\)/);
    assert.match(text, /set the service details printed at the head of every letter \(service details \(letterhead\)\)/);
    assert.match(text, /Ada Admin \(admin\) signed in \(users and sign-ins\)/);
  });

  test("nurses and clinicians get 403; signed out, the page sends you to sign in", async () => {
    for (const role of ["nurse", "clinician"] as const) {
      const user = await signIn(ctx.app, role);
      assert.equal((await user.agent.get("/admin/audit")).status, 403);
      assert.equal((await user.agent.get("/admin/audit?kind=clinic")).status, 403);
    }
    const signedOut = await supertest(ctx.app).get("/admin/audit").redirects(0);
    assert.ok([302, 303].includes(signedOut.status), `answered ${signedOut.status}`);
    assert.match(signedOut.headers.location, /^\/sign-in/);
  });

  test("the kind of record filter lists only that kind, and says so", async () => {
    const res = await page("?kind=clinic");
    assert.equal(res.status, 200);
    const listed = rows(res.text);
    assert.equal(listed.length, 2);
    assert.ok(listed.every((r) => r.includes("(clinics)")));
    assert.match(res.text, /<option value="clinic" selected>Clinics<\/option>/);
    assert.match(pageText(res.text), /Changes to clinics, newest first: 2 on this page\./);
    assert.match(res.text, /<label class="nhsuk-label" for="kind">Kind of record<\/label>/);
  });

  test("the date filter takes UK dates, both included: a change at 00:30 BST on 1 July is on 1 July, not 30 June", async () => {
    await ctx.db.transaction((trx) =>
      writeAudit(trx, { at: "2026-06-30T23:30:00.000Z", actor: SYSTEM_ACTOR, patientId: null, entity: "ward", entityId: null, action: "add", before: null, after: { name: "Midnight ward" } }),
    );
    const july = rows((await page("?from-day=1&from-month=7&from-year=2026&to-day=1&to-month=7&to-year=2026")).text);
    assert.ok(july.some((r) => r.includes("added the ward Midnight ward")));
    assert.ok(july.some((r) => r.includes("renamed a section of the referral form")));
    assert.ok(july.every((r) => r.startsWith("Wed, 1 Jul 2026")), july.join("\n"));
    const june = rows((await page("?to-day=30&to-month=6&to-year=2026")).text);
    assert.ok(!june.some((r) => r.includes("Midnight ward")));
    const november = rows((await page("?kind=clinic&from-day=24&from-month=11&from-year=2026")).text);
    assert.equal(november.length, 2);
    assert.equal(rows((await page("?kind=clinic&from-day=25&from-month=11&from-year=2026")).text).length, 0);
    assert.match(pageText((await page("?kind=clinic&from-day=25&from-month=11&from-year=2026")).text), /No changes to clinics from 25 November 2026\./);
  });

  test("100 a page, newest first, with a link to the older ones that keeps the filter", async () => {
    await ctx.db.transaction(async (trx) => {
      for (let i = 1; i <= 130; i++) {
        await writeAudit(trx, { at: "2026-11-25T09:00:00.000Z", actor: SYSTEM_ACTOR, patientId: null, entity: "api-token", entityId: null, action: "create", before: null, after: { name: `token ${i}`, role: "nurse" } });
      }
    });
    const first = await page("?kind=api-token");
    const firstRows = rows(first.text);
    assert.equal(firstRows.length, 100);
    assert.match(firstRows[0], /issued the API token token 130 \(API tokens\) Name: token 130 Role: Nurse$/);
    const older = /<a [^>]*href="([^"]+)" id="older-link"/.exec(first.text);
    assert.ok(older, "a link to older changes");
    const href = older[1].replace(/&amp;/g, "&").replace(/&#x3D;/g, "=");
    assert.match(href, /^\/admin\/audit\?kind=api-token&older=\d+$/);
    const second = await admin.agent.get(href);
    assert.equal(second.status, 200);
    const secondRows = rows(second.text);
    assert.equal(secondRows.length, 30);
    assert.match(secondRows[0], /token 30 /);
    assert.match(secondRows[29], /token 1 /);
    assert.doesNotMatch(second.text, /id="older-link"/, "the last page has no older link");
    assert.match(second.text, /href="\/admin\/audit\?kind&#x3D;api-token" id="newest-link"/);
    assert.doesNotMatch(first.text, /id="newest-link"/);
  });

  test("a filter that is not one answers 400 with an error summary; nothing breaks on control characters", async () => {
    const cases: [string, RegExp][] = [
      ["?kind=patient", /Choose a kind of record from the list/],
      ["?kind=clinic&kind=ward", /Choose a kind of record from the list/],
      ["?kind=a%00b", /Choose a kind of record from the list/],
      ["?from-day=31&from-month=2&from-year=2026", /From date must be a real date, for example 31 1 1970/],
      ["?from-day=1&from-month=1", /From date must be a real date/],
      ["?to-day=x%00&to-month=1&to-year=2026", /To date must be a real date/],
      ["?from-day=31&from-month=12&from-year=1999", /From date must be in the years 2000 to 2099/],
      ["?to-day=1&to-month=1&to-year=2100", /To date must be in the years 2000 to 2099/],
      ["?from-day=2&from-month=7&from-year=2026&to-day=1&to-month=7&to-year=2026", /To date must be the same as or after the from date/],
      ["?older=abc", /The link to older changes is not right/],
      ["?older=0", /The link to older changes is not right/],
      ["?older=99999999999", /The link to older changes is not right/],
      ["?older=1%00", /The link to older changes is not right|^/],
    ];
    for (const [query, message] of cases) {
      const res = await page(query);
      if (query === "?older=1%00") {
        // The parser takes the NUL out: "1" is a real page start.
        assert.equal(res.status, 200);
        continue;
      }
      assert.equal(res.status, 400, query);
      assert.match(res.text, /<h2 class="nhsuk-error-summary__heading">There is a problem<\/h2>/, query);
      assert.match(pageText(res.text), message, query);
      assert.doesNotMatch(res.text, /id="audit-events"/, `${query}: no table`);
    }
    const bad = await page("?kind=clinic&from-day=31&from-month=2&from-year=2026");
    assert.match(bad.text, /<option value="clinic" selected>Clinics<\/option>/, "the form keeps what was asked");
    assert.match(bad.text, /id="from-day" name="from-day" type="text" inputmode="numeric" value="31"/);
  });
});

describe("admin audit entries in words: the tables", () => {
  const WHO = "Ada Admin (admin)";
  const sentences: [string, string, Record<string, unknown>, string | undefined, string, string][] = [
    ["ward", "retire", { retiredAt: "2026-11-24T10:00:00.000Z" }, "Ward 7 (Orthopaedics)", `${WHO} retired the ward Ward 7 (Orthopaedics): no longer offered for new episodes`, "wards"],
    ["ward", "rename", { name: "Ward 9" }, "Ward 9", `${WHO} renamed a ward to Ward 9`, "wards"],
    ["user", "create", { username: "sam", displayName: "Sam Nurse", role: "nurse" }, "Sam Nurse", `${WHO} created the account sam`, "users and sign-ins"],
    ["user", "disable", {}, "Sam Nurse", `${WHO} disabled the account Sam Nurse`, "users and sign-ins"],
    ["user", "reset-password", {}, "Sam Nurse", `${WHO} reset the password of Sam Nurse; its sessions were signed out`, "users and sign-ins"],
    ["user", "sign-in-refused", { reason: "no mapped role" }, undefined, `${WHO} refused a sign-in through the identity provider (no mapped role)`, "users and sign-ins"],
    ["api-token", "revoke", {}, "PAS feed", `${WHO} revoked the API token PAS feed`, "API tokens"],
    ["sign-in-role-map", "add", { claimValue: "R8000", role: "clinician" }, undefined, `${WHO} mapped the claim value R8000 to the clinician role`, "sign-in roles"],
    ["sign-in-role-map", "retire", { claimValue: "R8000", role: "clinician" }, undefined, `${WHO} stopped the claim value R8000 giving a role`, "sign-in roles"],
    ["letter-recipient", "correct", { name: "Pinderfields SCI centre" }, undefined, `${WHO} corrected the letter recipient Pinderfields SCI centre`, "letter recipients"],
    ["ward-display", "revoke", { revokedAt: "2026-11-24T10:00:00.000Z" }, "Bay 2 wall screen", `${WHO} revoked the wall screen link Bay 2 wall screen`, "wall screens"],
    ["feed-ward-code", "remap", { code: "W3", wardId: 2 }, undefined, `${WHO} changed which ward the hospital feed's code W3 means`, "hospital feed ward codes"],
    ["service-details", "correct", {}, undefined, `${WHO} corrected the service details printed at the head of every letter`, "service details (letterhead)"],
    ["referral-form", "move-section-up", {}, undefined, `${WHO} moved a section of the referral form up`, "referral form sections"],
  ];
  for (const [entity, action, values, recordName, sentence, place] of sentences) {
    test(`${entity} ${action}: "${sentence}" (${place})`, () => {
      assert.deepEqual(auditSentence({ actorName: WHO, entity, entityId: 3, action, before: {}, after: values, recordName }), { sentence, place });
    });
  }

  test("a recipient's kind is the recipient's, not a letter's (continence is a service, not the continence referral)", () => {
    assert.deepEqual(changesInWords({ kind: "urology", regional: false }, { kind: "continence", regional: true }, "letter-recipient"), [
      { field: "Kind of recipient", before: "Urology service", after: "Continence service" },
      { field: "Regional centre", before: "No", after: "Yes" },
    ]);
  });

  const layout = (...sections: [string, string[]][]) => ({ sections: sections.map(([name, packFields]) => ({ name, packFields })) });
  const A: [string, string[]] = ["Patient details", ["family-name", "given-name"]];
  const B: [string, string[]] = ["Diagnosis", ["level"]];
  const C: [string, string[]] = ["Bladder", []];
  const cases: [string, Record<string, unknown>, Record<string, unknown>, { field: string; before: string; after: string }[]][] = [
    ["a rename", layout(A, B, C), layout(A, ["Diagnosis and level", ["level"]], C), [{ field: "Section name", before: "Diagnosis", after: "Diagnosis and level" }]],
    ["a move up", layout(A, B, C), layout(A, C, B), [
      { field: 'Place of "Bladder"', before: "section 3", after: "section 2" },
      { field: 'Place of "Diagnosis"', before: "section 2", after: "section 3" },
    ]],
    ["a section added at the end", layout(A, B), layout(A, B, ["Consent", []]), [{ field: "New section", before: "", after: "Consent" }]],
    ["a section removed (its fields named)", layout(A, B, C), layout(A, C), [{ field: "Section", before: "Diagnosis (Level)", after: "" }]],
    ["a field moved between sections", layout(A, B), layout(["Patient details", ["family-name", "given-name", "level"]], ["Diagnosis", []]), [
      { field: 'Pack fields in "Patient details"', before: "", after: "Level added" },
      { field: 'Pack fields in "Diagnosis"', before: "", after: "Level taken out" },
    ]],
    ["nothing changed", layout(A, B), layout(A, B), []],
  ];
  for (const [name, before, after, changes] of cases) {
    test(`referral form layout, ${name}: only what changed`, () => assert.deepEqual(changesInWords(before, after, "referral-form"), changes));
  }

  test("values that are not a layout are shown as any other field", () => {
    assert.equal(layoutChanges("text", []), null);
    assert.deepEqual(changesInWords({ sections: "two" }, { sections: "three" }, "referral-form"), [{ field: "Form sections, in order", before: "two", after: "three" }]);
  });
});
