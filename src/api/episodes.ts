import type { AppDeps } from "../deps.ts";
import type { Db } from "../db/knex.ts";
import { getFollowupState } from "../followup/index.ts";
import type { Episode, EpisodeInput } from "../patients/model.ts";
import { episodeChoices, episodeLinkNames, episodesForPatient, findPatientByNhsNumber } from "../patients/repository.ts";
import { episodeFromParam } from "../patients/load.ts";
import { correctEpisode, recordDischarge } from "../patients/service.ts";
import { EPISODE_FIELDS, EPISODE_FORM_FIELDS, readDischarge, readEpisode, readNhsNumber } from "../patients/validation.ts";
import { episodeReminders } from "../reminders/queries.ts";
import { getWardState } from "../ward/index.ts";
import { CLINICAL, type Role, type RoleRouter } from "../web/routing.ts";
import { InputReader } from "../web/validation.ts";
import { dischargeBodySchema, episodeBodySchema, episodeSchema, errorResponses, patientMatchSchema, reminderSchema } from "./openapi.ts";

/** Finding a patient by NHS number: the clinical systems, and the PAS (admin token) before it registers one. */
const PATIENT_READERS: readonly Role[] = ["nurse", "clinician", "admin"];
/** Correcting an episode and recording its discharge: the EPR (clinician) and the PAS (admin), as for registering. */
const EPISODE_WRITERS: readonly Role[] = ["clinician", "admin"];
const DISCHARGE_FIELDS = ["dischargedAt", "destination", "catheterStatus"] as const;

const episodeIdParam = [{ name: "episodeId", in: "path", required: true, schema: { type: "integer" } }];
const json = (schema: unknown) => ({ "application/json": { schema } });
const { "400": invalid, ...authResponses } = errorResponses;

function episodeInput(episode: Episode): EpisodeInput {
  return Object.fromEntries(EPISODE_FIELDS.map((f) => [f, episode[f]])) as unknown as EpisodeInput;
}

/** The episode as the API shows it: its record, ward, consultant, discharge and the current decisions. */
/** The episode as the API shows it; the clinical decisions only to clinical tokens (nurse, clinician). */
async function episodeView(db: Db, episode: Episode, now: string, options: { decisions: boolean } = { decisions: true }) {
  const decisions = options.decisions ? await currentDecisions(db, episode, now) : undefined;
  const names = await episodeLinkNames(db, [episode]);
  // The ward record's name as it is now; an episode linked to no ward shows its ward text.
  const wardName = (episode.wardId !== null ? names.wards.get(episode.wardId) : undefined) ?? episode.ward;
  return {
    id: episode.id,
    patientId: episode.patientId,
    ...episodeInput(episode),
    ward: wardName === null ? null : { id: episode.wardId, name: wardName },
    consultant: episode.consultantUserId === null ? null : { id: episode.consultantUserId, name: names.consultants.get(episode.consultantUserId) ?? null },
    discharge: episode.discharge,
    ...(decisions ? { decisions } : {}),
    createdAt: episode.createdAt,
    updatedAt: episode.updatedAt,
  };
}

async function currentDecisions(db: Db, episode: Episode, now: string) {
  const [ward, followup] = [await getWardState(db, episode.id, now), await getFollowupState(db, episode.id, now)];
  return { twoc: ward.twoc, painPhase: followup.painPhase, chronicFrom: followup.chronicFrom, sciReferral: followup.sciReferral };
}

/**
 * A patch over the current record, as one body for readEpisode. Links not sent stay: the episode's
 * ward record (checked again, its name becoming the ward text) and its consultant. An episode linked
 * to no ward keeps its ward text unchecked unless the patch sends `ward` or `wardId`; `wardId: null`
 * alone clears the ward.
 */
function patchedBody(episode: Episode, patch: Record<string, unknown>): { body: Record<string, unknown>; keepWardText: boolean } {
  const body: Record<string, unknown> = { ...episodeInput(episode), ...patch };
  const sendsWard = "ward" in patch || "wardId" in patch;
  if (!sendsWard && episode.wardId !== null) body.wardId = episode.wardId;
  if (!sendsWard && episode.wardId === null) delete body.ward;
  if ("wardId" in patch && patch.wardId === null && !("ward" in patch)) body.ward = null;
  if (!("consultantUserId" in patch)) body.consultantUserId = episode.consultantUserId;
  return { body, keepWardText: !sendsWard && episode.wardId === null };
}

/** Whether a read input differs from the stored episode (a link left undefined is unchanged). */
function changesEpisode(input: EpisodeInput, episode: Episode): boolean {
  const stored = episode as unknown as Record<string, unknown>;
  const read = input as unknown as Record<string, unknown>;
  return EPISODE_FORM_FIELDS.some((f) => read[f] !== undefined && JSON.stringify(read[f]) !== JSON.stringify(stored[f]));
}

export function episodeApiRoutes(api: RoleRouter, deps: AppDeps): void {
  const { db, clock } = deps;
  const now = () => clock().toISOString();

  // ---------------------------------------------------------------- patients by NHS number
  api.get("/patients", PATIENT_READERS, async (req, res) => {
    const reader = new InputReader(req.query, "json");
    reader.rejectUnknown(["nhsNumber"]);
    const nhsNumber = readNhsNumber(reader);
    reader.result(null);
    const patient = await findPatientByNhsNumber(db, nhsNumber!);
    if (!patient) return res.json([]);
    const episodes = await episodesForPatient(db, patient.id);
    const names = await episodeLinkNames(db, episodes);
    res.json([
      {
        id: patient.id,
        nhsNumber: patient.nhsNumber,
        familyName: patient.familyName,
        givenName: patient.givenName,
        dateOfBirth: patient.dateOfBirth,
        sex: patient.sex,
        episodes: episodes.map((e) => ({ id: e.id, anaesthesiaStartAt: e.anaesthesiaStartAt, ward: (e.wardId !== null ? names.wards.get(e.wardId) : undefined) ?? e.ward, dischargedAt: e.discharge?.dischargedAt ?? null })),
      },
    ]);
  });
  api.document("get", "/patients", {
    summary: "Find a patient by NHS number",
    description: "Answers a list: one patient, or none when the NHS number is not registered. Spaces in the NHS number are allowed.",
    parameters: [{ name: "nhsNumber", in: "query", required: true, schema: { type: "string" }, description: "10 digits with a valid Modulus 11 check digit" }],
    responses: {
      "200": { description: "The matching patients (at most one)", content: json({ type: "array", items: patientMatchSchema }) },
      "400": { ...invalid, description: "Missing or invalid NHS number, or an unknown query parameter" },
      ...authResponses,
    },
  });

  // ---------------------------------------------------------------- one episode
  api.get("/episodes/:episodeId", CLINICAL, async (req, res) => {
    const episode = await episodeFromParam(db, req.params.episodeId);
    res.json(await episodeView(db, episode, now()));
  });
  api.document("get", "/episodes/{episodeId}", {
    summary: "An episode: its surgery record, ward, consultant, discharge and the current decisions (TWOC, pain phase, SCI referral)",
    parameters: episodeIdParam,
    responses: {
      "200": { description: "The episode", content: json(episodeSchema) },
      ...authResponses,
      "404": { description: "No such episode" },
    },
  });

  api.patch("/episodes/:episodeId", EPISODE_WRITERS, async (req, res, actor) => {
    const episode = await episodeFromParam(db, req.params.episodeId);
    const patch = new InputReader(req.body, "json");
    patch.rejectUnknown(EPISODE_FORM_FIELDS);
    if (patch.errors.length === 0 && Object.keys(req.body as object).length === 0) patch.fail("body", "Send at least one field of the episode to correct");
    patch.result(null);
    const at = now();
    // The patch over the current record, checked as a whole with the registration rules, the ward
    // and consultant as the episode form checks them (the episode's own may be retired or disabled).
    const { body, keepWardText } = patchedBody(episode, req.body as Record<string, unknown>);
    const read = readEpisode(new InputReader(body, "json"), at, await episodeChoices(db, episode));
    const input: EpisodeInput = keepWardText ? { ...read, ward: episode.ward, wardId: undefined } : read;
    const result = changesEpisode(input, episode) ? await correctEpisode(db, actor, episode.id, input, at) : episode;
    // An admin token (the PAS) may correct the record but not read the clinical decisions.
    res.json(await episodeView(db, result, at, { decisions: actor.role !== "admin" }));
  });
  api.document("patch", "/episodes/{episodeId}", {
    summary: "Correct an episode's surgery record",
    description:
      "Send only the fields to change; null clears an optional field. The corrected record is checked as a whole, as on registration (times in the past, anaesthesia after the MRI). The ward (wardId, or a ward's name as ward) and the responsible consultant (consultantUserId) are checked as on registration, except that the episode's own ward or consultant may be kept when since retired or disabled; not sent, they stay as they are. The previous values are kept in the audit trail. A patch that changes nothing stores nothing.",
    parameters: episodeIdParam,
    requestBody: { required: true, content: json({ ...episodeBodySchema, required: [], minProperties: 1 }) },
    responses: {
      "200": { description: "Corrected (or unchanged): the episode as now stored", content: json(episodeSchema) },
      ...errorResponses,
      "404": { description: "No such episode" },
    },
  });

  // ---------------------------------------------------------------- discharge
  api.post("/episodes/:episodeId/discharge", EPISODE_WRITERS, async (req, res, actor) => {
    const episode = await episodeFromParam(db, req.params.episodeId);
    const at = now();
    const reader = new InputReader(req.body, "json");
    reader.rejectUnknown(DISCHARGE_FIELDS);
    const discharge = readDischarge(reader, at, episode.anaesthesiaStartAt);
    // Already discharged: the same discharge is 200, a different one 409, decided with the episode locked.
    const { episode: updated, repeated } = await recordDischarge(db, actor, episode.id, discharge, at, { onlyIfNotDischarged: true });
    res.status(repeated ? 200 : 201).json({ id: updated.id, discharge: updated.discharge });
  });
  api.document("post", "/episodes/{episodeId}/discharge", {
    summary: "Record the discharge that ends the inpatient part of an episode (PAS or EPR)",
    description:
      "The discharge time must be after the surgery, not before the episode's last bladder record (400, as on the discharge form), and not in the future. The same discharge sent again stores nothing and answers 200; a different one for an episode already discharged is refused (409): a discharge is corrected by a clinician on the episode's discharge page.",
    parameters: episodeIdParam,
    requestBody: { required: true, content: json(dischargeBodySchema) },
    responses: {
      "201": { description: "Recorded", content: json({ type: "object", properties: { id: { type: "integer" }, discharge: dischargeBodySchema } }) },
      "200": { description: "Already recorded with these values: nothing new stored", content: json({ type: "object", properties: { id: { type: "integer" }, discharge: dischargeBodySchema } }) },
      ...errorResponses,
      "404": { description: "No such episode" },
      "409": { description: "A different discharge is already recorded for this episode" },
    },
  });

  // ---------------------------------------------------------------- reminders
  api.get("/episodes/:episodeId/reminders", CLINICAL, async (req, res) => {
    const episode = await episodeFromParam(db, req.params.episodeId);
    res.json(await episodeReminders(db, episode.id));
  });
  api.document("get", "/episodes/{episodeId}/reminders", {
    summary: "The episode's reminders (for staff, the GP and the patient), whatever their status, in due order",
    parameters: episodeIdParam,
    responses: {
      "200": { description: "Reminders", content: json({ type: "array", items: reminderSchema }) },
      ...authResponses,
      "404": { description: "No such episode" },
    },
  });
}
