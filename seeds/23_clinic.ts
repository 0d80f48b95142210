import { randomBytes } from "node:crypto";
import { SYSTEM_ACTOR } from "../src/audit/audit.ts";
import { createUser } from "../src/auth/users.ts";
import type { Db } from "../src/db/knex.ts";
import type { SeedContext } from "../src/db/migrate.ts";
import { addMedication, setAppointment } from "../src/followup/service.ts";
import { addDays } from "../src/followup/state.ts";
import type { CatheterStatus, PatientInput } from "../src/patients/model.ts";
import { recordDischarge, registerEpisode, registerPatient } from "../src/patients/service.ts";
import { londonDate, londonLocalToInstant } from "../src/time.ts";
import { DEMO_WARD } from "./02_patients.ts";

const DAY = 24 * 3600_000;

/** A second consultant, so the clinic list shows its grouping. No one signs in as him until an admin sets a password. */
const SECOND_CONSULTANT = { username: "oshah", displayName: "Mr Omar Shah" };

interface ClinicDemo {
  patient: PatientInput;
  surgeryDaysAgo: number;
  dischargedDaysAgo: number;
  catheterAtDischarge: CatheterStatus;
  consultant: "clinician" | "oshah";
  /** Days from today, kept inside this Monday-to-Sunday week; a negative number is a passed appointment. */
  appointment: "this-week-early" | "this-week-late" | number;
  medicines: [string, string][];
}

const gp = { name: "Westgate Surgery", address: "3 Westgate, Wakefield WF1 2DQ", email: "westgate.surgery@example.nhs.uk" };

/**
 * Outpatients for the clinic list: two with an appointment in this week's clinic (one for each
 * consultant) and one whose appointment passed without the B6/X4 re-assessment (overdue).
 * Rhys Evans takes paracetamol with Zapain (both contain paracetamol); Mei Li is chronic on tramadol (P5).
 */
const CLINIC_PATIENTS: ClinicDemo[] = [
  {
    patient: { nhsNumber: "4109466857", familyName: "Evans", givenName: "Rhys", dateOfBirth: "1971-05-19", sex: "male", email: null, emailConsent: false, gp },
    surgeryDaysAgo: 42,
    dischargedDaysAgo: 36,
    catheterAtDischarge: "none",
    consultant: "clinician",
    appointment: "this-week-early",
    medicines: [["Paracetamol 1 g", "1 g four times a day"], ["Zapain 30/500", "2 tablets when needed"], ["Senna 7.5 mg", "2 tablets at night"]],
  },
  {
    patient: { nhsNumber: "2347039709", familyName: "Li", givenName: "Mei", dateOfBirth: "1986-09-02", sex: "female", email: null, emailConsent: false, gp },
    surgeryDaysAgo: 130,
    dischargedDaysAgo: 121,
    catheterAtDischarge: "isc",
    consultant: "oshah",
    appointment: "this-week-late",
    medicines: [["Tramadol 50 mg", "50 mg up to four times a day"], ["Macrogol sachets", "1 sachet daily"]],
  },
  {
    patient: { nhsNumber: "1176086502", familyName: "Walker", givenName: "Jo", dateOfBirth: "1959-12-11", sex: "not-known", email: null, emailConsent: false, gp },
    surgeryDaysAgo: 80,
    dischargedDaysAgo: 72,
    catheterAtDischarge: "none",
    consultant: "clinician",
    appointment: -9,
    medicines: [["Ibuprofen 400 mg", "400 mg three times a day"], ["Omeprazole 20 mg", "20 mg daily"]],
  },
];

/** The appointment's London date: early or late in this Monday-to-Sunday week (today at the soonest, Friday at the latest unless the week is nearly over), or days from today. */
function appointmentDate(today: string, when: ClinicDemo["appointment"]): string {
  const weekday = new Date(`${today}T00:00:00Z`).getUTCDay(); // Sunday 0
  const daysToSunday = (7 - weekday) % 7;
  const daysToFriday = (5 - weekday + 7) % 7;
  const late = Math.min(daysToFriday, daysToSunday);
  if (when === "this-week-early") return addDays(today, Math.min(1, late));
  if (when === "this-week-late") return addDays(today, late);
  return addDays(today, when);
}

async function consultantId(db: Db, username: string, now: string): Promise<number> {
  const found = await db("users").where({ username }).first("id");
  if (found) return found.id as number;
  return createUser(db, { ...SECOND_CONSULTANT, role: "clinician", email: null, password: randomBytes(24).toString("base64url") }, now);
}

export async function seed(db: Db, { now }: SeedContext): Promise<void> {
  if (await db("patients").where({ nhs_number: CLINIC_PATIENTS[0].patient.nhsNumber }).first()) return;
  const at = now.toISOString();
  const today = londonDate(now);
  const wardId: number | null = (await db("wards").where({ name: DEMO_WARD }).first("id"))?.id ?? null;
  for (const demo of CLINIC_PATIENTS) {
    const anaesthesia = new Date(now.getTime() - demo.surgeryDaysAgo * DAY);
    const patient = await registerPatient(db, SYSTEM_ACTOR, demo.patient, at);
    const episode = await registerEpisode(
      db,
      SYSTEM_ACTOR,
      patient.id,
      {
        presentation: "CES-I",
        mriAt: new Date(anaesthesia.getTime() - 6 * 3600_000).toISOString(),
        anaesthesiaStartAt: anaesthesia.toISOString(),
        procedure: "laminotomy",
        level: "L4/5",
        surgeon: "Mr A Surgeon",
        hospital: "Pinderfields Hospital",
        ward: DEMO_WARD,
        wardId,
        consultantUserId: await consultantId(db, demo.consultant === "clinician" ? "clinician" : SECOND_CONSULTANT.username, at),
        bed: null,
        delayReason: null,
        consultantSanction: true,
        preopReviewAt: new Date(anaesthesia.getTime() - 3 * 3600_000).toISOString(),
        consentRecorded: true,
        bsrRegistered: true,
        catheterisedBeforeSurgery: true,
      },
      at,
    );
    const dischargedAt = new Date(now.getTime() - demo.dischargedDaysAgo * DAY).toISOString();
    await recordDischarge(db, SYSTEM_ACTOR, episode.id, { dischargedAt, destination: "Home", catheterStatus: demo.catheterAtDischarge }, at);
    for (const [name, dose] of demo.medicines) {
      await addMedication(db, SYSTEM_ACTOR, episode, { name, dose, startedOn: londonDate(dischargedAt) }, at);
    }
    const day = appointmentDate(today, demo.appointment);
    // A clinic later today when the week has no day left, so the demo's appointment is still to come.
    const time = day === today ? (demo.consultant === "oshah" ? "17:30" : "17:00") : demo.consultant === "oshah" ? "14:00" : "09:30";
    const appointment = londonLocalToInstant(day, time);
    if (appointment.ok) await setAppointment(db, SYSTEM_ACTOR, episode, appointment.instant, "Spinal outpatients", at);
  }
}
