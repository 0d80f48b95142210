/**
 * Every code the FHIR API sends. No SNOMED CT or LOINC code is sent: none has yet been confirmed by
 * a terminologist for this app's records, so clinical concepts carry `text` plus a code of the
 * app's own code system (served at /fhir/R4/CodeSystem/{id}); the README lists what awaits
 * confirmation. The other systems below are FHIR's own, each checked against the FHIR R4 definitions
 * (the validator's code systems) and cited with its display term.
 */
import { LETTER_KIND_INFO, LETTER_KINDS } from "../letters/model.ts";
import { PROCEDURE_NAMES, PROCEDURES, type Sex } from "../patients/model.ts";

export const NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number";
export const UK_CORE_PATIENT = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient";
export const UCUM = "http://unitsofmeasure.org";

/**
 * Encounter.class: v3-ActCode "IMP" = "inpatient encounter" (as in UK Core's inpatient encounter
 * example, UKCore-Encounter-InpatientEncounter-Example).
 */
export const INPATIENT_CLASS = { system: "http://terminology.hl7.org/CodeSystem/v3-ActCode", code: "IMP", display: "inpatient encounter" };

/** Encounter.location.physicalType: location-physical-type "wa" = "Ward", "bd" = "Bed". */
const PHYSICAL_TYPE = "http://terminology.hl7.org/CodeSystem/location-physical-type";
export const WARD_TYPE = { coding: [{ system: PHYSICAL_TYPE, code: "wa", display: "Ward" }] };
export const BED_TYPE = { coding: [{ system: PHYSICAL_TYPE, code: "bd", display: "Bed" }] };

/**
 * Patient.gender (administrative-gender: male, female, other, unknown) from the NHS Data Dictionary's
 * person stated gender the app records, as UK Core's ConceptMap-UKCore-AdministrativeGender maps them:
 * 9 "Indeterminate (unable to be classified as either male or female)" = other, X "Not Known (not
 * recorded)" = unknown.
 */
export const GENDER: Record<Sex, "male" | "female" | "other" | "unknown"> = {
  male: "male",
  female: "female",
  indeterminate: "other",
  "not-known": "unknown",
};

/** The app's own code systems, each a CodeSystem resource the API serves. */
export interface AppCodeSystem {
  id: string;
  title: string;
  description: string;
  concepts: { code: string; display: string }[];
}

export const BLADDER_EVENT_CODES: AppCodeSystem = {
  id: "ces-bladder-event",
  title: "CES bladder events",
  description: "What a bladder observation of the CES follow-up care planner measures, and its components. Awaiting mapping to SNOMED CT or LOINC by a terminologist.",
  concepts: [
    { code: "bladder-scan-volume", display: "Bladder volume by bladder scan" },
    { code: "voided-volume", display: "Volume of urine passed (void)" },
    { code: "flip-flow-drained-volume", display: "Volume drained at a flip-flow valve opening" },
    { code: "scan-phase", display: "Bladder scan phase" },
    { code: "pre-void", display: "Pre-void scan" },
    { code: "post-void", display: "Post-void scan" },
    { code: "sensation-to-void", display: "Sensation to void" },
  ],
};

export const PROCEDURE_CODES: AppCodeSystem = {
  id: "ces-procedure",
  title: "CES decompression procedures",
  description: "The decompression the CES follow-up care planner records. Awaiting mapping to SNOMED CT (or OPCS-4) by a terminologist.",
  concepts: PROCEDURES.map((code) => ({ code, display: PROCEDURE_NAMES[code] })),
};

export const ALERT_CODES: AppCodeSystem = {
  id: "ces-alert",
  title: "CES pathway alerts",
  description: "Alerts of the regional CES pathway's rule book, by rule id. Awaiting mapping to SNOMED CT by a terminologist.",
  concepts: [
    { code: "U-SAFE", display: "Bladder volume over 600 ml: catheterise now" },
    { code: "U6", display: "Failed trial without catheter: no new TWOC at this stage" },
  ],
};

export const LETTER_CODES: AppCodeSystem = {
  id: "ces-letter",
  title: "CES follow-up letters",
  description: "The kinds of letter the CES follow-up care planner sends. Awaiting mapping to SNOMED CT record artifact codes by a terminologist.",
  concepts: LETTER_KINDS.map((code) => ({ code, display: LETTER_KIND_INFO[code].title })),
};

export const APP_CODE_SYSTEMS: AppCodeSystem[] = [BLADDER_EVENT_CODES, PROCEDURE_CODES, ALERT_CODES, LETTER_CODES];

/** A code of one of the app's code systems, as a Coding with its display. */
export function appCoding(base: string, system: AppCodeSystem, code: string): { system: string; code: string; display: string } {
  const concept = system.concepts.find((c) => c.code === code);
  if (!concept) throw new Error(`${code} is not in ${system.id}`);
  return { system: codeSystemUrl(base, system), code, display: concept.display };
}

/** A CodeableConcept of an app code, with text (what a reader sees when the code is unknown to them). */
export function appConcept(base: string, system: AppCodeSystem, code: string, text?: string) {
  const coding = appCoding(base, system, code);
  return { coding: [coding], text: text ?? coding.display };
}

export function codeSystemUrl(base: string, system: AppCodeSystem): string {
  return `${base}/CodeSystem/${system.id}`;
}
