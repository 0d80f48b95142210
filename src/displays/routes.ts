import type { RequestHandler } from "express";
import type { AppDeps } from "../deps.ts";
import { listWards } from "../admin/service.ts";
import { NotFoundError } from "../errors.ts";
import { idParam } from "../web/form-values.ts";
import { ADMINS, type RoleRouter } from "../web/routing.ts";
import { InputReader } from "../web/validation.ts";
import { createDisplay, findActiveDisplay, listDisplays, revokeDisplay, THEMES, type WardDisplay } from "./repository.ts";
import { wallBoard } from "./wall.ts";

/** Seconds between a wall screen's refreshes (the issue asks 30 to 60). */
export const WALL_REFRESH_SECONDS = 30;

const SHOW_ITEMS = [
  { value: "initials", text: "Initials and bed only", hint: "No names or NHS numbers: for a screen that visitors or other patients can see" },
  { value: "names", text: "Names and NHS numbers", hint: "Only for a screen in a staff-only area" },
];
const THEME_ITEMS = [
  { value: "dark", text: "Dark (low glare, for night shifts and wall screens)" },
  { value: "light", text: "Light" },
];

/**
 * The wall screen's own access: the display link in the address, checked on every request; a
 * revoked or unknown link shows nothing of any ward. It opens this one page and nothing else.
 */
export function displayGuard(deps: AppDeps): RequestHandler {
  return async (req, res, next) => {
    const token = typeof req.params.token === "string" ? req.params.token : "";
    const display = token ? await findActiveDisplay(deps.db, token) : null;
    res.set("Cache-Control", "no-store");
    if (!display) {
      return res.status(404).render("displays/inactive", { layout: "wall", title: "This screen's link is not active", theme: "dark" });
    }
    res.locals.display = display;
    next();
  };
}

/** GET /wall/:token, the wall screen for one ward. */
export function wallRoutes(wall: RoleRouter, deps: AppDeps): void {
  wall.display("/wall/:token", async (_req, res) => {
    const display = res.locals.display as WardDisplay;
    const now = deps.clock().toISOString();
    res.render("displays/wall", { layout: "wall", theme: display.theme, refreshSeconds: WALL_REFRESH_SECONDS, ...(await wallBoard(deps.db, display, now)) });
  });
}

/** Admins issue and revoke display links at /admin/displays. */
export function displayAdminRoutes(pages: RoleRouter, deps: AppDeps): void {
  const { db } = deps;
  const now = () => deps.clock().toISOString();
  const render = async (res: Parameters<RequestHandler>[1], extra: Record<string, unknown> = {}) => {
    const wards = (await listWards(db)).filter((w) => !w.retiredAt);
    res.render("displays/admin", {
      title: "Wall screens",
      displays: await listDisplays(db),
      wardItems: wards.map((w) => ({ value: String(w.id), text: w.name })),
      showItems: SHOW_ITEMS,
      themeItems: THEME_ITEMS,
      values: { show: "initials", theme: "dark" },
      ...extra,
    });
  };

  pages.get("/admin/displays", ADMINS, async (_req, res) => {
    await render(res);
  });

  pages.post("/admin/displays", ADMINS, async (req, res, actor) => {
    const input = new InputReader(req.body, "form");
    const wards = (await listWards(db)).filter((w) => !w.retiredAt);
    const wardId = input.choice("wardId", wards.map((w) => String(w.id)), { label: "Ward", required: true });
    const name = input.text("name", { label: "Screen name", required: true, max: 120 });
    const show = input.choice("show", ["initials", "names"] as const, { label: "What the screen shows", required: true });
    const theme = input.choice("theme", THEMES, { label: "Colours", required: true });
    if (input.errors.length) {
      res.status(400);
      return render(res, { values: req.body, errors: input.errors });
    }
    const created = await createDisplay(db, actor, { wardId: Number(wardId), name: name!, initialsOnly: show === "initials", theme: theme! }, now());
    await render(res, { created: { name, ward: wards.find((w) => String(w.id) === wardId)?.name, link: `${deps.config.baseUrl}/wall/${created.token}` } });
  });

  pages.post("/admin/displays/:displayId/revoke", ADMINS, async (req, res, actor) => {
    const id = idParam(req.params.displayId);
    if (!id) throw new NotFoundError("Screen");
    await revokeDisplay(db, actor, id, now());
    req.session.flash = "Screen link revoked: the screen shows nothing from its next refresh";
    res.redirect(303, "/admin/displays");
  });
}
