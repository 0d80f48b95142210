import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import supertest from "supertest";
import { SYSTEM_ACTOR } from "../../src/audit/audit.ts";
import { setAppointment } from "../../src/followup/service.ts";
import { recordDischarge } from "../../src/patients/service.ts";
import { queueDigests } from "../../src/reminders/dispatcher.ts";
import { enqueue } from "../../src/reminders/outbox.ts";
import { unsubscribeToken } from "../../src/reminders/unsubscribe.ts";
import { createTestApp, csrfFrom, pageText, signIn, type TestContext } from "../helpers/app.ts";
import { makeEpisode, reminder, schedule } from "./fixtures.ts";

const settings = { baseUrl: "http://localhost:3000", secret: "test-secret" };

describe("reminder pages", () => {
  let ctx: TestContext;
  let clinicianId: number;
  let ward3: number;
  before(async () => {
    ctx = await createTestApp({ now: "2026-11-24T10:00:00Z" });
    clinicianId = (await ctx.db("users").where({ username: "clinician" }).first()).id;
    ward3 = (await ctx.db("wards").where({ name: "Ward 3 (Spinal)" }).first()).id;
  });
  after(() => ctx.close());
  /** Points an episode to its ward and responsible consultant, as the episode form stores them. */
  const link = (episodeId: number, columns: { ward_id?: number | null; consultant_user_id?: number | null }) => ctx.db("episodes").where({ id: episodeId }).update(columns);

  it("unsubscribe: the link shows a confirm page, the POST records the opt-out once (audited); a forged token is refused", async () => {
    const now = ctx.clock.now().toISOString();
    const { patient, episode } = await makeEpisode(ctx.db, { email: "unsub@example.com", now });
    await setAppointment(ctx.db, SYSTEM_ACTOR, episode, new Date(Date.parse(now) + 7 * 24 * 3600_000).toISOString(), "Spinal clinic", now);
    const appointmentEmail = () => ctx.db("reminders").where({ episode_id: episode.id, kind: "outpatient-appointment-patient" }).first();
    assert.equal((await appointmentEmail()).status, "scheduled");
    const token = unsubscribeToken(patient.id, "test-secret");
    const agent = supertest.agent(ctx.app);
    const page = await agent.get(`/unsubscribe/${token}`);
    assert.equal(page.status, 200);
    assert.match(pageText(page.text), /Stop reminder emails/);
    const csrf = csrfFrom(page.text);
    const done = await agent.post(`/unsubscribe/${token}`).type("form").send({ _csrf: csrf });
    assert.equal(done.status, 200);
    assert.match(pageText(done.text), /You will not get any more reminder emails/);
    const row = await ctx.db("patients").where({ id: patient.id }).first();
    assert.ok(row.email_opted_out_at, "opt-out recorded");
    assert.equal((await appointmentEmail()).status, "cancelled", "the emails already scheduled for the patient are cancelled at once");
    const again = await agent.post(`/unsubscribe/${token}`).type("form").send({ _csrf: csrf });
    assert.match(pageText(again.text), /already stopped/);
    const audits = await ctx.db("audit_events").where({ patient_id: patient.id, action: "email-opt-out" });
    assert.equal(audits.length, 1, "recorded once");

    const forged = `${patient.id}.${"A".repeat(43)}`;
    assert.equal((await agent.get(`/unsubscribe/${forged}`)).status, 404);
    const other = unsubscribeToken(patient.id, "another-secret");
    const refused = await agent.post(`/unsubscribe/${other}`).type("form").send({ _csrf: csrf });
    assert.equal(refused.status, 404);
    assert.match(pageText(refused.text), /not valid/);
    assert.equal((await supertest(ctx.app).post(`/api/v1/unsubscribe/${forged}`).type("form").send("List-Unsubscribe=One-Click")).status, 404);
  });

  it("one-click unsubscribe (List-Unsubscribe-Post) works with no session or CSRF token, once", async () => {
    const now = ctx.clock.now().toISOString();
    const { patient } = await makeEpisode(ctx.db, { email: "oneclick@example.com", now });
    const token = unsubscribeToken(patient.id, "test-secret");
    const first = await supertest(ctx.app).post(`/api/v1/unsubscribe/${token}`).type("form").send("List-Unsubscribe=One-Click");
    assert.equal(first.status, 200);
    assert.equal(first.body.status, "stopped");
    const second = await supertest(ctx.app).post(`/api/v1/unsubscribe/${token}`).type("form").send("List-Unsubscribe=One-Click");
    assert.equal(second.body.status, "already");
    assert.equal((await ctx.db("audit_events").where({ patient_id: patient.id, action: "email-opt-out" })).length, 1);
  });

  it("/due lists a ward's items, overdue first with rule ids; a clinician marks one done (audited) and it leaves the list", async () => {
    const now = ctx.clock.now().toISOString();
    const { patient, episode } = await makeEpisode(ctx.db, { now, ward: "Ward 7 (Orthopaedics)", surgeon: "Ms Due Tester" });
    await schedule(ctx.db, episode.id, patient.id, [
      reminder(episode.id, "u7-follow-up", "2026-11-23T09:00:00Z", "clinician", "screen", ["U7"]),
      reminder(episode.id, "flipflow-opening", "2026-11-24T12:00:00Z", "ward", "screen", ["F1", "F3"]),
      reminder(episode.id, "pain-chronic-review", "2026-12-24T08:00:00Z", "clinician", "screen", ["P5"]),
      reminder(episode.id, "gp-drug-review", "2026-11-20T08:00:00Z", "clinician", "screen", ["P4"]),
    ], now);
    const nurse = await signIn(ctx.app, "nurse");
    const page = await nurse.agent.get("/due?ward=Ward+7+%28Orthopaedics%29");
    assert.equal(page.status, 200);
    // Kept current by a script the nurse can switch off, never a meta refresh (WCAG 2.2.1).
    assert.doesNotMatch(page.text, /http-equiv="refresh"/i);
    assert.match(page.text, /id="auto-refresh-control" data-seconds="60"/);
    assert.match(page.text, /<script type="module" src="\/assets\/js\/auto-refresh.js"><\/script>/);
    const text = pageText(page.text);
    assert.match(text, /Overdue .*Failed TWOC: SCI or urology follow-up to arrange U7/);
    assert.match(text, /Upcoming .*Flip-flow valve opening F1 F3/);
    assert.ok(text.indexOf("U7") < text.indexOf("F1 F3"), "overdue first");
    assert.ok(!text.includes("Pain phase now chronic"), "not due within 24 hours");
    assert.match(text, /Tue,? 24 Nov 2026,? 12:00 GMT/);
    await link(episode.id, { consultant_user_id: clinicianId });
    const byClinician = pageText((await nurse.agent.get(`/due?clinician=${clinicianId}`)).text);
    assert.match(byClinician, /U7/);
    assert.match(byClinician, /for Dr Cara Clinician/);
    assert.ok(!pageText((await nurse.agent.get("/due?clinician=Ms+Due+Tester")).text).includes("Failed TWOC"), "a name is not a clinician");
    assert.ok(!pageText((await nurse.agent.get("/due?clinician=99999")).text).includes("Failed TWOC"));

    const u7 = await ctx.db("reminders").where({ episode_id: episode.id, kind: "u7-follow-up" }).first();
    assert.equal((await nurse.submit(`/due/${u7.id}/done`, {})).status, 404, "U7 closes when the ward records the follow-up, not here");
    const p4 = await ctx.db("reminders").where({ episode_id: episode.id, kind: "gp-drug-review" }).first();
    assert.match(text, /GP drug review 1-2 weeks after discharge P4/);
    const done = await nurse.submit(`/due/${p4.id}/done`, {});
    assert.equal(done.status, 303);
    assert.ok(!pageText((await nurse.agent.get("/due?ward=Ward+7+%28Orthopaedics%29")).text).includes("GP drug review"));
    assert.equal((await ctx.db("audit_events").where({ entity: "reminder", entity_id: p4.id, action: "done" })).length, 1);
    assert.equal((await nurse.submit(`/due/${p4.id}/done`, {})).status, 404, "only an open item can be marked done");
  });

  it("a clinician's /due (my patients) follows the consultant link, whatever the surgeon's name as typed", async () => {
    const now = ctx.clock.now().toISOString();
    const mine = await makeEpisode(ctx.db, { now, surgeon: "Mr A. Surgeon" });
    const namedOnly = await makeEpisode(ctx.db, { now, surgeon: "Dr Cara Clinician" });
    await link(mine.episode.id, { consultant_user_id: clinicianId, ward_id: ward3 });
    for (const e of [mine, namedOnly]) {
      await schedule(ctx.db, e.episode.id, e.patient.id, [reminder(e.episode.id, "u7-follow-up", "2026-11-24T08:00:00Z", "clinician", "screen", ["U7"])], now);
    }
    const clinician = await signIn(ctx.app, "clinician");
    const due = await clinician.agent.get("/due");
    const href = /<a href="([^"]+)" id="my-patients">My patients<\/a>/.exec(due.text)![1].replace("&#x3D;", "=");
    assert.equal(href, `/due?clinician=${clinicianId}`);
    const page = await clinician.agent.get(href);
    assert.match(pageText(page.text), /My patients: due and overdue/);
    const episodes = [...page.text.matchAll(/href="\/episodes\/(\d+)"/g)].map((m) => Number(m[1]));
    assert.ok(episodes.includes(mine.episode.id), "the episode whose consultant is Dr Cara Clinician, though the surgeon is typed Mr A. Surgeon");
    assert.ok(!episodes.includes(namedOnly.episode.id), "a surgeon's name that matches is not a link");
    assert.match(pageText(page.text), /clinician Dr Cara Clinician/, "the item shows its consultant");
    const onWard = [...(await clinician.agent.get(`/due?ward=${ward3}`)).text.matchAll(/href="\/episodes\/(\d+)"/g)].map((m) => Number(m[1]));
    assert.ok(onWard.includes(mine.episode.id) && onWard.includes(namedOnly.episode.id), "by ward id: the linked episode, and the one carrying the ward's name only");
    await ctx.db("reminders").whereIn("episode_id", [mine.episode.id, namedOnly.episode.id]).update({ status: "cancelled" });
  });

  it("messages that could not be sent are listed with a resend button (audited); in-doubt ones can be confirmed", async () => {
    const now = ctx.clock.now().toISOString();
    const { patient } = await makeEpisode(ctx.db, { email: "failing@example.com", now });
    const id = await enqueue(ctx.db, { key: "pages:failed", reminderId: null, patientId: patient.id, episodeId: null, kind: "test", recipient: "failing@example.com", subject: "A reminder from the spinal team", text: "Hello", html: null, headers: null, attachments: null }, now);
    const doubt = await enqueue(ctx.db, { key: "pages:doubt", reminderId: null, patientId: patient.id, episodeId: null, kind: "test", recipient: "doubt@example.com", subject: "A reminder from the spinal team", text: "Hello", html: null, headers: null, attachments: null }, now);
    await ctx.db("outbox").where({ id }).update({ status: "failed", attempts: 6, last_error: "ECONNREFUSED: connect" });
    await ctx.db("outbox").where({ id: doubt }).update({ status: "in-doubt" });
    const nurse = await signIn(ctx.app, "nurse");
    const page = pageText((await nurse.agent.get("/outbox/problems")).text);
    assert.match(page, /failing@example.com .* 6 ECONNREFUSED/);
    assert.match(page, /doubt@example.com/);
    assert.equal((await nurse.submit(`/outbox/${id}/resend`, {})).status, 303);
    const row = await ctx.db("outbox").where({ id }).first();
    assert.deepEqual([row.status, Number(row.attempts)], ["queued", 0]);
    assert.equal((await ctx.db("audit_events").where({ entity: "email", entity_id: id, action: "resend" })).length, 1);
    assert.equal((await nurse.submit(`/outbox/${id}/resend`, {})).status, 404, "a queued message is not resent twice");
    assert.equal((await nurse.submit(`/outbox/${doubt}/delivered`, {})).status, 303);
    assert.equal((await ctx.db("outbox").where({ id: doubt }).first()).status, "sent");

    const patientEmails = pageText((await nurse.agent.get(`/patients/${patient.id}/emails`)).text);
    assert.match(patientEmails, /failing@example.com/);
    assert.match(pageText((await nurse.agent.get(`/patients/${patient.id}`)).text), /Messages sent to the patient/);

    assert.equal((await nurse.agent.get("/admin/sent-mail")).status, 403);
    const admin = await signIn(ctx.app, "admin");
    const sentMail = pageText((await admin.agent.get("/admin/sent-mail")).text);
    assert.match(sentMail, /doubt@example.com/);
    assert.match(pageText((await admin.agent.get(`/admin/sent-mail/${doubt}`)).text), /Confirmed delivered by staff/);
  });

  it("the ward's digest has its inpatients' items only; a discharged patient's outpatient items go to the responsible consultant, never a ward (digest and /due)", async () => {
    const now = "2026-05-01T10:00:00Z";
    const day = "2026-05-04";
    const discharge = (episodeId: number) => recordDischarge(ctx.db, SYSTEM_ACTOR, episodeId, { dischargedAt: "2026-04-01T12:00:00Z", destination: "Home", catheterStatus: "none" }, now);
    const owned = await makeEpisode(ctx.db, { now, surgeon: "Mr A. Surgeon" });
    const unowned = await makeEpisode(ctx.db, { now, surgeon: "Dr Cara Clinician" });
    const inpatient = await makeEpisode(ctx.db, { now, surgeon: "Mr Locum Nobody", ward: "ward 3 (spinal), side room" });
    const elsewhere = await makeEpisode(ctx.db, { now, surgeon: "Dr Cara Clinician", ward: "Ward 3 (Spinal)" });
    await link(owned.episode.id, { ward_id: ward3, consultant_user_id: clinicianId });
    await link(unowned.episode.id, { ward_id: ward3 });
    await link(inpatient.episode.id, { ward_id: ward3, consultant_user_id: clinicianId });
    const ward7 = (await ctx.db("wards").where({ name: "Ward 7 (Orthopaedics)" }).first()).id;
    await link(elsewhere.episode.id, { ward_id: ward7 });
    await discharge(owned.episode.id);
    await discharge(unowned.episode.id);
    for (const e of [owned, unowned, inpatient, elsewhere]) {
      await schedule(ctx.db, e.episode.id, e.patient.id, [reminder(e.episode.id, "sci-referral-outstanding", "2026-05-01T09:00:00Z", "clinician", "screen", ["R1"])], now);
    }
    await queueDigests(ctx.db, `${day}T07:00:00Z`, settings);
    const sent = await ctx.db("outbox").where("kind", "digest").where("key", "like", `digest:%:${day}`);
    // Only this test's episodes: the others on the database have reminders of their own.
    const mine = new Set([owned, unowned, inpatient, elsewhere].map((e) => e.episode.id));
    const episodesIn = (recipient: string) => [...(sent.find((r) => r.recipient === recipient)?.body_text ?? "").matchAll(/\/episodes\/(\d+)/g)].map((m) => Number(m[1])).filter((id) => mine.has(id)).sort();
    const ward = (await ctx.db("wards").where({ id: ward3 }).first()).email;
    assert.deepEqual(episodesIn(ward), [inpatient.episode.id], "by the ward link: not the episode typed Ward 3 but on Ward 7; no discharged patient, with or without a consultant");
    assert.deepEqual(episodesIn("clinician@example.nhs.uk"), [owned.episode.id, inpatient.episode.id].sort(), "by the consultant link, not the surgeon's name");
    assert.deepEqual(episodesIn("ward7@example.nhs.uk"), [elsewhere.episode.id]);
    const body = sent.find((r) => r.recipient === ward)!.body_text as string;
    assert.ok(body.includes("Ward 3 (Spinal)") && !body.includes("side room"), "the digest names the ward record");

    const nurse = await signIn(ctx.app, "nurse");
    ctx.clock.set(`${day}T07:00:00Z`);
    const episodeLinks = (html: string) => [...html.matchAll(/href="\/episodes\/(\d+)"/g)].map((m) => Number(m[1])).filter((id) => mine.has(id)).sort();
    const onWard = (await nurse.agent.get(`/due?ward=${ward3}`)).text;
    assert.deepEqual(episodeLinks(onWard), [inpatient.episode.id], "/due for the ward lists its inpatients only");
    const all = (await nurse.agent.get("/due")).text;
    assert.deepEqual(episodeLinks(all), [owned.episode.id, unowned.episode.id, inpatient.episode.id, elsewhere.episode.id].sort(), "every item is on the full list");
    const row = pageText(all.split(`href="/episodes/${owned.episode.id}"`)[1].split("</tr>")[0]);
    assert.match(row, /Discharged: outpatient/);
    assert.doesNotMatch(row, /bed 9/, "a discharged patient is not shown in a ward bed");
    const mineOnly = (await nurse.agent.get(`/due?clinician=${clinicianId}`)).text;
    assert.deepEqual(episodeLinks(mineOnly), [owned.episode.id, inpatient.episode.id].sort());
    ctx.clock.set(now);
  });

  it("the 08:00 digest goes at 08:00 London on the clock-change mornings (07:00Z on 29 March, 08:00Z on 25 October), once a day", async () => {
    const now = "2026-03-20T10:00:00Z";
    const { patient, episode } = await makeEpisode(ctx.db, { now, surgeon: "Dr Cara Clinician" });
    await link(episode.id, { ward_id: ward3, consultant_user_id: clinicianId });
    await schedule(ctx.db, episode.id, patient.id, [reminder(episode.id, "sci-referral-outstanding", "2026-03-20T09:00:00Z", "clinician", "screen", ["R1"])], now);
    const digests = () => ctx.db("outbox").where("kind", "digest").where("key", "like", "digest:%:2026-03-29").orWhere("key", "like", "digest:%:2026-10-25");

    assert.equal(await queueDigests(ctx.db, "2026-03-29T06:59:00Z", settings), 0, "07:59 BST: not yet");
    assert.ok((await queueDigests(ctx.db, "2026-03-29T07:00:00Z", settings)) >= 2, "08:00 BST: ward and clinician digests");
    assert.equal(await queueDigests(ctx.db, "2026-03-29T07:01:00Z", settings), 0, "once a day");
    const march = await digests();
    const clinician = march.find((r) => r.recipient === "clinician@example.nhs.uk")!;
    assert.match(clinician.body_text, /SCI referral outstanding \(R1\)/);
    assert.match(clinician.body_text, /29 March 2026/);

    assert.equal(await queueDigests(ctx.db, "2026-10-25T07:00:00Z", settings), 0, "07:00 GMT on 25 October is not 08:00");
    assert.equal(await queueDigests(ctx.db, "2026-10-25T07:59:00Z", settings), 0);
    assert.ok((await queueDigests(ctx.db, "2026-10-25T08:00:00Z", settings)) >= 2);
    assert.equal(await queueDigests(ctx.db, "2026-10-25T12:00:00Z", settings), 0);
  });
});
