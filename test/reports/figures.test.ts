// Report figures against a set of episodes built through the services (the one change path),
// each expected count worked out by hand from the episodes described below.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { SYSTEM_ACTOR } from "../../src/audit/audit.ts";
import { recordReassessment, setAppointment, setIssue } from "../../src/followup/service.ts";
import { findLetter } from "../../src/letters/repository.ts";
import { createLetter, markSent } from "../../src/letters/service.ts";
import type { Episode, EpisodeInput } from "../../src/patients/model.ts";
import { recordDischarge, registerEpisode, registerPatient } from "../../src/patients/service.ts";
import { type CountedEpisode, FIGURES, groupsOf } from "../../src/reports/figures.ts";
import { periodOf } from "../../src/reports/period.ts";
import { reportRecords, reportTallies, type Tallies } from "../../src/reports/service.ts";
import type { BladderEventInput } from "../../src/ward/model.ts";
import { recordBladderEvent, recordTwocAction, startFlipFlow } from "../../src/ward/service.ts";
import { createTestApp, pageText, signIn, type TestContext } from "../helpers/app.ts";
import { wardIdFor } from "../helpers/wards.ts";
import { nhsNumber } from "../ward/helpers.ts";

const LEEDS = "Leeds General Infirmary";
const PINDERFIELDS = "Pinderfields Hospital";
const NOW = "2026-06-01T12:00:00.000Z";
const actor = SYSTEM_ACTOR;
let key = 0;

async function episode(ctx: TestContext, hospital: string, ward: string, surgery: Partial<EpisodeInput> & Pick<EpisodeInput, "presentation" | "mriAt" | "anaesthesiaStartAt">): Promise<Episode> {
  const at = surgery.anaesthesiaStartAt;
  const patient = await registerPatient(ctx.db, actor, { nhsNumber: nhsNumber(), familyName: "Report", givenName: "Case", dateOfBirth: "1970-01-01", sex: "female", email: null, emailConsent: false, gp: { name: null, address: null, email: null } }, at);
  return registerEpisode(ctx.db, actor, patient.id, {
    procedure: "laminotomy", level: "L4/5", surgeon: null, hospital, ward, wardId: await wardIdFor(ctx.db, ward), bed: "1",
    delayReason: null, consultantSanction: null, preopReviewAt: null, consentRecorded: null, bsrRegistered: null, catheterisedBeforeSurgery: null,
    ...surgery,
  }, at);
}

async function event(ctx: TestContext, e: Episode, input: Partial<BladderEventInput> & Pick<BladderEventInput, "type" | "at">) {
  await recordBladderEvent(ctx.db, actor, e, { phase: null, volumeMl: null, sensationToVoid: null, catheterType: null, ...input }, `k${++key}`, "system", input.at);
}

/**
 * Period: 1 to 31 January 2025 (UK). Four episodes in it, one just after it:
 * E1 Leeds, Ward 3: CES-R, MRI 08:00, anaesthesia 20:00 (12 h, within 24 h), all checks met. TWOC
 *    removal 11 Jan 08:00, pre-void 300 ml with sensation, void, post-void 50 ml at 10:05: passed (U2), 14.1 h.
 * E2 Leeds, Ward 3: CES-R, 28 h with a reason (breach with reason); only consent recorded. Pre-void
 *    650 ml, no sensation at 09:00: failed (U3), 21 h. Flip-flow every 4 h from 12:00: openings 12:00
 *    (on time), 16:30 (late), none for 20:00 (missed), 00:00 (on time); discharged 02:00 with a
 *    flip-flow catheter; ISC taught before discharge; SCI referral sent 6 days after it was indicated;
 *    appointment passed, bowel re-assessed, sexual function not.
 * E3 Pinderfields, Ward 7: CES-I, 2 h, anaesthesia 03:00 with sanction; all checks met. Catheter
 *    removed, no void: failed (U4) at the 6 h deadline, 33 h after surgery. Still an inpatient.
 * E4 Pinderfields, Ward 7: CES-R, 30 h, no reason (breach without reason); anaesthesia 06:00 GMT with
 *    no sanction; no review or consent; void and post-void 150 ml at 09:05 (U-REVIEW), then
 *    re-catheterised: clinical review, 27.1 h. Discharged without a catheter; bowel issue ongoing.
 * E5 surgery at 00:00 on 1 February (UK): outside the period.
 */
describe("report figures", () => {
  let ctx: TestContext;
  let episodes: CountedEpisode[];
  let report: Tallies;

  before(async () => {
    ctx = await createTestApp({ now: NOW });
    const all = { preopReviewAt: "2025-01-01T00:00:00.000Z", consentRecorded: true, bsrRegistered: true, catheterisedBeforeSurgery: true };

    const e1 = await episode(ctx, LEEDS, "Ward 3 (Spinal)", { presentation: "CES-R", mriAt: "2025-01-10T08:00:00.000Z", anaesthesiaStartAt: "2025-01-10T20:00:00.000Z", ...all, preopReviewAt: "2025-01-10T18:00:00.000Z" });
    await event(ctx, e1, { type: "catheter-removed", at: "2025-01-11T08:00:00.000Z" });
    await event(ctx, e1, { type: "scan", phase: "pre-void", volumeMl: 300, sensationToVoid: true, at: "2025-01-11T09:55:00.000Z" });
    await event(ctx, e1, { type: "void", at: "2025-01-11T10:00:00.000Z" });
    await event(ctx, e1, { type: "scan", phase: "post-void", volumeMl: 50, at: "2025-01-11T10:05:00.000Z" });

    const e2 = await episode(ctx, LEEDS, "Ward 3 (Spinal)", { presentation: "CES-R", mriAt: "2025-01-12T08:00:00.000Z", anaesthesiaStartAt: "2025-01-13T12:00:00.000Z", delayReason: "Theatre list full", consentRecorded: true });
    await event(ctx, e2, { type: "catheter-removed", at: "2025-01-14T08:00:00.000Z" });
    await event(ctx, e2, { type: "scan", phase: "pre-void", volumeMl: 650, sensationToVoid: false, at: "2025-01-14T09:00:00.000Z" });
    await event(ctx, e2, { type: "recatheterised", catheterType: "long-term-flip-flow", at: "2025-01-14T09:30:00.000Z" });
    await startFlipFlow(ctx.db, actor, e2, { intervalMinutes: 240, firstOpeningAt: "2025-01-14T12:00:00.000Z", reason: "started", note: null }, `k${++key}`, "2025-01-14T09:40:00.000Z");
    for (const at of ["2025-01-14T12:00:00.000Z", "2025-01-14T16:30:00.000Z", "2025-01-15T00:00:00.000Z"]) await event(ctx, e2, { type: "flip-flow-opening", volumeMl: 300, at });
    await recordTwocAction(ctx.db, actor, e2, "isc-taught", true, `k${++key}`, "2025-01-14T15:00:00.000Z");
    await recordDischarge(ctx.db, actor, e2.id, { dischargedAt: "2025-01-15T02:00:00.000Z", destination: "Home", catheterStatus: "flip-flow" }, "2025-01-15T02:00:00.000Z");
    const letterId = await createLetter(ctx.db, actor, e2, "sci-referral", null, null, "2025-01-19T10:00:00.000Z");
    await markSent(ctx.db, actor, (await findLetter(ctx.db, letterId))!, 1, "nscisb-web-form", "2025-01-20T10:00:00.000Z");
    await setAppointment(ctx.db, actor, e2, "2025-03-01T10:00:00.000Z", "Spinal clinic", "2025-01-20T11:00:00.000Z");
    await recordReassessment(ctx.db, actor, e2, { appointmentDate: "2025-03-01", bowel: "no", sexual: "not-assessed", outcome: "Seen", referral: "none" }, "2025-03-01T11:00:00.000Z");

    const e3 = await episode(ctx, PINDERFIELDS, "Ward 7 (Orthopaedics)", { presentation: "CES-I", mriAt: "2025-01-20T01:00:00.000Z", anaesthesiaStartAt: "2025-01-20T03:00:00.000Z", consultantSanction: true, ...all });
    await event(ctx, e3, { type: "catheter-removed", at: "2025-01-21T06:00:00.000Z" });

    const e4 = await episode(ctx, PINDERFIELDS, "Ward 7 (Orthopaedics)", { presentation: "CES-R", mriAt: "2025-01-25T00:00:00.000Z", anaesthesiaStartAt: "2025-01-26T06:00:00.000Z", bsrRegistered: true, catheterisedBeforeSurgery: true });
    await event(ctx, e4, { type: "catheter-removed", at: "2025-01-27T08:00:00.000Z" });
    await event(ctx, e4, { type: "void", at: "2025-01-27T09:00:00.000Z" });
    await event(ctx, e4, { type: "scan", phase: "post-void", volumeMl: 150, at: "2025-01-27T09:05:00.000Z" });
    await event(ctx, e4, { type: "recatheterised", catheterType: "other", at: "2025-01-27T10:00:00.000Z" });
    await recordDischarge(ctx.db, actor, e4.id, { dischargedAt: "2025-01-28T12:00:00.000Z", destination: "Home", catheterStatus: "none" }, "2025-01-28T12:00:00.000Z");
    await setIssue(ctx.db, actor, e4, "bowel", true, "Constipation", "2025-02-10T10:00:00.000Z");

    await episode(ctx, PINDERFIELDS, "Ward 7 (Orthopaedics)", { presentation: "CES-R", mriAt: "2025-01-31T20:00:00.000Z", anaesthesiaStartAt: "2025-02-01T00:00:00.000Z", ...all });

    // The figures as the page counts them (in SQL, from the answers the record keeps), and each episode's answers.
    report = await reportTallies(ctx.db, periodOf("2025-01-01", "2025-01-31"), NOW);
    ({ episodes } = await reportRecords(ctx.db, periodOf("2025-01-01", "2025-01-31"), NOW));
  });
  after(() => ctx.close());

  /** The figure's table as {group name: {heading: cell}}. */
  function table(id: string): Record<string, Record<string, string>> {
    const figure = FIGURES.find((f) => f.id === id)!;
    const out: Record<string, Record<string, string>> = {};
    for (const g of groupsOf(report.wards)) {
      out[g.ward ?? g.hospital] = Object.fromEntries(figure.columns.map((c) => [c.heading, c.value(g.tally)]));
    }
    return out;
  }

  test("the period holds the four episodes with surgery in January (UK), not the one at midnight on 1 February", () => {
    assert.equal(episodes.length, 4);
    assert.deepEqual(groupsOf(report.wards).map((g) => `${g.level}:${g.ward ?? g.hospital}:${g.tally.episodes}`), [
      "all:All hospitals:4", `hospital:${LEEDS}:2`, "ward:Ward 3 (Spinal):2", `hospital:${PINDERFIELDS}:2`, "ward:Ward 7 (Orthopaedics):2",
    ]);
  });

  test("MRI to anaesthesia: hours, CES-R within 24 h and S-TIME-R breaches with and without a reason", () => {
    const t = table("mri-to-surgery");
    // Hours 12, 28, 2, 30: median (12 + 28) / 2 = 20. CES-R: E1 within, E2 with reason, E4 without.
    assert.deepEqual(t["All hospitals"], { Episodes: "4", "Median hours": "20 h", "CES-R within 24 h": "1 of 3 (33%)", "S-TIME-R breach, reason recorded": "1", "S-TIME-R breach, no reason": "1" });
    assert.deepEqual(t[LEEDS], { Episodes: "2", "Median hours": "20 h", "CES-R within 24 h": "1 of 2 (50%)", "S-TIME-R breach, reason recorded": "1", "S-TIME-R breach, no reason": "0" });
    assert.deepEqual(t["Ward 7 (Orthopaedics)"], { Episodes: "2", "Median hours": "16 h", "CES-R within 24 h": "0 of 1 (0%)", "S-TIME-R breach, reason recorded": "0", "S-TIME-R breach, no reason": "1" });
    const { rows } = FIGURES[0].chart(groupsOf(report.wards)[0].tally);
    assert.deepEqual(rows.filter((r) => r.value !== "0").map((r) => `${r.label}: ${r.value}`), ["0 to under 6 hours: 1", "12 to under 18 hours: 1", "24 to under 30 hours: 1", "30 to under 36 hours: 1"]);
  });

  test("night operations with and without sanction; S-DOC, S-CONSENT, S-BSR, S-CATH completeness", () => {
    assert.deepEqual(table("surgical-record")["All hospitals"], {
      Episodes: "4",
      "Night, sanction recorded": "1", // E3 at 03:00
      "Night, no sanction": "1", // E4 at 06:00
      "S-DOC complete": "2 of 4 (50%)", // E1, E3
      "S-CONSENT complete": "3 of 4 (75%)", // E1, E2, E3
      "S-BSR complete": "3 of 4 (75%)", // E1, E3, E4
      "S-CATH complete": "3 of 4 (75%)", // E1, E3, E4
    });
  });

  test("TWOC outcomes of the first trial and the median time from surgery to the decision", () => {
    // 14.1, 21, 33 and 27.1 hours: median (21 + 27.1) / 2 = 24.05, shown to one decimal.
    assert.deepEqual(table("twoc")["All hospitals"], {
      Episodes: "4", "Passed (U2)": "1", "Failed (U3)": "1", "Failed (U4)": "1", "Clinical review (U-REVIEW)": "1", "In progress (U1)": "0", "Not started": "0",
      "Median hours surgery to decision": "24.1 h",
    });
    const hours = Object.fromEntries(episodes.map((e) => [e.facts.twoc.outcome, e.facts.twoc.hoursFromSurgery]));
    assert.deepEqual(hours, { passed: 14.1, "failed-u3": 21, "failed-u4": 33, review: 27.1 });
  });

  test("flip-flow openings on time, late and missed as a share of those due", () => {
    assert.deepEqual(table("flip-flow")["All hospitals"], {
      "Episodes with a schedule": "1", "Openings due": "4", "On time": "2 of 4 (50%)", Late: "1 of 4 (25%)", Missed: "1 of 4 (25%)", "Overdue, not yet missed": "0",
    });
  });

  test("ISC teaching before discharge, SCI referrals, re-assessment, GP review and recorded volumes", () => {
    assert.deepEqual(table("isc")["All hospitals"], { "Failed TWOC": "2", "Failed TWOC, discharged": "1", "ISC taught before discharge": "1 of 1 (100%)" });
    // Indicated: E2 and E3 (failed TWOC, U7), E4 (bowel issue, B5). E2 sent on 20 January; its
    // referral became due (R1) at its discharge on 15 January, as an inpatient's R1 waits for discharge.
    assert.deepEqual(table("sci-referral")["All hospitals"], { Indicated: "3", Sent: "1 of 3 (33%)", "Median days to sending": "5 days" });
    assert.deepEqual(table("reassessment")["All hospitals"], { "Appointment passed": "1", "Bowel re-assessed (B6)": "1 of 1 (100%)", "Sexual function re-assessed (X4)": "0 of 1 (0%)", "No appointment recorded": "3" });
    assert.deepEqual(table("gp-review")["All hospitals"], { "P4 review due": "2", "GP letter sent": "0 of 2 (0%)", "Clinician check done": "0 of 2 (0%)" });
    assert.deepEqual(table("bladder-volumes")["All hospitals"], { Episodes: "4", "Pre-void recorded": "2 of 4 (50%)", "Post-void recorded": "2 of 4 (50%)", "Both recorded": "1 of 4 (25%)" });
  });

  test("the page shows the same figures to a clinician, and the CSVs have one row per episode", async () => {
    const clinician = await signIn(ctx.app, "clinician");
    const query = "from-day=1&from-month=1&from-year=2025&to-day=31&to-month=1&to-year=2025";
    const page = await clinician.agent.get(`/reports?${query}`);
    assert.equal(page.status, 200);
    const text = pageText(page.text);
    assert.match(text, /4 episodes with surgery from 1 January 2025 to 31 January 2025/);
    assert.match(text, /All hospitals 4 20 h 1 of 3 \(33%\) 1 1/);
    assert.match(text, /Leeds General Infirmary, Ward 3 \(Spinal\) 2 /);
    assert.equal((page.text.match(/<svg class="app-report-chart"/g) ?? []).length, FIGURES.length);
    for (const figure of FIGURES) {
      const csv = await clinician.agent.get(`/reports/${figure.id}.csv?${query}`);
      assert.equal(csv.status, 200, figure.id);
      assert.match(String(csv.headers["content-type"]), /^text\/csv; charset=utf-8/);
      assert.match(String(csv.headers["content-disposition"]), new RegExp(`attachment; filename="${figure.id}-2025-01-01-to-2025-01-31.csv"`));
      const lines = csv.text.replace(/^\uFEFF/, "").trimEnd().split("\r\n");
      assert.equal(lines.length, 5, `${figure.id}: a header and one row per episode`);
      assert.ok(lines[0].startsWith("Episode,NHS number,"));
    }
    const twoc = (await clinician.agent.get(`/reports/twoc.csv?${query}`)).text;
    assert.match(twoc, /,Leeds General Infirmary,Ward 3 \(Spinal\),10\/01\/2025,CES-R,10\/01\/2025 20:00 GMT,Passed \(U2\),11\/01\/2025 10:05 GMT,14.1\r\n/);
    const bsr = await clinician.agent.get(`/reports/registry/bsr.csv?${query}`);
    assert.equal(bsr.status, 200);
    const bsrLines = bsr.text.replace(/^\uFEFF/, "").trimEnd().split("\r\n");
    assert.equal(bsrLines.length, 5);
    assert.ok(bsrLines[0].startsWith("NHS number,Family name,Given name,Date of birth,Sex,Hospital,Ward,Surgeon,Diagnosis,CES presentation"));
    assert.match(bsr.text, /,Theatre list full,/);
  });
});
