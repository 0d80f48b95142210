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
    surgeon: { type: "string" },
    hospital: { type: "string" },
    ward: { type: "string" },
    bed: { type: "string" },
    delayReason: { type: "string" },
    consultantSanction: { type: "boolean" },
    preopReviewAt: instant,
    consentRecorded: { type: "boolean" },
    bsrRegistered: { type: "boolean" },
    catheterisedBeforeSurgery: { type: "boolean" },
  },
};
