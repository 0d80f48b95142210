import type { Knex } from "knex";
import type { Db } from "../db/knex.ts";
import type { Episode } from "../patients/model.ts";
import type { WardState } from "../ward/index.ts";
import type { PainPhase } from "../pathway/index.ts";
import { findEpisode } from "../patients/repository.ts";
import { NotFoundError } from "../errors.ts";
import { loadFollowup } from "./state.ts";

/**
 * The follow-up facts the reminders read for one episode at one moment (`nowIso`, UTC ISO):
 *
 * {
 *   painPhase: "acute" | "chronic",        // painPhase() on today's London date
 *   chronicFrom: "YYYY-MM-DD",             // chronicPhaseStarts(surgery date in London): P5-P8 apply from this day
 *   outpatientAppointmentAt: string | null, // the surgical outpatient appointment (UTC ISO), B6/X4
 *   reassessmentDone: boolean,             // an outpatient re-assessment (B6, X4) is recorded
 *   reassessmentOutstanding: ("B6" | "X4")[], // B6 / X4 checklist items not yet done (bowel, sexual function)
 *   sciReferral: {
 *     indicated: boolean,                  // sciReferralReasons() on the recorded findings (R1)
 *     reasons: { rule, text }[],           // e.g. { rule: "B5", text: "Bowel issues: ..." }
 *     sentAt: string | null,               // first SCI referral letter version marked sent (UTC ISO)
 *   },
 *   gpDrugReviewDue: { from: "YYYY-MM-DD", to: "YYYY-MM-DD" } | null,
 *                                          // P4: 1-2 weeks after discharge, when discharged in the acute phase
 *   gpLetterSentAt: string | null,         // first GP letter version marked sent (UTC ISO)
 * }
 *
 * Throws NotFoundError for an unknown episode.
 */
export interface FollowupState {
  painPhase: PainPhase;
  chronicFrom: string;
  outpatientAppointmentAt: string | null;
  reassessmentDone: boolean;
  reassessmentOutstanding: ("B6" | "X4")[];
  sciReferral: { indicated: boolean; reasons: { rule: string; text: string }[]; sentAt: string | null };
  gpDrugReviewDue: { from: string; to: string } | null;
  gpLetterSentAt: string | null;
}

/** `preloaded`: the episode and its ward state when the caller has already read them at this moment. */
export async function getFollowupState(db: Db | Knex.Transaction, episodeId: number, nowIso: string, preloaded: { episode?: Episode; ward?: WardState } = {}): Promise<FollowupState> {
  const episode = preloaded.episode ?? (await findEpisode(db, episodeId));
  if (!episode) throw new NotFoundError("Episode");
  const view = await loadFollowup(db, episode, nowIso, { ward: preloaded.ward });
  return {
    painPhase: view.phase,
    chronicFrom: view.chronicFrom,
    outpatientAppointmentAt: view.appointment?.at ?? null,
    reassessmentDone: view.reassessments.length > 0,
    reassessmentOutstanding: view.sections.flatMap((s) => s.items).filter((i) => (i.rule === "B6" || i.rule === "X4") && !i.done).map((i) => i.rule as "B6" | "X4"),
    sciReferral: { indicated: view.sci.indicated, reasons: view.sci.reasons, sentAt: view.sci.sentAt },
    gpDrugReviewDue: view.gpDrugReview,
    gpLetterSentAt: view.gpLetterSentAt,
  };
}
