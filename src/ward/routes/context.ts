import type { Request } from "express";
import type { AppDeps } from "../../deps.ts";
import type { Episode } from "../../patients/model.ts";
import { episodeFromParam } from "../../patients/load.ts";

/** What every ward route file reads: the database and the app's clock. */
export interface WardRouteContext {
  deps: AppDeps;
  db: AppDeps["db"];
  /** The app's clock as a UTC ISO instant. */
  now: () => string;
}

export function wardContext(deps: AppDeps): WardRouteContext {
  return { deps, db: deps.db, now: () => deps.clock().toISOString() };
}

/** The episode named by :episodeId (API routes: no patient page around it). */
export function apiEpisode(ctx: WardRouteContext, req: Request): Promise<Episode> {
  return episodeFromParam(ctx.db, req.params.episodeId);
}

export function lockMessage(): string {
  return "U6: the last trial without catheter failed, so a new one is not started at this stage. A clinician must record an override with a reason first.";
}
