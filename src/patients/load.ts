import type { Request } from "express";
import type { AppDeps } from "../deps.ts";
import { NotFoundError } from "../errors.ts";
import { idParam } from "../web/form-values.ts";
import type { Episode, Patient } from "./model.ts";
import { findEpisode, findPatient } from "./repository.ts";

/** The patient named by the route's :patientId, or 404. */
export async function loadPatient(deps: AppDeps, req: Request): Promise<Patient> {
  const id = idParam(req.params.patientId);
  const patient = id ? await findPatient(deps.db, id) : null;
  if (!patient) throw new NotFoundError("Patient");
  return patient;
}

/** The episode named by the route's :episodeId and its patient, or 404. */
export async function loadEpisode(deps: AppDeps, req: Request): Promise<{ episode: Episode; patient: Patient }> {
  const id = idParam(req.params.episodeId);
  const episode = id ? await findEpisode(deps.db, id) : null;
  if (!episode) throw new NotFoundError("Episode");
  const patient = (await findPatient(deps.db, episode.patientId))!;
  return { episode, patient };
}
