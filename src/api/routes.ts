import type { AppDeps } from "../deps.ts";
import { episodeChoices, findPatient } from "../patients/repository.ts";
import { registerPatient } from "../patients/service.ts";
import { EPISODE_FORM_FIELDS, PATIENT_FIELDS, readEpisode, readPatient } from "../patients/validation.ts";
import { NotFoundError } from "../errors.ts";
import { idParam } from "../web/form-values.ts";
import type { Role, RoleRouter } from "../web/routing.ts";
import { londonDate } from "../time.ts";
import { InputReader } from "../web/validation.ts";
import { episodeApiRoutes } from "./episodes.ts";
import { readEpisodeClientKey, registerEpisodeOnce, wardApiRoutes } from "./engines.ts";
import { buildOpenApi, episodeBodySchema, errorResponses, patientBodySchema } from "./openapi.ts";

/** Registering patients and episodes: the PAS or EPR (clinician or admin tokens); bladder scanners (nurse tokens) cannot. */
const PATIENT_SYSTEMS: readonly Role[] = ["clinician", "admin"];

export function apiRoutes(api: RoleRouter, deps: AppDeps): void {
  const { db, clock } = deps;

  api.get("/openapi.json", "public", (_req, res) => res.json(buildOpenApi(api.docs)));

  api.post("/patients", PATIENT_SYSTEMS, async (req, res, actor) => {
    const reader = new InputReader(req.body, "json");
    reader.rejectUnknown(PATIENT_FIELDS);
    const input = readPatient(reader, londonDate(clock()));
    const patient = await registerPatient(db, actor, input, clock().toISOString());
    res.status(201).json({ id: patient.id });
  });
  api.document("post", "/patients", {
    summary: "Register a patient (from the patient administration system or EPR)",
    requestBody: { required: true, content: { "application/json": { schema: patientBodySchema } } },
    responses: {
      "201": { description: "Registered", content: { "application/json": { schema: { type: "object", properties: { id: { type: "integer" } } } } } },
      ...errorResponses,
      "409": { description: "A patient with this NHS number is already registered" },
    },
  });

  api.post("/patients/:patientId/episodes", PATIENT_SYSTEMS, async (req, res, actor) => {
    const patientId = idParam(req.params.patientId);
    if (!patientId || !(await findPatient(db, patientId))) throw new NotFoundError("Patient");
    const reader = new InputReader(req.body, "json");
    reader.rejectUnknown([...EPISODE_FORM_FIELDS, "clientId"]);
    const clientKey = readEpisodeClientKey(reader);
    // The ward and the responsible consultant are checked as the episode form checks them.
    const input = readEpisode(reader, clock().toISOString(), await episodeChoices(db));
    const { id, repeated } = await registerEpisodeOnce(db, actor, patientId, input, clock().toISOString(), clientKey);
    res.status(repeated ? 200 : 201).json({ id });
  });
  api.document("post", "/patients/{patientId}/episodes", {
    summary: "Register a CES surgery episode for a patient",
    description:
      "Send a clientId (1 to 100 printable characters) to make a resend safe: the same clientId again for the same patient stores nothing and answers 200 with the first episode's id. The ward is a ward record: send wardId (a ward not retired; GET /wards lists them), or a ward's name as ward. The responsible consultant is consultantUserId, a clinician's account. An unknown or retired ward, or a consultant who is not an active clinician, is a 400 naming wardId or consultantUserId, and nothing is stored.",
    parameters: [{ name: "patientId", in: "path", required: true, schema: { type: "integer" } }],
    requestBody: { required: true, content: { "application/json": { schema: { ...episodeBodySchema, properties: { ...episodeBodySchema.properties, clientId: { type: "string", minLength: 1, maxLength: 100 } } } } } },
    responses: {
      "201": { description: "Registered", content: { "application/json": { schema: { type: "object", properties: { id: { type: "integer" } } } } } },
      "200": { description: "Already registered with this clientId for this patient: nothing new stored", content: { "application/json": { schema: { type: "object", properties: { id: { type: "integer" } } } } } },
      ...errorResponses,
      "404": { description: "No such patient" },
    },
  });

  episodeApiRoutes(api, deps);
  wardApiRoutes(api, deps);
}
