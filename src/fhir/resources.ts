/**
 * The app's records as FHIR R4 resources: pure functions, no database. `base` is the FHIR base URL
 * (BASE_URL/fhir/R4). Times are sent as stored (UTC instants); dates as YYYY-MM-DD.
 */
import type {
  DocumentReference,
  Encounter,
  Flag,
  MedicationStatement,
  Observation,
  ObservationComponent,
  Patient as FhirPatient,
  Procedure,
  Reference,
} from "@medplum/fhirtypes";
import type { Medication } from "../followup/model.ts";
import { LETTER_KIND_INFO, type Letter, type LetterVersion } from "../letters/model.ts";
import { rules, type BladderAssessment } from "../pathway/index.ts";
import { PROCEDURE_NAMES, type Episode, type Patient } from "../patients/model.ts";
import type { StoredEvent } from "../ward/model.ts";
import {
  ALERT_CODES,
  appConcept,
  BED_TYPE,
  BLADDER_EVENT_CODES,
  GENDER,
  INPATIENT_CLASS,
  LETTER_CODES,
  NHS_NUMBER_SYSTEM,
  PROCEDURE_CODES,
  UCUM,
  UK_CORE_PATIENT,
  WARD_TYPE,
} from "./codes.ts";

/** References to other resources of the API: `Patient/12`, `Encounter/3`, `DocumentReference/7`. */
const patientRef = (id: number): Reference<FhirPatient> => ({ reference: `Patient/${id}` });
const encounterRef = (id: number): Reference<Encounter> => ({ reference: `Encounter/${id}` });
const meta = (lastUpdated: string) => ({ lastUpdated });

/** Telecom only with the patient's consent to email and no opt-out since. */
export function toFhirPatient(patient: Patient): FhirPatient {
  const emailAllowed = patient.email !== null && patient.emailConsent && patient.emailOptedOutAt === null;
  const gp = patient.gp;
  const hasGp = gp.name !== null || gp.address !== null;
  return {
    resourceType: "Patient",
    id: String(patient.id),
    meta: { ...meta(patient.updatedAt), profile: [UK_CORE_PATIENT] },
    ...(hasGp
      ? {
          contained: [
            {
              resourceType: "Organization",
              id: "gp",
              ...(gp.name ? { name: gp.name } : {}),
              ...(gp.address ? { address: [{ text: gp.address }] } : {}),
              ...(gp.email ? { telecom: [{ system: "email", value: gp.email, use: "work" }] } : {}),
            },
          ],
        }
      : {}),
    identifier: [{ system: NHS_NUMBER_SYSTEM, value: patient.nhsNumber }],
    name: [{ use: "official", family: patient.familyName, given: [patient.givenName] }],
    ...(emailAllowed ? { telecom: [{ system: "email", value: patient.email!, use: "home" }] } : {}),
    gender: GENDER[patient.sex],
    birthDate: patient.dateOfBirth,
    ...(hasGp ? { generalPractitioner: [{ reference: "#gp", ...(gp.name ? { display: gp.name } : {}) }] } : {}),
  };
}

const PRESENTATION_TEXT: Record<Episode["presentation"], string> = {
  "CES-I": "Cauda equina syndrome, incomplete (CES-I)",
  "CES-R": "Cauda equina syndrome with retention (CES-R)",
};

export interface EncounterNames {
  ward: string | null;
  consultant: string | null;
}

/** One inpatient episode: surgery to discharge, on its ward and bed. */
export function toEncounter(episode: Episode, names: EncounterNames): Encounter {
  const finished = episode.discharge !== null;
  const locationStatus = finished ? "completed" : "active";
  const location: Encounter["location"] = [];
  if (names.ward) location.push({ location: { display: names.ward }, status: locationStatus, physicalType: WARD_TYPE });
  if (episode.bed) location.push({ location: { display: names.ward ? `${names.ward}, bed ${episode.bed}` : `Bed ${episode.bed}` }, status: locationStatus, physicalType: BED_TYPE });
  return {
    resourceType: "Encounter",
    id: String(episode.id),
    meta: meta(episode.updatedAt),
    status: finished ? "finished" : "in-progress",
    class: INPATIENT_CLASS,
    subject: patientRef(episode.patientId),
    ...(names.consultant ? { participant: [{ individual: { display: names.consultant } }] } : {}),
    // The app records no admission time: the inpatient episode it follows starts with the surgery.
    period: { start: episode.anaesthesiaStartAt, ...(episode.discharge ? { end: episode.discharge.dischargedAt } : {}) },
    reasonCode: [{ text: PRESENTATION_TEXT[episode.presentation] }],
    ...(episode.discharge ? { hospitalization: { dischargeDisposition: { text: episode.discharge.destination } } } : {}),
    ...(location.length > 0 ? { location } : {}),
    ...(episode.hospital ? { serviceProvider: { display: episode.hospital } } : {}),
  };
}

/** The decompression surgery of an episode (same id as its Encounter). */
export function toProcedure(base: string, episode: Episode): Procedure {
  const name = PROCEDURE_NAMES[episode.procedure];
  return {
    resourceType: "Procedure",
    id: String(episode.id),
    meta: meta(episode.updatedAt),
    status: "completed",
    code: appConcept(base, PROCEDURE_CODES, episode.procedure, episode.level ? `${name} at ${episode.level}` : name),
    subject: patientRef(episode.patientId),
    encounter: encounterRef(episode.id),
    performedDateTime: episode.anaesthesiaStartAt,
    ...(episode.surgeon ? { performer: [{ actor: { display: episode.surgeon } }] } : {}),
    ...(episode.hospital ? { location: { display: episode.hospital } } : {}),
    reasonCode: [{ text: PRESENTATION_TEXT[episode.presentation] }],
    ...(episode.level ? { bodySite: [{ text: `Spinal level ${episode.level}` }] } : {}),
  };
}

const OBSERVED: Partial<Record<StoredEvent["type"], string>> = {
  scan: "bladder-scan-volume",
  void: "voided-volume",
  "flip-flow-opening": "flip-flow-drained-volume",
};

/** Whether a bladder event is sent as an Observation (scans, voids and valve drainings). */
export function isObservation(event: Pick<StoredEvent, "type">): boolean {
  return OBSERVED[event.type] !== undefined;
}

/** A bladder scan, void or flip-flow draining, with its volume in mL; a scan's phase and sensation as components. */
export function toObservation(base: string, episode: Pick<Episode, "id" | "patientId">, event: StoredEvent): Observation {
  const code = OBSERVED[event.type]!;
  const component: ObservationComponent[] = [];
  if (event.type === "scan" && event.phase) {
    component.push({ code: appConcept(base, BLADDER_EVENT_CODES, "scan-phase"), valueCodeableConcept: appConcept(base, BLADDER_EVENT_CODES, event.phase) });
  }
  if (event.type === "scan" && event.sensationToVoid !== null) {
    component.push({ code: appConcept(base, BLADDER_EVENT_CODES, "sensation-to-void"), valueBoolean: event.sensationToVoid });
  }
  return {
    resourceType: "Observation",
    id: String(event.id),
    meta: meta(event.recordedAt),
    // A correction is a new row that replaced the original: sent as amended.
    status: event.correctedFrom !== null ? "amended" : "final",
    code: appConcept(base, BLADDER_EVENT_CODES, code),
    subject: patientRef(episode.patientId),
    encounter: encounterRef(episode.id),
    effectiveDateTime: event.at,
    issued: event.recordedAt,
    performer: [{ display: event.recordedBy }],
    ...(event.volumeMl !== null
      ? { valueQuantity: { value: event.volumeMl, unit: "mL", system: UCUM, code: "mL" } }
      : { dataAbsentReason: { text: "Volume not measured" } }),
    ...(component.length > 0 ? { component } : {}),
  };
}

/** The flags the rule engine raises now for an episode: U-SAFE not yet resolved, and the U6 lock. */
export function toFlags(base: string, episode: Pick<Episode, "id" | "patientId">, bladder: BladderAssessment): Flag[] {
  const flags: Flag[] = [];
  const flag = (id: string, rule: "U-SAFE" | "U6"): Flag => ({
    resourceType: "Flag",
    id,
    status: "active",
    code: appConcept(base, ALERT_CODES, rule, `${rule}: ${rules[rule].text}`),
    subject: patientRef(episode.patientId),
    encounter: encounterRef(episode.id),
  });
  if (bladder.uSafe.active && !bladder.uSafe.resolved) flags.push(flag(`usafe-${episode.id}`, "U-SAFE"));
  if (bladder.u6Locked) flags.push(flag(`u6-${episode.id}`, "U6"));
  return flags;
}

/** A medicine on the episode's medication list, current or stopped. */
export function toMedicationStatement(episode: Pick<Episode, "id" | "patientId">, medication: Medication): MedicationStatement {
  const stopped = medication.stoppedOn !== null;
  return {
    resourceType: "MedicationStatement",
    id: String(medication.id),
    meta: meta(medication.stoppedAt ?? medication.createdAt),
    status: stopped ? "stopped" : "active",
    ...(stopped && medication.stopReason ? { statusReason: [{ text: medication.stopReason }] } : {}),
    medicationCodeableConcept: { text: medication.name },
    subject: patientRef(episode.patientId),
    context: encounterRef(episode.id),
    effectivePeriod: { start: medication.startedOn, ...(stopped ? { end: medication.stoppedOn! } : {}) },
    dateAsserted: medication.createdAt,
    informationSource: { display: medication.createdBy },
    ...(medication.dose ? { dosage: [{ text: medication.dose }] } : {}),
  };
}

export type SentVersion = Pick<LetterVersion, "id" | "version" | "sentAt" | "sentBy">;

/**
 * A sent version of a letter, its PDF at Binary/{id}. A later sent version of the same letter
 * supersedes it (and says so in relatesTo).
 */
export function toDocumentReference(base: string, episode: Pick<Episode, "id" | "patientId">, letter: Letter, version: SentVersion, previous: SentVersion | null, latest: boolean): DocumentReference {
  const title = `${LETTER_KIND_INFO[letter.kind].title}, version ${version.version}`;
  return {
    resourceType: "DocumentReference",
    id: String(version.id),
    meta: meta(version.sentAt!),
    status: latest ? "current" : "superseded",
    docStatus: "final",
    type: appConcept(base, LETTER_CODES, letter.kind),
    subject: patientRef(episode.patientId),
    date: version.sentAt!,
    author: [{ display: version.sentBy ?? "Unknown" }],
    description: title,
    ...(previous ? { relatesTo: [{ code: "replaces", target: { reference: `DocumentReference/${previous.id}` } }] } : {}),
    content: [{ attachment: { contentType: "application/pdf", url: `${base}/Binary/${version.id}`, title, creation: version.sentAt! } }],
    context: { encounter: [encounterRef(episode.id)] },
  };
}
