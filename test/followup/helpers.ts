import { SYSTEM_ACTOR } from "../../src/audit/audit.ts";
import type { Db } from "../../src/db/knex.ts";
import { registerEpisode, registerPatient } from "../../src/patients/service.ts";
import { demoEpisode } from "../../seeds/04_followup.ts";
import { wardIdFor } from "../helpers/wards.ts";

export { demoEpisode };

/** The name every page, letter and PDF must show literally, never as markup. */
export const HOSTILE_GIVEN = "<script>alert(1)</script>";
export const HOSTILE_FAMILY = "O'Brien-SSmith";

/** A patient with the hostile name and an episode whose surgery was `surgeryAt` (on the ward record "Ward 3 (Spinal)"). */
export async function hostilePatient(db: Db, surgeryAt: string, nowIso: string) {
  const patient = await registerPatient(
    db,
    SYSTEM_ACTOR,
    {
      nhsNumber: "4505577104",
      familyName: HOSTILE_FAMILY,
      givenName: HOSTILE_GIVEN,
      dateOfBirth: "1970-01-31",
      sex: "female",
      email: null,
      emailConsent: false,
      gp: { name: "<b>Moor</b> Surgery", address: "1 Moor Lane", email: "moor@example.nhs.uk" },
    },
    nowIso,
  );
  const episode = await registerEpisode(
    db,
    SYSTEM_ACTOR,
    patient.id,
    {
      presentation: "CES-R",
      mriAt: new Date(Date.parse(surgeryAt) - 5 * 3600_000).toISOString(),
      anaesthesiaStartAt: surgeryAt,
      procedure: "laminotomy",
      level: "L4/5",
      surgeon: "Ms S Surgeon",
      hospital: "Pinderfields Hospital",
      ward: "Ward 3 (Spinal)",
      wardId: await wardIdFor(db, "Ward 3 (Spinal)"),
      bed: "9",
      delayReason: null,
      consultantSanction: null,
      preopReviewAt: null,
      consentRecorded: true,
      bsrRegistered: true,
      catheterisedBeforeSurgery: true,
    },
    nowIso,
  );
  return { patient, episode };
}
