import type { Request } from "express";
import type { Db } from "../db/knex.ts";
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

/** The episode named by a route's :episodeId, or 404 (API routes, with no patient page around it). */
export async function episodeFromParam(db: Db, value: unknown): Promise<Episode> {
  const id = idParam(value);
  const episode = id ? await findEpisode(db, id) : null;
  if (!episode) throw new NotFoundError("Episode");
  return episode;
}

/** The episode named by the route's :episodeId and its patient, or 404. */
export async function loadEpisode(deps: AppDeps, req: Request): Promise<{ episode: Episode; patient: Patient }> {
  const episode = await episodeFromParam(deps.db, req.params.episodeId);
  const patient = (await findPatient(deps.db, episode.patientId))!;
  return { episode, patient };
}
