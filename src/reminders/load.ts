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
    patient: {
      email: patient.email, emailConsent: patient.emailConsent, emailOptedOutAt: patient.emailOptedOutAt,
      mobile: patient.mobile, smsConsent: patient.smsConsent, smsOptedOutAt: patient.smsOptedOutAt,
    },
    ward: {
      events: ward.events.map((e) => ({ type: e.type, at: e.at })),
      twoc: ward.twoc,
      flipFlow: ward.flipFlow
        ? { intervalMinutes: ward.flipFlow.intervalMinutes, startedAt: ward.flipFlow.startedAt, nextOpeningAt: ward.flipFlow.nextOpeningAt, lastOpeningAt: ward.flipFlow.lastOpeningAt }
        : null,
      failedTwoc: ward.failedTwoc,
      u7FollowUpArranged: ward.u7FollowUpArranged,
    },
    followup: { ...followup, sciReferral: { ...followup.sciReferral, indicatedAt: await ongoingSymptomsRecordedAt(trx, episodeId, followup.sciReferral.reasons) } },
  };
}

/**
 * When the ongoing symptoms behind an SCI referral (R1) were recorded: the earliest ongoing issue
 * of the follow-up record. Null when a reason is known on the ward (a failed TWOC, a catheter at
 * discharge: U7), which is known by discharge.
 */
async function ongoingSymptomsRecordedAt(trx: Knex | Knex.Transaction, episodeId: number, reasons: { rule: string }[]): Promise<string | null> {
  if (reasons.length === 0 || reasons.some((r) => r.rule === "U7")) return null;
  const row = await trx("followup_issues").where({ episode_id: episodeId }).andWhere("ongoing", true).min({ at: "updated_at" }).first();
  return row?.at ? new Date(row.at).toISOString() : null;
}
