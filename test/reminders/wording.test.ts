// What patients see: every message template and patient page, checked against the clinical words.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import supertest from "supertest";
import { viewsDir } from "../../src/paths.ts";
import { normaliseUkMobile } from "../../src/patients/mobile.ts";
import { deriveReminders, type EpisodeState } from "../../src/reminders/derive.ts";
import { toMail } from "../../src/reminders/dispatcher.ts";
import { renderTemplate } from "../../src/reminders/emails.ts";
import { patientEmail, patientText } from "../../src/reminders/messages.ts";
import { enqueue, toOutboxRow } from "../../src/reminders/outbox.ts";
import { stopTextsToken, unsubscribeToken } from "../../src/reminders/unsubscribe.ts";
import { forbiddenWordsIn } from "../../src/reminders/words.ts";
import { createTestApp, csrfFrom, pageText, signIn, type TestContext } from "../helpers/app.ts";
import { dispatcher, makeEpisode, nhsNumber } from "./fixtures.ts";
import type { MailTransport } from "../../src/reminders/mailer.ts";

const settings = { baseUrl: "http://localhost:3000", secret: "test-secret" };
const contact = { givenName: "Alex", phone: "0113 000 0003", place: "Spinal outpatients, Outpatients B, Pinderfields Hospital" };
const reminderFor = (kind: "flipflow-opening-patient" | "outpatient-appointment-patient") => ({
  id: 1, key: `9:${kind}:2026-11-24T10:00:00.000Z`, kind, episodeId: 9, patientId: 4, dueAt: "2026-11-24T10:00:00.000Z", rules: ["F1"], reason: "x",
});

describe("wording of patient messages and pages", () => {
  const wordCases: [string, string[]][] = [
    ["Spinal Injuries Unit", ["injur"]],
    ["Neurosurgery clinic", ["surg"]],
    ["Neurosurgical outpatients", ["surg"]],
    ["Catheters clinic", ["catheter"]],
    ["Bladders and bowels", ["bladder", "bowel"]],
    ["Scans department", ["scan"]],
    ["Urodynamics suite", ["urodynam"]],
    ["Uro-gynaecology clinic", ["uro"]],
    ["Medicines review", ["medicine"]],
    ["Please avoid the car park", []],
    ["Science block, Outpatients B", []],
    ["Dress code: none", []],
    ["Spinal outpatients, Pinderfields", []],
  ];
  for (const [text, found] of wordCases) {
    it(`clinical words in "${text}": ${found.length ? found.join(", ") : "none"}`, () => assert.deepEqual(forbiddenWordsIn(text), found));
  }

  it("every template in views/messages renders with no clinical word", () => {
    const files = fs.readdirSync(path.join(viewsDir, "messages")).filter((f) => f.endsWith(".hbs"));
    assert.ok(files.length >= 6, files.join(", "));
    for (const file of files) {
      const text = renderTemplate("messages", file.replace(/\.hbs$/, ""), { when: "Tue, 24 Nov 2026, 10:00 GMT", ...contact, stopUrl: "http://localhost:3000/stop/4-abcdefghijklmnop" });
      assert.deepEqual(forbiddenWordsIn(text), [], file);
      assert.match(text, /0113 000 0003/, `${file} gives a phone number`);
      if (file.startsWith("appointment")) assert.match(text, /Spinal outpatients/, `${file} gives the place`);
    }
  });

  it("texts carry the given name only, say how to stop, and fit in three text message fragments", () => {
    for (const kind of ["flipflow-opening-patient", "outpatient-appointment-patient"] as const) {
      const m = patientText(reminderFor(kind), "+447700900123", contact, settings, "2026-11-25T10:00:00.000Z");
      assert.equal(m.channel, "sms");
      assert.match(m.text, /^Hello Alex,/);
      assert.match(m.text, /reply STOP or go to http:\/\/localhost:3000\/stop\/4-[A-Za-z0-9_-]{16}$/);
      assert.ok(m.text.length <= 459, `${m.text.length} characters`);
      assert.deepEqual(forbiddenWordsIn(m.text), []);
    }
  });

  it("patient email headers carry no clinical detail: the outbox key (which names the kind) becomes an opaque id", () => {
    const email = patientEmail(reminderFor("flipflow-opening-patient"), "a@example.com", contact, settings);
    const row = toOutboxRow({ id: 3, key: email.key, reminder_id: 1, patient_id: 4, episode_id: 9, kind: email.kind, recipient: email.recipient, subject: email.subject, body_text: email.text, body_html: email.html, headers: JSON.stringify(email.headers), attachments: null, status: "claimed", attempts: 0, next_attempt_at: "2026-11-24T10:00:00Z", created_at: "2026-11-24T10:00:00Z" });
    const mail = toMail(row, "Spinal team <no-reply@example.nhs.uk>");
    const headers = JSON.stringify(mail.headers) + String(mail.messageId) + String(mail.subject);
    assert.doesNotMatch(headers, /flipflow|flip-flow|opening|patient/i);
    assert.deepEqual(forbiddenWordsIn(headers), []);
    assert.match((mail.headers as Record<string, string>)["X-Outbox-Key"], /^[0-9a-f]{32}$/);
  });

  it("the appointment .ics has the place (LOCATION) and a phone number, nothing clinical", () => {
    const email = patientEmail(reminderFor("outpatient-appointment-patient"), "a@example.com", contact, settings, "2026-11-25T10:00:00.000Z");
    const ics = email.attachments![0].content;
    assert.match(ics.replace(/\r\n /g, ""), /LOCATION:Spinal outpatients\\, Outpatients B\\, Pinderfields Hospital/);
    assert.match(ics, /call 0113 000 0003/);
    assert.deepEqual(forbiddenWordsIn(ics), []);
  });

  it("UK mobile numbers are validated and normalised to +44", () => {
    const table: [string, string | null][] = [
      ["07700 900123", "+447700900123"], ["+44 7700 900123", "+447700900123"], ["+44 (0)7700-900123", "+447700900123"], ["0044 7700 900123", "+447700900123"],
      ["447700900123", "+447700900123"], ["07624 123456", "+447624123456"], ["0113 000 0003", null], ["07000 123456", null], ["07600 123456", null],
      ["0770090012", null], ["077009001234", null], ["+33 6 12 34 56 78", null], ["phone me", null],
    ];
    for (const [typed, expected] of table) assert.equal(normaliseUkMobile(typed), expected, typed);
  });
});

describe("text message reminders for a patient at home across the clock changes (elapsed 4 h gaps)", () => {
  const state = (dischargedAt: string | null, nextOpeningAt: string, smsOptedOutAt: string | null = null): EpisodeState => ({
    episode: { id: 7, ward: "Ward 3 (Spinal)", anaesthesiaStartAt: "2026-03-01T10:00:00.000Z", dischargedAt },
    patient: { email: null, emailConsent: false, emailOptedOutAt: null, mobile: "+447700900123", smsConsent: true, smsOptedOutAt },
    ward: { events: [], twoc: { status: "not-started", rules: [], noVoidDeadline: null }, flipFlow: { intervalMinutes: 240, startedAt: "2026-03-01T10:00:00Z", lastOpeningAt: null, nextOpeningAt }, failedTwoc: false, u7FollowUpArranged: false },
    followup: null,
  });
  const texts = (s: EpisodeState, now: string) => deriveReminders(s, now).filter((r) => r.kind === "flipflow-opening-patient" && r.channel === "sms");

  for (const [label, now, next, expectedLondon] of [
    ["29 March 2026 (clocks go forward at 01:00 GMT)", "2026-03-28T20:30:00Z", "2026-03-28T21:00:00Z", ["21:00 GMT", "02:00 BST", "06:00 BST", "10:00 BST", "14:00 BST", "18:00 BST", "22:00 BST"]],
    ["25 October 2026 (clocks go back at 01:00 GMT)", "2026-10-24T20:30:00Z", "2026-10-24T21:00:00Z", ["22:00 BST", "01:00 GMT", "05:00 GMT", "09:00 GMT", "13:00 GMT", "17:00 GMT", "21:00 GMT"]],
  ] as const) {
    it(`${label}: a text at each opening, every 4 elapsed hours, keyed apart from emails`, () => {
      const list = texts(state("2026-03-10T12:00:00Z", next), now);
      const london = list.map((r) => new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/London", hour: "2-digit", minute: "2-digit", timeZoneName: "short" }).format(new Date(r.dueAt)).replace(/,?\s*(GMT\+1)/, " BST").replace(/^(\d\d:\d\d),? /, "$1 "));
      assert.deepEqual(london, expectedLondon);
      for (let i = 1; i < list.length; i++) assert.equal(Date.parse(list[i].dueAt) - Date.parse(list[i - 1].dueAt), 4 * 3600_000);
      assert.ok(list.every((r) => r.key.endsWith(":sms") && r.audience === "patient"));
    });
  }

  it("no texts while an inpatient (nurses open the valve) or after STOP", () => {
    assert.deepEqual(texts(state(null, "2026-03-28T21:00:00Z"), "2026-03-28T20:30:00Z"), []);
    assert.deepEqual(texts(state("2026-03-10T12:00:00Z", "2026-03-28T21:00:00Z", "2026-03-20T00:00:00Z"), "2026-03-28T20:30:00Z"), []);
  });
});

describe("patient pages and the last check before sending", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestApp({ now: "2026-11-24T10:00:00Z" });
  });
  after(() => ctx.close());

  it("the stop pages name no condition (header, footer, title), ask before stopping, and an invalid link gives a number to call", async () => {
    const { patient } = await makeEpisode(ctx.db, { email: "pages@example.com", now: ctx.clock.now().toISOString() });
    const agent = supertest.agent(ctx.app);
    const pages = [
      await agent.get(`/unsubscribe/${unsubscribeToken(patient.id, "test-secret")}`),
      await agent.get(`/stop/${stopTextsToken(patient.id, "test-secret")}`),
      await agent.get(`/unsubscribe/${patient.id}.${"A".repeat(43)}`),
      await agent.get("/stop/1-AAAAAAAAAAAAAAAA"),
    ];
    for (const page of pages) {
      assert.deepEqual(forbiddenWordsIn(pageText(page.text)), [], pageText(page.text));
      assert.match(pageText(page.text), /Spinal team reminders/);
      assert.doesNotMatch(page.text, /follow-up|Follow-up|pathway/);
    }
    const ask = pageText(pages[0].text);
    assert.match(ask, /Do you want to stop getting reminder emails from the spinal team\? Stop reminder emails/);
    assert.doesNotMatch(ask, /You will no longer/);
    assert.equal(pages[2].status, 404);
    assert.match(pageText(pages[2].text), /This link is not valid.*call 0113 000 0003/);
    const done = await agent.post(`/unsubscribe/${unsubscribeToken(patient.id, "test-secret")}`).type("form").send({ _csrf: csrfFrom(pages[0].text) });
    assert.deepEqual(forbiddenWordsIn(pageText(done.text)), []);
    assert.match(pageText(done.text), /You will not get any more reminder emails/);
  });

  it("a patient message with a clinical word is not sent: it is listed with the words found", async () => {
    const { patient } = await makeEpisode(ctx.db, { email: "words@example.com", now: ctx.clock.now().toISOString() });
    const id = await ctx.db.transaction((trx) => enqueue(trx, {
      key: "words-test", reminderId: null, patientId: patient.id, episodeId: null, kind: "test", recipient: "words@example.com", channel: "email",
      subject: "A reminder from the spinal team", text: "Please empty your catheter bag before the clinic.", html: null, headers: null, attachments: null,
    }, ctx.clock.now().toISOString()));
    const sent: unknown[] = [];
    const transport: MailTransport = { description: "memory", send: async (m) => { sent.push(m); return { messageId: "x", emlFile: null }; }, close: () => undefined };
    const d = dispatcher(ctx.db, transport, ctx.clock.now);
    await d.tick();
    await d.stop();
    const row = await ctx.db("outbox").where({ id }).first();
    assert.equal(row.status, "failed");
    assert.match(row.last_error, /may not contain clinical words \(found: catheter\)/);
    assert.ok(!sent.some((m) => JSON.stringify(m).includes("catheter bag")), "never handed to the transport");
    const nurse = await signIn(ctx.app, "nurse");
    assert.match(pageText((await nurse.agent.get("/outbox/problems")).text), /words@example\.com.*found: catheter/);
  });

  it("the patient form takes a UK mobile number and consent to texts: normalised, validated, audited, shown with the channel's history", async () => {
    const clinician = await signIn(ctx.app, "clinician");
    const form = { nhsNumber: nhsNumber(), familyName: "Mobile", givenName: "Mo", "dateOfBirth-day": "1", "dateOfBirth-month": "2", "dateOfBirth-year": "1980", sex: "male", email: "", emailConsent: "no", gpName: "", gpAddress: "", gpEmail: "" };
    const page = await clinician.agent.get("/patients/new");
    const hidden = Object.fromEntries([...page.text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const bad = await clinician.agent.post("/patients").type("form").send({ ...hidden, ...form, mobile: "0113 000 0003", smsConsent: "yes" });
    assert.equal(bad.status, 400);
    assert.match(pageText(bad.text), /There is a problem.*Enter a UK mobile number, like 07700 900123/);
    const none = await clinician.agent.post("/patients").type("form").send({ ...hidden, ...form, mobile: "", smsConsent: "yes" });
    assert.equal(none.status, 400);
    assert.match(pageText(none.text), /Enter a mobile number, or record that the patient does not want reminder text messages/);
    assert.equal(await ctx.db("patients").where({ family_name: "Mobile" }).first(), undefined, "nothing stored");
    const page2 = await clinician.agent.get("/patients/new");
    const hidden2 = Object.fromEntries([...page2.text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const ok = await clinician.agent.post("/patients").type("form").send({ ...hidden2, ...form, mobile: "07700 900 777", smsConsent: "yes" });
    assert.equal(ok.status, 303, pageText(ok.text).slice(0, 600));
    const row = await ctx.db("patients").where({ family_name: "Mobile" }).first();
    assert.equal(row.mobile, "+447700900777");
    const audit = await ctx.db("audit_events").where({ patient_id: row.id, action: "register" }).first();
    assert.match(audit.after, /"mobile":"\+447700900777","smsConsent":true/);
    const show = pageText((await clinician.agent.get(`/patients/${row.id}`)).text);
    assert.match(show, /Text message 07700 900777 Yes No Reminders go by this channel/);
    assert.match(show, /Mobile number: 07700 900777 \(registered\)/);
  });
});
