import { createHmac } from "node:crypto";
import type { Request, RequestHandler, Response } from "express";
import { instantFields } from "../web/form-values.ts";
import type { RouteSpec } from "../web/routing.ts";
import { provideCsrfToken, safeEqual } from "./csrf.ts";
import type { DbSessionStore } from "./session-store.ts";

/**
 * A form posted after the session timed out: what was typed is kept on the server (in the new,
 * signed-out session, never in the address), the nurse is asked to sign in, and the form comes
 * back filled. Nothing is saved from the expired post: its form token belongs to a session that
 * has ended, so it is recognised (it matches the ended session's token, read from that session's
 * kept row through the browser's signed cookie) but never accepted.
 */
export interface KeptForm {
  /** The user of the ended session: only they get the values back. */
  userId: number;
  /** The address the form was posted to; its GET shows the form again. */
  path: string;
  fields: Record<string, string | string[]>;
  /** When it was posted (the app's clock): a form that said "Now" meant this moment. */
  postedAt: string;
}

declare module "express-session" {
  interface SessionData {
    keptForm: KeptForm;
  }
}

const MAX_FIELDS = 200;
const MAX_VALUE = 10_000;

/**
 * Before the CSRF check: a signed-out POST whose token is the token of this browser's timed-out
 * session answers "You were signed out. Sign in to save this" (401) and keeps the values.
 */
export function keepFormAfterTimeout(options: { store: DbSessionStore; secret: string; cookieName: string; pageRoutes: () => RouteSpec[]; clock: () => Date }): RequestHandler {
  return async (req, res, next) => {
    if (req.method !== "POST" || res.locals.user) return next();
    const sent = (req.body as Record<string, unknown> | undefined)?._csrf;
    const oldSid = signedSessionId(req, options.cookieName, options.secret);
    if (typeof sent !== "string" || !oldSid || oldSid === req.sessionID) return next();
    const ended = await options.store.expired(oldSid);
    if (!ended?.userId || typeof ended.csrfToken !== "string" || !safeEqual(sent, ended.csrfToken)) return next();
    // Signing out of a session that has already ended: the sign-in page is all there is to show.
    if (req.path === "/sign-out") return res.redirect(303, "/sign-in");

    const canShowAgain = hasGetRoute(options.pageRoutes(), req.path);
    if (canShowAgain) {
      req.session.keptForm = { userId: ended.userId, path: req.originalUrl, fields: typedFields(req.body as Record<string, unknown>), postedAt: options.clock().toISOString() };
    }
    provideCsrfToken(req, res);
    res.status(401).render("auth/sign-in", {
      title: "You were signed out",
      signedOut: { kept: canShowAgain },
      showPasswords: true,
      returnTo: canShowAgain ? req.originalUrl : null,
    });
  };
}

/** After sign-in (a new session id), the kept form moves to the new session if it is the same user's. */
export function carryKeptForm(kept: KeptForm | undefined, userId: number): KeptForm | undefined {
  return kept && kept.userId === userId ? kept : undefined;
}

/**
 * On the form's page after sign-in: the page is rendered with the kept values over its own
 * (once; then they are gone), with a notice that nothing has been saved yet.
 */
export const restoreKeptForm: RequestHandler = (req, res, next) => {
  const kept = req.session?.keptForm;
  const user = res.locals.user;
  if (req.method !== "GET" || !kept || !user || kept.path !== req.originalUrl) return next();
  delete req.session.keptForm;
  if (kept.userId !== user.id) return next();
  const render = res.render.bind(res) as (view: string, options?: object) => void;
  res.render = ((view: string, options?: Record<string, unknown>) => {
    const values = { ...((options?.values as Record<string, unknown>) ?? {}), ...restoredTime(kept) };
    render(view, { ...options, values, keptForm: true });
  }) as Response["render"];
  next();
};

/**
 * A form that said "Now" with its time boxes as shown meant the moment it was sent; sent again
 * later, "Now" would be a different time, so it comes back as "Earlier" at that moment.
 */
function restoredTime(kept: KeptForm): Record<string, string | string[]> {
  const fields = { ...kept.fields };
  const parts = ["day", "month", "year", "time", "zone"].map((p) => String(fields[`at-${p}`] ?? "").trim());
  const untouched = parts.every((v) => v === "") || parts.join("|") === String(fields.atShown ?? "").split("|").map((v) => v.trim()).join("|");
  if (fields.when === "now" && untouched) {
    for (const p of ["day", "month", "year", "time", "zone"]) delete fields[`at-${p}`];
    delete fields.atShown;
    Object.assign(fields, { when: "earlier" }, instantFields("at", kept.postedAt));
  }
  return fields;
}

/** What was typed: text fields only, without the form's token and one-time key. */
function typedFields(body: Record<string, unknown>): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(body).slice(0, MAX_FIELDS)) {
    if (name === "_csrf" || name === "_once") continue;
    if (typeof value === "string") fields[name] = value.slice(0, MAX_VALUE);
    else if (Array.isArray(value) && value.every((v) => typeof v === "string")) fields[name] = value.map((v: string) => v.slice(0, MAX_VALUE));
  }
  return fields;
}

/** The session id in the browser's cookie, if express-session signed it with this app's secret. */
function signedSessionId(req: Request, name: string, secret: string): string | null {
  const raw = (req.headers.cookie ?? "")
    .split(";")
    .map((c) => c.trim())
    .find((c) => c.startsWith(`${name}=`))
    ?.slice(name.length + 1);
  if (!raw) return null;
  let value: string;
  try {
    value = decodeURIComponent(raw);
  } catch {
    return null;
  }
  if (!value.startsWith("s:")) return null;
  const signed = value.slice(2);
  const dot = signed.lastIndexOf(".");
  if (dot < 1) return null;
  const sid = signed.slice(0, dot);
  const expected = createHmac("sha256", secret).update(sid).digest("base64").replace(/=+$/, "");
  return safeEqual(signed.slice(dot + 1), expected) ? sid : null;
}

/** Whether a page route shows something at this path with GET (the form the post came from). */
function hasGetRoute(routes: RouteSpec[], path: string): boolean {
  return routes.some((r) => r.method === "get" && routePattern(r.path).test(path));
}

function routePattern(path: string): RegExp {
  return new RegExp(`^${path.split("/").map((part) => (part.startsWith(":") ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("/")}/?$`);
}
