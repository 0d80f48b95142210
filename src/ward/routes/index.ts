import type { AppDeps } from "../../deps.ts";
import type { RoleRouter } from "../../web/routing.ts";
import { getWardState } from "../index.ts";
import { twocPanel } from "../presenters.ts";
import { wardApiRoutes } from "./api.ts";
import { bladderRoutes } from "./bladder.ts";
import { boardRoutes } from "./board.ts";
import { wardContext } from "./context.ts";
import { flipFlowRoutes } from "./flip-flow.ts";
import { handoverRoutes } from "./handover.ts";
import { dischargeSheetRoutes } from "./discharge-sheet.ts";

/** The ward feature's pages and API, one file per page. */
export function wardRoutes(pages: RoleRouter, api: RoleRouter, deps: AppDeps): void {
  const ctx = wardContext(deps);

  deps.episodePanels.add(10, async ({ db: conn, episode, now: at }) => {
    const state = await getWardState(conn, episode.id, at.toISOString());
    return { partial: "ward/twoc-panel", data: { ...twocPanel(state, at.toISOString(), episode.id, episode.discharge?.dischargedAt ?? null), onEpisodePage: true } };
  });

  handoverRoutes(pages, ctx);
  dischargeSheetRoutes(pages, ctx);
  boardRoutes(pages, ctx);
  bladderRoutes(pages, ctx);
  flipFlowRoutes(pages, ctx);
  wardApiRoutes(api, ctx);
}
