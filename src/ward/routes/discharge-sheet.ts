import { loadEpisode } from "../../patients/load.ts";
import { CATHETER_STATUS_NAMES, patientDisplayName } from "../../patients/model.ts";
import { formatDateTime } from "../../time.ts";
import { CLINICAL, type RoleRouter } from "../../web/routing.ts";
import { describeInterval } from "../format.ts";
import { getWardState } from "../index.ts";
import { flipFlowOpeningsAhead } from "../state.ts";
import type { WardRouteContext } from "./context.ts";

const DAY = 24 * 3600_000;

/** The patient's printed discharge sheet: their bladder plan (valve times or ISC) and who to call. */
export function dischargeSheetRoutes(pages: RoleRouter, ctx: WardRouteContext): void {
  const { db, now, deps } = ctx;
  pages.get("/episodes/:episodeId/discharge/sheet", CLINICAL, async (req, res) => {
    const { episode, patient } = await loadEpisode(deps, req);
    const at = now();
    const state = await getWardState(db, episode.id, at);
    const ward: { name: string; phone: string | null } | undefined = episode.wardId ? await db("wards").where({ id: episode.wardId }).first("name", "phone") : undefined;
    const status = episode.discharge?.catheterStatus ?? null;
    const ff = state.flipFlow;
    res.render("ward/discharge-sheet", {
      title: `Going home: ${patientDisplayName(patient)}`,
      patient,
      episode,
      printedAt: formatDateTime(at),
      catheterStatus: status ? CATHETER_STATUS_NAMES[status] : null,
      flipFlow: ff ? { interval: describeInterval(ff.intervalMinutes), times: flipFlowOpeningsAhead(ff, state.events, at, DAY).map((t) => formatDateTime(t)) } : null,
      isc: status === "isc",
      noCatheter: status === "none",
      ward: { name: ward?.name ?? episode.ward ?? "the ward", phone: ward?.phone ?? null },
      backLink: { href: `/episodes/${episode.id}/discharge`, text: "Back" },
    });
  });
}
