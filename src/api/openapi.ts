/** The OpenAPI 3 description of /api/v1, built from what each feature documents on the API router. */
export function buildOpenApi(paths: Record<string, Record<string, unknown>>) {
  const documented = Object.fromEntries(
    Object.entries(paths).map(([path, ops]) => [
      path,
      Object.fromEntries(Object.entries(ops).map(([method, op]) => [method, { security: [{ bearer: [] }], ...(op as object) }])),
    ]),
  );
  return {
    openapi: "3.0.3",
    info: {
      title: "CES follow-up care planner API",
      version: "1.0.0",
      description:
        "For hospital systems (patient administration system, EPR, bladder scanners). Bearer tokens are issued by an administrator. Times are ISO 8601 with an offset.",
    },
    servers: [{ url: "/api/v1" }],
    // The read-only FHIR R4 API beside this one; its CapabilityStatement says what it supports.
    externalDocs: { description: "FHIR R4 API (read-only, UK Core Patient): /fhir/R4, described by its CapabilityStatement", url: "/fhir/R4/metadata" },
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: { FieldErrors: fieldErrorsSchema },
    },
    paths: {
      "/openapi.json": { get: { summary: "This document", security: [], responses: { "200": { description: "OpenAPI document" } } } },
      ...documented,
    },
  };
}

const fieldErrorsSchema = {
  type: "object",
  properties: {
    code: { type: "string" },
    message: { type: "string" },
    errors: { type: "array", items: { type: "object", properties: { field: { type: "string" }, message: { type: "string" } } } },
  },
};

export const errorResponses = {
  "400": { description: "Invalid input; nothing stored", content: { "application/json": { schema: { $ref: "#/components/schemas/FieldErrors" } } } },
  "401": { description: "No valid bearer token" },
  "403": { description: "The token's role may not use this endpoint" },
};

const instant = { type: "string", format: "date-time", description: "ISO 8601 with an offset" };

export const patientBodySchema = {
  type: "object",
  additionalProperties: false,
  required: ["nhsNumber", "familyName", "givenName", "dateOfBirth", "sex"],
  properties: {
    nhsNumber: { type: "string", description: "10 digits with a valid Modulus 11 check digit; spaces allowed" },
    familyName: { type: "string", maxLength: 100 },
    givenName: { type: "string", maxLength: 100 },
    dateOfBirth: { type: "string", format: "date" },
    sex: { type: "string", enum: ["female", "male", "indeterminate", "not-known"] },
    email: { type: "string", format: "email" },
    emailConsent: { type: "boolean" },
    mobile: { type: "string", description: "UK mobile number for reminder texts; stored as +447..." },
    smsConsent: { type: "boolean" },
    gp: {
      type: "object",
      properties: { name: { type: "string" }, address: { type: "string" }, email: { type: "string", format: "email" } },
    },
  },
};

export const episodeBodySchema = {
  type: "object",
  additionalProperties: false,
  required: ["presentation", "mriAt", "anaesthesiaStartAt", "procedure"],
  properties: {
    presentation: { type: "string", enum: ["CES-I", "CES-R"] },
    mriAt: instant,
    anaesthesiaStartAt: instant,
    procedure: { type: "string", enum: ["total-laminectomy", "hemilaminectomy", "laminotomy"] },
    level: { type: "string" },
    surgeon: { type: "string", description: "The surgeon's name as letters show it" },
    hospital: { type: "string" },
    ward: {
      type: "string",
      description: "A ward's name, when wardId is not sent: it must name a ward that is not retired (trimmed, case ignored); otherwise a 400 on wardId",
    },
    wardId: {
      type: "integer",
      nullable: true,
      description: "The ward record the patient is on (see the ward list in the admin pages); an unknown or retired ward is a 400. The episode's ward text becomes the ward's name",
    },
    consultantUserId: {
      type: "integer",
      nullable: true,
      description: "The responsible consultant: the user id of a clinician's account that is not disabled; anything else is a 400. Not the same as surgeon (the name letters show)",
    },
    bed: { type: "string" },
    delayReason: { type: "string" },
    consultantSanction: { type: "boolean" },
    preopReviewAt: instant,
    consentRecorded: { type: "boolean" },
    bsrRegistered: { type: "boolean" },
    catheterisedBeforeSurgery: { type: "boolean" },
  },
};

export const dischargeBodySchema = {
  type: "object",
  additionalProperties: false,
  required: ["dischargedAt", "destination", "catheterStatus"],
  properties: {
    dischargedAt: { ...instant, description: "ISO 8601 with an offset; after the surgery, not in the future" },
    destination: { type: "string", maxLength: 200 },
    catheterStatus: { type: "string", enum: ["none", "flip-flow", "isc", "indwelling-free-drainage", "suprapubic"] },
  },
};

export const patientMatchSchema = {
  type: "object",
  properties: {
    id: { type: "integer" },
    nhsNumber: { type: "string" },
    familyName: { type: "string" },
    givenName: { type: "string" },
    dateOfBirth: { type: "string", format: "date" },
    sex: { type: "string", enum: ["female", "male", "indeterminate", "not-known"] },
    episodes: {
      type: "array",
      description: "Newest first",
      items: {
        type: "object",
        properties: { id: { type: "integer" }, anaesthesiaStartAt: instant, ward: { type: "string", nullable: true }, dischargedAt: { ...instant, nullable: true } },
      },
    },
  },
};

/** The surgery record as an episode shows it: the body's fields, with the links shown as ward and consultant. */
const { wardId: _wardId, consultantUserId: _consultantUserId, ...episodeBodyProperties } = episodeBodySchema.properties;
/** A field the body may leave out is null in the record until it is given. */
const episodeRecordProperties = Object.fromEntries(
  Object.entries(episodeBodyProperties).map(([name, schema]) => [name, episodeBodySchema.required.includes(name) ? schema : { ...schema, nullable: true }]),
);

export const episodeSchema = {
  type: "object",
  properties: {
    id: { type: "integer" },
    patientId: { type: "integer" },
    ...episodeRecordProperties,
    ward: {
      type: "object",
      nullable: true,
      description: "The ward record the episode is linked to, with its name as it is now; for an episode linked to no ward, id is null and name is the ward text recorded; null when there is no ward",
      properties: { id: { type: "integer", nullable: true }, name: { type: "string" } },
    },
    consultant: {
      type: "object",
      nullable: true,
      description: "The responsible consultant: the clinician's account and its display name; null when none is recorded. The surgeon's name as letters show it is surgeon",
      properties: { id: { type: "integer" }, name: { type: "string" } },
    },
    discharge: { ...dischargeBodySchema, nullable: true, additionalProperties: undefined },
    decisions: {
      type: "object",
      properties: {
        twoc: {
          type: "object",
          description: "The trial without catheter now: the rule engine's assessment",
          properties: {
            status: { type: "string", enum: ["not-started", "in-progress", "passed", "failed", "review"] },
            rules: { type: "array", items: { type: "string" } },
            reason: { type: "string" },
            noVoidDeadline: { type: "string", nullable: true, description: "U4 deadline in Europe/London with its offset, while the TWOC is open" },
          },
        },
        painPhase: { type: "string", enum: ["acute", "chronic"] },
        chronicFrom: { type: "string", format: "date", description: "The day the chronic pain phase starts (P5-P8 apply from it)" },
        sciReferral: {
          type: "object",
          properties: {
            indicated: { type: "boolean" },
            reasons: { type: "array", items: { type: "object", properties: { rule: { type: "string" }, text: { type: "string" } } } },
            sentAt: { ...instant, nullable: true },
          },
        },
      },
    },
    createdAt: instant,
    updatedAt: instant,
  },
};

export const reminderSchema = {
  type: "object",
  properties: {
    kind: { type: "string", description: "e.g. twoc-no-void-deadline, flipflow-opening, gp-drug-review" },
    audience: { type: "string", enum: ["patient", "ward", "clinician", "gp"] },
    channel: { type: "string", enum: ["email", "screen"] },
    dueAt: instant,
    status: { type: "string", description: "e.g. scheduled, sent, done, cancelled" },
    rules: { type: "array", items: { type: "string" }, description: "Rule ids of the pathway" },
  },
};

/** GET /episodes/{episodeId}/follow-up: the follow-up facts the reminders read (FollowupState in src/followup/index.ts). */
export const followupStateSchema = {
  type: "object",
  additionalProperties: false,
  required: ["painPhase", "chronicFrom", "outpatientAppointmentAt", "reassessmentDone", "reassessmentOutstanding", "sciReferral", "gpDrugReviewDue", "gpLetterSentAt"],
  properties: {
    painPhase: { type: "string", enum: ["acute", "chronic"] },
    chronicFrom: { type: "string", format: "date", description: "The day the chronic pain phase starts (P5-P8 apply from it)" },
    outpatientAppointmentAt: { ...instant, nullable: true, description: "The surgical outpatient appointment (B6, X4)" },
    reassessmentDone: { type: "boolean", description: "An outpatient re-assessment of bowel and sexual function (B6, X4) is recorded" },
    reassessmentOutstanding: {
      type: "array",
      items: { type: "string", enum: ["B6", "X4"] },
      description: "The re-assessments not yet done: B6 (bowel function), X4 (sexual function); empty when both are done",
    },
    sciReferral: {
      type: "object",
      additionalProperties: false,
      properties: {
        indicated: { type: "boolean", description: "A referral to the SCI centre is indicated by what is recorded (R1)" },
        reasons: { type: "array", items: { type: "object", properties: { rule: { type: "string" }, text: { type: "string" } } } },
        sentAt: { ...instant, nullable: true, description: "When the first SCI referral letter was marked sent" },
      },
    },
    gpDrugReviewDue: {
      type: "object",
      nullable: true,
      additionalProperties: false,
      description: "P4: the GP's drug review window, 1 to 2 weeks after discharge, when discharged in the acute phase",
      properties: { from: { type: "string", format: "date" }, to: { type: "string", format: "date" } },
    },
    gpLetterSentAt: { ...instant, nullable: true, description: "When the first GP letter was marked sent" },
  },
};
