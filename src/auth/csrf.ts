import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Request, RequestHandler, Response } from "express";
import { HttpError } from "../errors.ts";

/**
 * Synchroniser-token CSRF protection: one token per session, put in every form as `_csrf`
 * (or an x-csrf-token header), checked on every state-changing request. A visitor with no session
 * yet (the sign-in page) gets a signed token tied to a cookie instead, so looking at the sign-in
 * page stores nothing: a session is stored only once it holds something.
 */
export function csrfProtection(secret: string): RequestHandler {
  return (req, res, next) => {
    // Page handlers read form fields from req.body. Express 5 leaves it undefined when the body is
    // not a form (JSON, text, none), so give them an empty form rather than a TypeError (a 500).
    req.body ??= {};
    // The token is made only when a template prints it, so redirects and pages without a form (a
    // signed-out 404, say) store no session. Rendering copies res.locals, which would run a getter
    // on res.locals itself, so the getter sits one level down, read only as `csrf.token`.
    provideCsrfToken(req, res, secret);
    if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return next();
    const sent = (req.body as Record<string, unknown>)._csrf ?? req.get("x-csrf-token");
    if (typeof sent !== "string") return next(expired());
    if (req.session.csrfToken) return safeEqual(sent, req.session.csrfToken) ? next() : next(expired());
    return visitorTokenValid(sent, visitorCookie(req), secret) ? next() : next(expired());
  };
}

/**
 * Templates print `{{@root.csrf.token}}`: the session's token, made on first read; or, for a
 * visitor whose session holds nothing, a token signed over a random value kept in a cookie.
 */
export function provideCsrfToken(req: Request, res: Response, secret?: string): void {
  res.locals.csrf = {
    get token() {
      if (req.session.csrfToken || req.session.userId || !secret || !isEmptySession(req)) {
        return (req.session.csrfToken ??= randomBytes(32).toString("base64url"));
      }
      let nonce = visitorCookie(req);
      if (!nonce) {
        nonce = randomBytes(24).toString("base64url");
        res.cookie(VISITOR_COOKIE, nonce, { httpOnly: true, sameSite: "lax", secure: req.secure, path: "/" });
      }
      return visitorToken(nonce, secret);
    },
  };
}

const VISITOR_COOKIE = "ces.visitor";

/** A session with nothing in it but its cookie: nothing worth a row yet. */
function isEmptySession(req: Request): boolean {
  return Object.keys(req.session).every((key) => key === "cookie");
}

function visitorCookie(req: Request): string | null {
  const match = /(?:^|;\s*)ces\.visitor=([A-Za-z0-9_-]{16,64})(?:;|$)/.exec(req.get("cookie") ?? "");
  return match ? match[1] : null;
}

function visitorToken(nonce: string, secret: string): string {
  return `v.${createHmac("sha256", secret).update(`csrf-visitor:${nonce}`).digest("base64url")}`;
}

function visitorTokenValid(sent: string, nonce: string | null, secret: string): boolean {
  return nonce !== null && safeEqual(sent, visitorToken(nonce, secret));
}

function expired(): HttpError {
  return new HttpError(403, "This form has expired or was not sent from this site. Go back, reload the page and try again.", "csrf");
}

/** Compares two secrets in constant time. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
