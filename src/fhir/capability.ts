/** The CapabilityStatement: built from the same search table the routes use, so it claims nothing more. */
import type { CapabilityStatement, CapabilityStatementRestResource } from "@medplum/fhirtypes";
import { UK_CORE_PATIENT } from "./codes.ts";
import { SEARCHABLE, SEARCHES } from "./searches.ts";

/** When this statement last changed (CapabilityStatement.date is required). */
const STATEMENT_DATE = "2026-12-06";

const PAGING = [
  { name: "_count", type: "number", documentation: "Page size, 1 to 100 (default 50); the Bundle's next link gives the following page" },
  { name: "_offset", type: "number", documentation: "Where the page starts; sent in next links" },
] as const;

const DATE_DOC = "ge and le only, as in ge2026-11-24 or le2026-11-24T10:00:00Z; a date without a time is the whole day in UK time";

export function capabilityStatement(base: string): CapabilityStatement {
  const searchable: CapabilityStatementRestResource[] = SEARCHABLE.map((type) => {
    const spec = SEARCHES[type];
    return {
      type,
      documentation: spec.documentation,
      interaction: [{ code: "read" }, { code: "search-type" }],
      searchParam: [
        { name: "patient", type: "reference", documentation: "Required unless the encounter is given: Patient/{id} or {id}" },
        ...(spec.encounterParam ? [{ name: spec.encounterParam, type: "reference" as const, documentation: "Encounter/{id} or {id}" }] : []),
        ...(spec.dateParam ? [{ name: spec.dateParam, type: "date" as const, documentation: DATE_DOC }] : []),
        ...PAGING,
      ],
    };
  });
  return {
    resourceType: "CapabilityStatement",
    status: "active",
    date: STATEMENT_DATE,
    publisher: "CES follow-up care planner",
    description: "Read-only FHIR R4 access to the CES follow-up record, for clinician API tokens (Authorization: Bearer). _format=json is accepted everywhere; any parameter not listed here is refused with an OperationOutcome.",
    kind: "instance",
    software: { name: "CES follow-up care planner" },
    implementation: { description: "CES follow-up care planner FHIR R4 API", url: base },
    fhirVersion: "4.0.1",
    format: ["application/fhir+json", "json"],
    rest: [
      {
        mode: "server",
        security: { description: "A bearer token issued by an administrator, with the clinician role; the CapabilityStatement itself is open" },
        resource: [
          {
            type: "Patient",
            profile: UK_CORE_PATIENT,
            documentation: "Telecom (email) only where the patient consents to email; the GP practice as a contained Organization",
            interaction: [{ code: "read" }, { code: "search-type" }],
            searchParam: [
              { name: "identifier", type: "token", documentation: "Required: https://fhir.nhs.uk/Id/nhs-number|NNNNNNNNNN (or the 10 digits alone)" },
              ...PAGING,
            ],
            operation: [{ name: "everything", definition: "http://hl7.org/fhir/OperationDefinition/Patient-everything", documentation: "Every resource of the patient in one searchset Bundle; _count and _offset page it" }],
          },
          ...searchable,
          { type: "Binary", documentation: "A sent letter's PDF (application/pdf; a Binary resource with Accept: application/fhir+json)", interaction: [{ code: "read" }] },
          { type: "CodeSystem", documentation: "The app's own code systems, used where no SNOMED CT or LOINC code is confirmed yet", interaction: [{ code: "read" }] },
        ],
      },
    ],
  };
}
