import type { Db } from "../db/knex.ts";
import type { BladderEvent, TwocAssessment } from "../pathway/index.ts";

/** The ward's answer for an episode (getWardState in src/ward), as follow-up and letters read it. */
export interface WardSummary {
  events: BladderEvent[];
  twoc: TwocAssessment | null;
  flipFlow: Record<string, unknown> | null;
  failedTwoc: boolean;
  u7FollowUpArranged: boolean;
  iscReferred: boolean;
}

export const NO_WARD_DATA: WardSummary = { events: [], twoc: null, flipFlow: null, failedTwoc: false, u7FollowUpArranged: false, iscReferred: false };

/** The ward state of an episode. */
export async function wardSummary(_db: Db, _episodeId: number, _nowIso: string): Promise<WardSummary> {
  return NO_WARD_DATA;
}
