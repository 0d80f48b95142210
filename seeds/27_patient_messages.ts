import { SYSTEM_ACTOR } from "../src/audit/audit.ts";
import type { Db } from "../src/db/knex.ts";
import type { SeedContext } from "../src/db/migrate.ts";
import { setAppointment } from "../src/followup/service.ts";
import { recordDischarge, registerEpisode, registerPatient } from "../src/patients/service.ts";
import { startFlipFlow } from "../src/ward/service.ts";
import { DEMO_WARD } from "./02_patients.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;
export const DEMO_CLINIC = { name: "Spinal outpatients", address: "Outpatients B, Pinderfields Hospital, Aberford Road, Wakefield WF1 4DG", phone: "01924 000 100" };
export const DEMO_AT_HOME_NHS = "9990001011";

/**
 * The patient side at once: a patient at home on a flip-flow valve, with a mobile number and an
 * email address and consent to both. An opening was due 20 minutes before the demo's "now" and
 * her appointment is tomorrow, so the scheduler's first tick after `npm start` sends her a text
 * message and an email of each (listed at /admin/sent-mail).
 */
export async function seed(db: Db, { now }: SeedContext): Promise<void> {
  const nowMs = now.getTime();
  const iso = (ms: number) => new Date(ms).toISOString();
  if (!(await db("clinics").where({ name: DEMO_CLINIC.name }).first())) {
    await db("clinics").insert({ ...DEMO_CLINIC, created_at: iso(nowMs), updated_at: iso(nowMs) });
  }
  if (await db("patients").where({ nhs_number: DEMO_AT_HOME_NHS }).first()) return;
  const wardId: number | null = (await db("wards").where({ name: DEMO_WARD }).first("id"))?.id ?? null;
  const consultantUserId: number | null = (await db("users").where({ username: "clinician" }).first("id"))?.id ?? null;
  const patient = await registerPatient(db, SYSTEM_ACTOR, {
    nhsNumber: DEMO_AT_HOME_NHS, familyName: "Jones", givenName: "Megan", dateOfBirth: "1972-09-18", sex: "female",
    email: "megan.jones@example.com", emailConsent: true, mobile: "+447700900461", smsConsent: true,
    gp: { name: "Castle Health Centre", address: "5 Castle Street, Pontefract WF8 1AB", email: "castle.hc@example.nhs.uk" },
  }, iso(nowMs - 9 * 24 * HOUR));
  const anaesthesia = nowMs - 8 * 24 * HOUR;
  const episode = await registerEpisode(db, SYSTEM_ACTOR, patient.id, {
    presentation: "CES-I", mriAt: iso(anaesthesia - 5 * HOUR), anaesthesiaStartAt: iso(anaesthesia), procedure: "laminotomy", level: "L5/S1",
    surgeon: "Mr A Surgeon", hospital: "Pinderfields Hospital", ward: DEMO_WARD, wardId, consultantUserId, bed: "5", delayReason: null,
    consultantSanction: null, preopReviewAt: iso(anaesthesia - 4 * HOUR), consentRecorded: true, bsrRegistered: true, catheterisedBeforeSurgery: true,
  }, iso(anaesthesia + HOUR));
  await startFlipFlow(db, SYSTEM_ACTOR, episode, { intervalMinutes: 240, firstOpeningAt: iso(nowMs - 20 * MIN), reason: "started", note: null }, "seed:at-home:flip-flow", iso(nowMs - 2 * HOUR));
  await recordDischarge(db, SYSTEM_ACTOR, episode.id, { dischargedAt: iso(nowMs - HOUR), destination: "Home", catheterStatus: "flip-flow" }, iso(nowMs - HOUR));
  await setAppointment(db, SYSTEM_ACTOR, episode, iso(nowMs + 23 * HOUR), DEMO_CLINIC.name, iso(nowMs - 30 * MIN));
}
