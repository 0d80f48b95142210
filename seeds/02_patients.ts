import { SYSTEM_ACTOR } from "../src/audit/audit.ts";
import type { Db } from "../src/db/knex.ts";
import type { SeedContext } from "../src/db/migrate.ts";
import { recordDischarge, registerEpisode, registerPatient } from "../src/patients/service.ts";
import type { EpisodeInput, PatientInput } from "../src/patients/model.ts";
import { londonDate, londonLocalToInstant } from "../src/time.ts";

export const DEMO_WARD = "Ward 3 (Spinal)";
const HOUR = 3600_000;

/** Demo patients with valid (public test) NHS numbers. Later seeds add ward and follow-up data to them. */
export const DEMO_PATIENTS: (PatientInput & { key: string; surgeryHoursAgo: number; nightTime?: string; bed: string; episode: Partial<EpisodeInput> })[] = [
  {
    key: "twoc-under-way",
    nhsNumber: "9434765919", familyName: "Okafor", givenName: "Grace", dateOfBirth: "1978-04-12", sex: "female",
    email: "grace.okafor@example.com", emailConsent: true,
    gp: { name: "Leeds Road Surgery", address: "1 Leeds Road, Wakefield WF1 1AA", email: "leedsroad.surgery@example.nhs.uk" },
    surgeryHoursAgo: 30, bed: "4", episode: { presentation: "CES-I", procedure: "laminotomy", level: "L4/5" },
  },
  {
    key: "failed-twoc-flip-flow",
    nhsNumber: "9000000009", familyName: "Hughes", givenName: "David", dateOfBirth: "1965-11-30", sex: "male",
    email: null, emailConsent: false,
    gp: { name: "Park View Medical Centre", address: "22 Park View, Leeds LS6 2XY", email: "parkview.mc@example.nhs.uk" },
    surgeryHoursAgo: 52, bed: "7", episode: { presentation: "CES-R", procedure: "total-laminectomy", level: "L5/S1" },
  },
  {
    key: "outpatient-review-due",
    nhsNumber: "9876543210", familyName: "Patel", givenName: "Priya", dateOfBirth: "1983-02-28", sex: "female",
    email: "priya.patel@example.com", emailConsent: true,
    gp: { name: "Castle Health Centre", address: "5 Castle Street, Pontefract WF8 1AB", email: "castle.hc@example.nhs.uk" },
    surgeryHoursAgo: 24 * 95, bed: "2", episode: { presentation: "CES-I", procedure: "hemilaminectomy", level: "L3/4" },
  },
  {
    key: "night-surgery-flags",
    nhsNumber: "4010232137", familyName: "Brown", givenName: "Sam", dateOfBirth: "1990-07-04", sex: "not-known",
    email: null, emailConsent: false,
    gp: { name: "Leeds Road Surgery", address: "1 Leeds Road, Wakefield WF1 1AA", email: "leedsroad.surgery@example.nhs.uk" },
    // Anaesthesia at 02:15 UK time with no consultant sanction recorded (S-NIGHT), whatever the hour of the demo.
    surgeryHoursAgo: 8, nightTime: "02:15", bed: "11",
    episode: { presentation: "CES-R", procedure: "laminotomy", level: "L4/5", consentRecorded: false, bsrRegistered: null, consultantSanction: null },
  },
];

export async function seed(db: Db, { now }: SeedContext): Promise<void> {
  if (await db("patients").first()) return;
  const wardId: number | null = (await db("wards").where({ name: DEMO_WARD }).first("id"))?.id ?? null;
  const consultantUserId: number | null = (await db("users").where({ username: "clinician" }).first("id"))?.id ?? null;
  for (const demo of DEMO_PATIENTS) {
    const { key: _key, surgeryHoursAgo, nightTime, bed, episode, ...input } = demo;
    const patient = await registerPatient(db, SYSTEM_ACTOR, input, now.toISOString());
    const anaesthesia = surgeryTime(now, surgeryHoursAgo, nightTime);
    const created = await registerEpisode(
      db,
      SYSTEM_ACTOR,
      patient.id,
      {
        presentation: "CES-I",
        mriAt: new Date(anaesthesia.getTime() - 5 * HOUR).toISOString(),
        anaesthesiaStartAt: anaesthesia.toISOString(),
        procedure: "laminotomy",
        level: null,
        surgeon: "Mr A Surgeon",
        hospital: "Pinderfields Hospital",
        ward: DEMO_WARD,
        wardId,
        // The demo clinician is responsible; the surgeon's name on letters is another's.
        consultantUserId,
        bed,
        delayReason: null,
        // Demo surgeries fall at whatever hour the demo starts: sanctioned, so only Sam Brown shows S-NIGHT.
        consultantSanction: true,
        preopReviewAt: new Date(anaesthesia.getTime() - 3 * HOUR).toISOString(),
        consentRecorded: true,
        bsrRegistered: true,
        catheterisedBeforeSurgery: true,
        ...episode,
      },
      now.toISOString(),
    );
    if (demo.key === "outpatient-review-due") {
      const dischargedAt = new Date(anaesthesia.getTime() + 5 * 24 * HOUR).toISOString();
      await recordDischarge(db, SYSTEM_ACTOR, created.id, { dischargedAt, destination: "Home", catheterStatus: "none" }, now.toISOString());
    }
  }
}

/** Hours before now; or, for the night-time demo, that time of day (UK) on the date of those hours ago. */
function surgeryTime(now: Date, hoursAgo: number, nightTime?: string): Date {
  const earlier = new Date(now.getTime() - hoursAgo * HOUR);
  if (!nightTime) return earlier;
  const local = londonLocalToInstant(londonDate(earlier), nightTime);
  return local.ok ? new Date(local.instant) : earlier;
}
