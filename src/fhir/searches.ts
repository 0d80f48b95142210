/**
 * What each resource type can be searched by: one table, read by the search routes and by the
 * CapabilityStatement, so the statement says exactly what the routes do.
 */
import type { DocumentReference, Encounter, Flag, MedicationStatement, Observation, Procedure, Resource } from "@medplum/fhirtypes";
import { rangeOf, type Range } from "./search.ts";

export interface SearchSpec {
  /** The parameter naming the encounter (FHIR R4's name for the type: MedicationStatement's is context), if any. */
  encounterParam?: string;
  encounterOf?: (r: Resource) => string | undefined;
  /** The date parameter (MedicationStatement's is effective), if any. */
  dateParam?: string;
  dateOf?: (r: Resource) => Range | null;
  documentation: string;
}

export const SEARCHABLE = ["Encounter", "Procedure", "Observation", "Flag", "MedicationStatement", "DocumentReference"] as const;
export type SearchableType = (typeof SEARCHABLE)[number];

export const SEARCHES: Record<SearchableType, SearchSpec> = {
  Encounter: {
    dateParam: "date",
    dateOf: (r) => rangeOf((r as Encounter).period),
    documentation: "Each inpatient CES episode: surgery to discharge, ward and bed, discharge destination",
  },
  Procedure: {
    encounterParam: "encounter",
    encounterOf: (r) => (r as Procedure).encounter?.reference,
    dateParam: "date",
    dateOf: (r) => rangeOf((r as Procedure).performedDateTime),
    documentation: "The decompression surgery of each episode: start of anaesthesia, procedure and spinal level as text",
  },
  Observation: {
    encounterParam: "encounter",
    encounterOf: (r) => (r as Observation).encounter?.reference,
    dateParam: "date",
    dateOf: (r) => rangeOf((r as Observation).effectiveDateTime),
    documentation: "Bladder scans, voids and flip-flow drainings, in mL; a scan's phase and sensation to void as components. Corrected entries are sent as their correction only",
  },
  Flag: {
    encounterParam: "encounter",
    encounterOf: (r) => (r as Flag).encounter?.reference,
    documentation: "The rule engine's alerts now: U-SAFE not yet resolved, and the U6 lock on a new TWOC",
  },
  MedicationStatement: {
    encounterParam: "context",
    encounterOf: (r) => (r as MedicationStatement).context?.reference,
    dateParam: "effective",
    dateOf: (r) => rangeOf((r as MedicationStatement).effectivePeriod),
    documentation: "The medication list of each episode, current and stopped",
  },
  DocumentReference: {
    encounterParam: "encounter",
    encounterOf: (r) => (r as DocumentReference).context?.encounter?.[0]?.reference,
    dateParam: "date",
    dateOf: (r) => rangeOf((r as DocumentReference).date),
    documentation: "Each sent version of a letter, its PDF at Binary/{id}",
  },
};

/** Every parameter a search of the type accepts. */
export function searchParams(type: SearchableType): string[] {
  const spec = SEARCHES[type];
  return ["patient", ...(spec.encounterParam ? [spec.encounterParam] : []), ...(spec.dateParam ? [spec.dateParam] : []), "_count", "_offset"];
}
