import { formatDateTime, formatTime } from "../../time.ts";
import { CLINICAL, type RoleRouter } from "../../web/routing.ts";
import { wardBoard, wardNames } from "../board.ts";
import { describeInterval, TWOC_STATUS_TAGS } from "../format.ts";
import type { WardRouteContext } from "./context.ts";

/** The ward board: every inpatient of a ward, most urgent first. */
export function boardRoutes(pages: RoleRouter, ctx: WardRouteContext): void {
  const { db, now } = ctx;
  pages.get("/ward", CLINICAL, async (req, res) => {
    const wards = await wardNames(db);
    const asked = typeof req.query.ward === "string" ? req.query.ward.slice(0, 120) : "";
    const ward = asked || wards[0] || "";
    const at = now();
    const rows = ward ? await wardBoard(db, ward, at) : [];
    res.render("ward/board", {
      title: ward ? `Ward board: ${ward}` : "Ward board",
      // A meta refresh fails WCAG 2.2.1 (axe: meta-refresh), so a small script reloads the board
      // every minute and the nurse can switch it off; without script the page is reloaded by hand.
      autoRefreshSeconds: 60,
      ward,
      wards: wards.map((name) => ({ name, selected: name === ward, href: `/ward?ward=${encodeURIComponent(name)}` })),
      rows: rows.map((r) => ({
        ...r,
        tag: TWOC_STATUS_TAGS[r.twoc.status],
        dueClock: r.due?.at ? formatTime(r.due.at) : null,
        flipFlowInterval: r.flipFlow ? describeInterval(r.flipFlow.intervalMinutes) : null,
      })),
      updated: formatDateTime(at),
    });
  });
}
