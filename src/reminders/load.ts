import type { Knex } from "knex";
import { getFollowupState } from "../followup/index.ts";
import { findEpisode, findPatient } from "../patients/repository.ts";
import { getWardState } from "../ward/index.ts";
import type { EpisodeState } from "./derive.ts";

/** The plain state derivation reads, from the episode, the patient, the ward and the follow-up. */
export async function loadEpisodeState(trx: Knex | Knex.Transaction, episodeId: number, nowIso: string): Promise<EpisodeState | null> {
  const episode = await findEpisode(trx, episodeId);
  if (!episode) return null;
  const patient = await findPatient(trx, episode.patientId);
  if (!patient) return null;
  const ward = await getWardState(trx, episodeId, nowIso);
  const followup = await getFollowupState(trx, episodeId, nowIso, { episode, ward });
  return {
    episode: { id: episode.id, ward: episode.ward, anaesthesiaStartAt: episode.anaesthesiaStartAt, dischargedAt: episode.discharge?.dischargedAt ?? null },
    patient: { email: patient.email, emailConsent: patient.emailConsent, emailOptedOutAt: patient.emailOptedOutAt },
    ward: {
      events: ward.events.map((e) => ({ type: e.type, at: e.at })),
      twoc: ward.twoc,
      flipFlow: ward.flipFlow
        ? { intervalMinutes: ward.flipFlow.intervalMinutes, startedAt: ward.flipFlow.startedAt, nextOpeningAt: ward.flipFlow.nextOpeningAt, lastOpeningAt: ward.flipFlow.lastOpeningAt }
        : null,
      failedTwoc: ward.failedTwoc,
      u7FollowUpArranged: ward.u7FollowUpArranged,
    },
    followup,
  };
}
