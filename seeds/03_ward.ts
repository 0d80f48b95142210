import { SYSTEM_ACTOR } from "../src/audit/audit.ts";
import type { Db } from "../src/db/knex.ts";
import type { SeedContext } from "../src/db/migrate.ts";
import type { Episode, PatientInput } from "../src/patients/model.ts";
import { findPatientByNhsNumber, toEpisode } from "../src/patients/repository.ts";
import { registerEpisode, registerPatient } from "../src/patients/service.ts";
import { rederiveEpisodes } from "../src/patients/change.ts";
import type { BladderEventInput, TwocAction } from "../src/ward/model.ts";
import { recordBladderEvent, recordTwocAction, startFlipFlow } from "../src/ward/service.ts";
import { DEMO_PATIENTS, DEMO_WARD } from "./02_patients.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;

type Step =
  | { ago: number; event: Partial<BladderEventInput> & { type: BladderEventInput["type"] } }
  | { ago: number; schedule: { intervalMinutes: number; firstOpeningAgo: number } }
  | { ago: number; tick: TwocAction };

/** More ward inpatients: a passed TWOC, one outside the pathway's thresholds and one re-catheterised mid-trial (both clinical review). */
const EXTRA: (PatientInput & { key: string; bed: string; surgeryHoursAgo: number })[] = [
  {
    key: "twoc-passed",
    nhsNumber: "9434765005", familyName: "Khan", givenName: "Amira", dateOfBirth: "1972-09-15", sex: "female",
    email: null, emailConsent: false,
    gp: { name: "Castle Health Centre", address: "5 Castle Street, Pontefract WF8 1AB", email: "castle.hc@example.nhs.uk" },
    bed: "9", surgeryHoursAgo: 40,
  },
  {
    key: "twoc-clinical-review",
    nhsNumber: "9434765013", familyName: "Walsh", givenName: "Tom", dateOfBirth: "1958-01-21", sex: "male",
    email: null, emailConsent: false,
    gp: { name: "Park View Medical Centre", address: "22 Park View, Leeds LS6 2XY", email: "parkview.mc@example.nhs.uk" },
    bed: "14", surgeryHoursAgo: 28,
  },
  {
    key: "twoc-recatheterised-undecided",
    nhsNumber: "9434765021", familyName: "Lewis", givenName: "Owen", dateOfBirth: "1980-06-02", sex: "male",
    email: null, emailConsent: false,
    gp: { name: "Castle Health Centre", address: "5 Castle Street, Pontefract WF8 1AB", email: "castle.hc@example.nhs.uk" },
    bed: "5", surgeryHoursAgo: 30,
  },
];

const opening = (ago: number, volumeMl: number): Step => ({ ago, event: { type: "flip-flow-opening", volumeMl } });

/** Each demo patient's bladder story, as minutes before now. */
const STORIES: Record<string, Step[]> = {
  // TWOC under way: catheter out about 3 h ago, a pre-void scan; the 6-hour clock is running.
  "twoc-under-way": [
    { ago: 180, event: { type: "catheter-removed" } },
    { ago: 60, event: { type: "scan", phase: "pre-void", volumeMl: 320, sensationToVoid: true } },
  ],
  // Failed yesterday by U3 (620 ml, no sensation: also U-SAFE), re-catheterised with a flip-flow
  // valve, every 4 h; openings recorded (the last two at 500 ml or more: F2), the latest one overdue.
  "failed-twoc-flip-flow": [
    { ago: 44 * 60, event: { type: "catheter-removed" } },
    { ago: 41 * 60, event: { type: "scan", phase: "pre-void", volumeMl: 620, sensationToVoid: false } },
    { ago: 40 * 60 + 30, event: { type: "recatheterised", catheterType: "long-term-flip-flow" } },
    { ago: 40 * 60 + 25, schedule: { intervalMinutes: 240, firstOpeningAgo: 36 * 60 + 40 } },
    opening(36 * 60 + 38, 300),
    opening(32 * 60 + 35, 350),
    opening(28 * 60 + 40, 380),
    opening(24 * 60 + 35, 360),
    opening(20 * 60 + 40, 380),
    opening(16 * 60 + 35, 420),
    opening(12 * 60 + 40, 450),
    opening(8 * 60 + 30, 520),
    opening(4 * 60 + 40, 560),
    { ago: 20 * 60, tick: "isc-referred" },
  ],
  "twoc-passed": [
    { ago: 12 * 60, event: { type: "catheter-removed" } },
    { ago: 9 * 60, event: { type: "void", volumeMl: 250 } },
    { ago: 8 * 60 + 55, event: { type: "scan", phase: "post-void", volumeMl: 60 } },
  ],
  "twoc-clinical-review": [
    { ago: 5 * 60, event: { type: "catheter-removed" } },
    { ago: 2 * 60, event: { type: "void", volumeMl: 150 } },
    { ago: 115, event: { type: "scan", phase: "post-void", volumeMl: 250 } },
  ],
  // Re-catheterised (uncomfortable) before any rule decided the trial: clinical review, no U4 clock.
  "twoc-recatheterised-undecided": [
    { ago: 4 * 60, event: { type: "catheter-removed" } },
    { ago: 3 * 60, event: { type: "scan", phase: "pre-void", volumeMl: 380, sensationToVoid: true } },
    { ago: 2 * 60, event: { type: "recatheterised", catheterType: "other" } },
  ],
  // "night-surgery-flags": catheter in situ, TWOC not started: no events.
};

async function episodeOf(db: Db, nhsNumber: string): Promise<Episode | null> {
  const patient = await findPatientByNhsNumber(db, nhsNumber);
  if (!patient) return null;
  const row = await db("episodes").where({ patient_id: patient.id }).orderBy("id", "desc").first();
  return row ? toEpisode(row) : null;
}

export async function seed(db: Db, { now }: SeedContext): Promise<void> {
  const nowMs = now.getTime();
  const iso = (ms: number) => new Date(ms).toISOString();

  // As the other demo episodes: on the demo ward's record, the demo clinician responsible.
  const wardId: number | null = (await db("wards").where({ name: DEMO_WARD }).first("id"))?.id ?? null;
  const consultantUserId: number | null = (await db("users").where({ username: "clinician" }).first("id"))?.id ?? null;
  for (const extra of EXTRA) {
    if (await findPatientByNhsNumber(db, extra.nhsNumber)) continue;
    const { key: _k, bed, surgeryHoursAgo, ...input } = extra;
    const patient = await registerPatient(db, SYSTEM_ACTOR, input, iso(nowMs));
    const anaesthesia = nowMs - surgeryHoursAgo * HOUR;
    await registerEpisode(
      db,
      SYSTEM_ACTOR,
      patient.id,
      {
        presentation: "CES-I", mriAt: iso(anaesthesia - 6 * HOUR), anaesthesiaStartAt: iso(anaesthesia), procedure: "laminotomy", level: "L4/5",
        surgeon: "Ms B Surgeon", hospital: "Pinderfields Hospital", ward: DEMO_WARD, wardId, consultantUserId, bed, delayReason: null, consultantSanction: null,
        preopReviewAt: iso(anaesthesia - 4 * HOUR), consentRecorded: true, bsrRegistered: true, catheterisedBeforeSurgery: true,
      },
      iso(nowMs),
    );
  }

  const nhsByKey = new Map<string, string>([...DEMO_PATIENTS, ...EXTRA].map((p) => [p.key, p.nhsNumber]));
  for (const [key, steps] of Object.entries(STORIES)) {
    const episode = await episodeOf(db, nhsByKey.get(key)!);
    if (!episode) continue;
    if (await db("bladder_events").where({ episode_id: episode.id }).first()) continue; // already seeded
    let n = 0;
    for (const step of steps) {
      const at = nowMs - step.ago * MIN;
      const recordedAt = iso(at + MIN); // entered a minute after it happened
      const seedKey = `seed:${key}:${n++}`;
      if ("event" in step) {
        const input: BladderEventInput = { phase: null, volumeMl: null, sensationToVoid: null, catheterType: null, ...step.event, at: iso(at) };
        await recordBladderEvent(db, SYSTEM_ACTOR, episode, input, seedKey, "system", recordedAt);
      } else if ("schedule" in step) {
        await startFlipFlow(db, SYSTEM_ACTOR, episode, { intervalMinutes: step.schedule.intervalMinutes, firstOpeningAt: iso(nowMs - step.schedule.firstOpeningAgo * MIN), reason: "started", note: null }, seedKey, recordedAt);
      } else {
        await recordTwocAction(db, SYSTEM_ACTOR, episode, step.tick, true, seedKey, recordedAt);
      }
    }
    // The story was recorded as it happened, in the past: derive again at the demo's now.
    await rederiveEpisodes(db, [episode.id], iso(nowMs));
  }
}
