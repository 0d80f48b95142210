import type { Knex } from "knex";
import { getWardState, type WardState } from "../ward/index.ts";

/** The ward's answer for an episode (getWardState in src/ward), as follow-up and letters read it. */
export type WardSummary = WardState;

/** The ward state of an episode: bladder events, the engine's TWOC answer, flip-flow, U5/U7/U8 actions. */
export function wardSummary(db: Knex | Knex.Transaction, episodeId: number, nowIso: string): Promise<WardSummary> {
  return getWardState(db, episodeId, nowIso);
}
