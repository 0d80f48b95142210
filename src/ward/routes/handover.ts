import { formatDateTime } from "../../time.ts";
import { CLINICAL, type RoleRouter } from "../../web/routing.ts";
import { chosenWard, wardKey } from "../board.ts";
import { wardHandover } from "../handover.ts";
import type { WardRouteContext } from "./context.ts";

/** The shift handover sheet of a ward: on screen, and printed on A4 landscape. */
export function handoverRoutes(pages: RoleRouter, ctx: WardRouteContext): void {
  const { db, now } = ctx;
  pages.get("/ward/handover", CLINICAL, async (req, res) => {
    const { wards, ward, asked } = await chosenWard(db, req.query.ward);
    const at = now();
    if (asked && !ward) res.status(404);
    res.render("ward/handover", {
      title: ward ? `Shift handover: ${ward.name}` : "Shift handover",
      unknownWard: asked && !ward ? asked : null,
      ward: ward?.name ?? "",
      wardKey: ward ? wardKey(ward) : "",
      wards: wards.map((w) => ({ name: w.name, key: wardKey(w), selected: w === ward })),
      beds: ward ? await wardHandover(db, ward.name, at) : [],
      printedBy: res.locals.user ? `${res.locals.user.displayName} (${res.locals.user.role})` : "",
      printedAt: formatDateTime(at),
      backLink: { href: ward ? `/ward?ward=${encodeURIComponent(wardKey(ward))}` : "/ward", text: "Ward board" },
    });
  });
}
