import { SYSTEM_ACTOR } from "../src/audit/audit.ts";
import type { Db } from "../src/db/knex.ts";
import type { SeedContext } from "../src/db/migrate.ts";
import { setAppointment } from "../src/followup/service.ts";
import { findLetter } from "../src/letters/repository.ts";
import { createLetter, markSent } from "../src/letters/service.ts";
import type { EpisodeInput, PatientInput } from "../src/patients/model.ts";
import { findPatientByNhsNumber } from "../src/patients/repository.ts";
import { recordDischarge, registerEpisode, registerPatient } from "../src/patients/service.ts";
import { markReminderDone } from "../src/reminders/service.ts";
import type { BladderEventInput } from "../src/ward/model.ts";
import { recordBladderEvent, recordTwocAction, startFlipFlow } from "../src/ward/service.ts";

const HOUR = 3600_000;
const HOSPITAL = "Leeds General Infirmary";
const WARD = "Ward 12 (Spinal surgery)";

const PAST: (PatientInput & { key: string })[] = [
  {
    key: "report-failed-twoc-discharged",
    nhsNumber: "9434765102", familyName: "Marsh", givenName: "Helen", dateOfBirth: "1966-03-12", sex: "female",
    email: null, emailConsent: false,
    gp: { name: "Kirkgate Surgery", address: "3 Kirkgate, Leeds LS2 7DJ", email: "kirkgate@example.nhs.uk" },
  },
  {
    key: "report-passed-discharged",
    nhsNumber: "9434765110", familyName: "Iqbal", givenName: "Yusuf", dateOfBirth: "1979-11-30", sex: "male",
    email: null, emailConsent: false,
    gp: { name: "Kirkgate Surgery", address: "3 Kirkgate, Leeds LS2 7DJ", email: "kirkgate@example.nhs.uk" },
  },
];

/**
 * Two past episodes at a second hospital, so every report has something to show: a CES-R night
 * operation delayed past 24 hours with a reason, a failed TWOC (U3), a day of flip-flow openings
 * (on time, late and one missed), ISC taught before discharge, U7 follow-up arranged, the SCI
 * referral and GP letter sent, and an outpatient appointment passed with no re-assessment recorded;
 * and a CES-I day operation whose TWOC passed.
 */
export async function seed(db: Db, { now }: SeedContext): Promise<void> {
  if (await findPatientByNhsNumber(db, PAST[0].nhsNumber)) return;
  const nowMs = now.getTime();
  const ago = (hours: number) => new Date(nowMs - hours * HOUR).toISOString();
  const actor = SYSTEM_ACTOR;
  if (!(await db("wards").where({ name: WARD }).first())) {
    await db("wards").insert({ name: WARD, email: "ward12@example.nhs.uk", phone: "0113 000 0012", created_at: now.toISOString(), updated_at: now.toISOString() });
  }
  const ward = (await db("wards").where({ name: WARD }).first("id")) as { id: number } | undefined;
  let key = 0;

  const episodeOf = async (p: PatientInput, surgery: Pick<EpisodeInput, "presentation" | "mriAt" | "anaesthesiaStartAt"> & Partial<EpisodeInput>) => {
    const patient = await registerPatient(db, actor, p, surgery.mriAt);
    return registerEpisode(db, actor, patient.id, {
      procedure: "hemilaminectomy", level: "L5/S1", surgeon: "Mr D Demo", hospital: HOSPITAL, ward: WARD, wardId: ward?.id ?? null, bed: "4",
      delayReason: null, consultantSanction: null, preopReviewAt: null, consentRecorded: true, bsrRegistered: true, catheterisedBeforeSurgery: true,
      ...surgery,
    }, surgery.anaesthesiaStartAt);
  };
  const event = async (episode: { id: number } & Parameters<typeof recordBladderEvent>[2], at: string, input: Partial<BladderEventInput> & Pick<BladderEventInput, "type">) =>
    recordBladderEvent(db, actor, episode, { at, phase: null, volumeMl: null, sensationToVoid: null, catheterType: null, ...input }, `report-seed-${++key}`, "system", at);

  // About 10 weeks ago: MRI, then anaesthesia 30 hours later at night (delay reason and sanction recorded).
  const s1 = 70 * 24;
  const failed = await episodeOf(PAST[0], {
    presentation: "CES-R", mriAt: ago(s1 + 30), anaesthesiaStartAt: ago(s1), delayReason: "No theatre free overnight; transferred from the district hospital",
    consultantSanction: true, preopReviewAt: ago(s1 + 2),
  });
  await event(failed, ago(s1 - 20), { type: "catheter-removed" });
  await event(failed, ago(s1 - 22), { type: "scan", phase: "pre-void", volumeMl: 640, sensationToVoid: false });
  await event(failed, ago(s1 - 22.5), { type: "recatheterised", catheterType: "long-term-flip-flow" });
  await startFlipFlow(db, actor, failed, { intervalMinutes: 240, firstOpeningAt: ago(s1 - 24), reason: "started", note: null }, `report-seed-${++key}`, ago(s1 - 23));
  // Openings due 24, 28, 32, 36, 40 and 44 hours after surgery: on time, late, on time, missed, on time, late.
  for (const [hours, volumeMl] of [[24, 320], [28.5, 410], [32, 300], [40, 520], [44.25, 280]] as const) {
    await event(failed, ago(s1 - hours), { type: "flip-flow-opening", volumeMl });
  }
  await recordTwocAction(db, actor, failed, "isc-referred", true, `report-seed-${++key}`, ago(s1 - 25));
  await recordTwocAction(db, actor, failed, "isc-taught", true, `report-seed-${++key}`, ago(s1 - 44));
  await recordDischarge(db, actor, failed.id, { dischargedAt: ago(s1 - 46), destination: "Home", catheterStatus: "flip-flow" }, ago(s1 - 46));
  const referral = await createLetter(db, actor, failed, "sci-referral", null, null, ago(s1 - 120));
  await markSent(db, actor, (await findLetter(db, referral))!, 1, "nscisb-web-form", ago(s1 - 120));
  const gp = await createLetter(db, actor, failed, "gp", null, null, ago(s1 - 48));
  await markSent(db, actor, (await findLetter(db, gp))!, 1, "post", ago(s1 - 48));
  await recordTwocAction(db, actor, failed, "follow-up-arranged", true, `report-seed-${++key}`, ago(s1 - 120));
  const p4 = (await db("reminders").where({ episode_id: failed.id, kind: "gp-drug-review", status: "scheduled" }).first("id")) as { id: number } | undefined;
  if (p4) await markReminderDone(db, { type: "user", id: null, name: "Dr Cara Clinician (clinician)" }, p4.id, ago(s1 - 14 * 24));
  // The outpatient appointment has passed and no re-assessment is recorded: the B6/X4 report shows it outstanding.
  await setAppointment(db, actor, failed, ago(s1 - 42 * 24), "Spinal outpatients, Leeds", ago(s1 - 50));

  // About 6 weeks ago, a day operation 5 hours after MRI; the TWOC passed the next morning.
  const s2 = 42 * 24;
  const passed = await episodeOf(PAST[1], { presentation: "CES-I", mriAt: ago(s2 + 5), anaesthesiaStartAt: ago(s2), preopReviewAt: ago(s2 + 1) });
  await event(passed, ago(s2 - 18), { type: "catheter-removed" });
  await event(passed, ago(s2 - 20.9), { type: "scan", phase: "pre-void", volumeMl: 350, sensationToVoid: true });
  await event(passed, ago(s2 - 21), { type: "void", volumeMl: 300 });
  await event(passed, ago(s2 - 21.1), { type: "scan", phase: "post-void", volumeMl: 40 });
  await recordDischarge(db, actor, passed.id, { dischargedAt: ago(s2 - 30), destination: "Home", catheterStatus: "none" }, ago(s2 - 30));
}
