import { SYSTEM_ACTOR } from "../src/audit/audit.ts";
import type { Db } from "../src/db/knex.ts";
import type { SeedContext } from "../src/db/migrate.ts";
import { rederiveEpisodes } from "../src/patients/change.ts";
import { findPatientByNhsNumber } from "../src/patients/repository.ts";
import { registerEpisode, registerPatient } from "../src/patients/service.ts";
import type { BladderEventInput } from "../src/ward/model.ts";
import { recordBladderEvent } from "../src/ward/service.ts";
import { DEMO_WARD } from "./02_patients.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;
const NHS_NUMBER = "9434765072";

/**
 * A demo inpatient who has just voided and still needs the post-void scan, so the bladder page
 * and the ward's task list show "Do the post-void scan now" (the other demo patients show a
 * resolved U-SAFE alert, a flip-flow schedule and a failed TWOC already).
 */
export async function seed(db: Db, { now }: SeedContext): Promise<void> {
  if (await findPatientByNhsNumber(db, NHS_NUMBER)) return;
  const nowMs = now.getTime();
  const iso = (ms: number) => new Date(ms).toISOString();
  const wardId: number | null = (await db("wards").where({ name: DEMO_WARD }).first("id"))?.id ?? null;
  const consultantUserId: number | null = (await db("users").where({ username: "clinician" }).first("id"))?.id ?? null;
  const patient = await registerPatient(
    db,
    SYSTEM_ACTOR,
    { nhsNumber: NHS_NUMBER, familyName: "Ahmed", givenName: "Yusuf", dateOfBirth: "1969-03-08", sex: "male", email: null, emailConsent: false, gp: { name: "Castle Health Centre", address: "5 Castle Street, Pontefract WF8 1AB", email: "castle.hc@example.nhs.uk" } },
    iso(nowMs),
  );
  const anaesthesia = nowMs - 26 * HOUR;
  const episode = await registerEpisode(
    db,
    SYSTEM_ACTOR,
    patient.id,
    {
      presentation: "CES-I", mriAt: iso(anaesthesia - 6 * HOUR), anaesthesiaStartAt: iso(anaesthesia), procedure: "laminotomy", level: "L5/S1",
      surgeon: "Ms B Surgeon", hospital: "Pinderfields Hospital", ward: DEMO_WARD, wardId, consultantUserId, bed: "12", delayReason: null, consultantSanction: null,
      preopReviewAt: iso(anaesthesia - 4 * HOUR), consentRecorded: true, bsrRegistered: true, catheterisedBeforeSurgery: true,
    },
    iso(nowMs),
  );
  const steps: { ago: number; event: Partial<BladderEventInput> & Pick<BladderEventInput, "type"> }[] = [
    { ago: 150, event: { type: "catheter-removed" } },
    { ago: 25, event: { type: "scan", phase: "pre-void", volumeMl: 410, sensationToVoid: true } },
    { ago: 10, event: { type: "void", volumeMl: 350 } },
  ];
  let n = 0;
  for (const step of steps) {
    const at = nowMs - step.ago * MIN;
    const input: BladderEventInput = { phase: null, volumeMl: null, sensationToVoid: null, catheterType: null, ...step.event, at: iso(at) };
    await recordBladderEvent(db, SYSTEM_ACTOR, episode, input, `seed:void-awaiting-scan:${n++}`, "system", iso(at + MIN));
  }
  await rederiveEpisodes(db, [episode.id], iso(nowMs));
}
