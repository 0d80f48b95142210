import type { Db } from "../db/knex.ts";
import { getFollowupState } from "../followup/index.ts";
import type { CatheterStatus, Episode } from "../patients/model.ts";
import { describeInterval } from "./format.ts";
import { getWardState } from "./index.ts";

export interface DischargeChecklist {
  /** What is outstanding at discharge (warnings: the discharge is not blocked), each with its rule ids. */
  outstanding: { rules: string[]; text: string }[];
  /** The catheter status the record shows, to pre-fill the form; null when the record does not say. */
  catheterStatus: CatheterStatus | null;
  catheterFrom: string | null;
  /** The latest current bladder event: a discharge cannot be dated before it (recordDischarge refuses it). */
  lastBladderEventAt: string | null;
}

/**
 * What the discharge form warns of and pre-fills, read from the ward's state (failed-TWOC ticks, the
 * schedule in force, the engine's TWOC answer) and the follow-up state (R1 referral, GP letter).
 */
export async function dischargeChecklist(db: Db, episode: Episode, now: string): Promise<DischargeChecklist> {
  const ward = await getWardState(db, episode.id, now);
  const followup = await getFollowupState(db, episode.id, now, { episode, ward });
  const outstanding: DischargeChecklist["outstanding"] = [];
  if (ward.failedTwoc && !ward.u7FollowUpArranged) outstanding.push({ rules: ["U7"], text: "Follow-up with the regional SCI service or the local urology service is not arranged" });
  if (ward.failedTwoc && !ward.iscTaught) outstanding.push({ rules: ["U8"], text: "ISC teaching is not recorded as done" });
  if (followup.sciReferral.indicated && followup.sciReferral.sentAt === null) {
    outstanding.push({ rules: ["R1", ...followup.sciReferral.reasons.map((r) => r.rule)], text: "The SCI referral is indicated and has not been sent" });
  }
  if (followup.gpLetterSentAt === null) outstanding.push({ rules: ["P4"], text: "The GP letter has not been sent" });

  let catheterStatus: CatheterStatus | null = null;
  let catheterFrom: string | null = null;
  if (ward.flipFlow) {
    catheterStatus = "flip-flow";
    catheterFrom = `a flip-flow schedule is in force (every ${describeInterval(ward.flipFlow.intervalMinutes)})`;
  } else if (ward.twoc.status === "passed" && !ward.bladder.recatheterised) {
    catheterStatus = "none";
    catheterFrom = "the TWOC passed (U2)";
  }
  const last = ward.events.length > 0 ? ward.events[ward.events.length - 1].at : null;
  return { outstanding, catheterStatus, catheterFrom, lastBladderEventAt: last };
}
