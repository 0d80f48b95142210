import { formatDateTime, formatTime } from "../../time.ts";
import { CLINICAL, type RoleRouter } from "../../web/routing.ts";
import { boardWards, wardBoard } from "../board.ts";
import { describeInterval, TWOC_STATUS_TAGS } from "../format.ts";
import { wardTasks } from "../tasks.ts";
import type { WardRouteContext } from "./context.ts";

/** The ward board: every inpatient of a ward, most urgent first. */
export function boardRoutes(pages: RoleRouter, ctx: WardRouteContext): void {
  const { db, now } = ctx;
  pages.get("/ward", CLINICAL, async (req, res) => {
    const wards = await boardWards(db);
    const asked = typeof req.query.ward === "string" ? req.query.ward.slice(0, 120) : "";
    // The address names a ward record by id; a name (an older bookmark, or ward text) is still understood.
    const chosen = asked ? wards.find((w) => String(w.id) === asked || w.name === asked) : wards[0];
    const ward = chosen?.name ?? "";
    const at = now();
    const rows = ward ? await wardBoard(db, ward, at) : [];
    if (asked && !chosen) res.status(404);
    res.render("ward/board", {
      unknownWard: asked && !chosen ? asked : null,
      title: ward && !(asked && !chosen) ? `Ward board: ${ward}` : "Ward board",
      // A meta refresh fails WCAG 2.2.1 (axe: meta-refresh), so a small script reloads the board
      // every minute and the nurse can switch it off; without script the page is reloaded by hand.
      autoRefreshSeconds: 60,
      ward,
      wards: wards.map((w) => ({ name: w.name, key: w.id === null ? w.name : String(w.id), selected: w === chosen, href: `/ward?ward=${encodeURIComponent(w.id === null ? w.name : String(w.id))}` })),
      rows: rows.map((r) => ({
        ...r,
        tag: TWOC_STATUS_TAGS[r.twoc.status],
        dueClock: r.due?.at ? formatTime(r.due.at) : null,
        flipFlowInterval: r.flipFlow ? describeInterval(r.flipFlow.intervalMinutes) : null,
      })),
      updated: formatDateTime(at),
      tasks: wardTasks(rows),
      handoverHref: chosen ? `/ward/handover?ward=${encodeURIComponent(chosen.id === null ? chosen.name : String(chosen.id))}` : null,
    });
  });
}
