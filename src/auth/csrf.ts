import { randomBytes, timingSafeEqual } from "node:crypto";
import type { Request, RequestHandler, Response } from "express";
import { HttpError } from "../errors.ts";

/**
 * Synchroniser-token CSRF protection: one token per session, put in every form as `_csrf`
 * (or an x-csrf-token header), checked on every state-changing request.
 */
export const csrfProtection: RequestHandler = (req, res, next) => {
  // Page handlers read form fields from req.body. Express 5 leaves it undefined when the body is
  // not a form (JSON, text, none), so give them an empty form rather than a TypeError (a 500).
  req.body ??= {};
  // The token is made only when a template prints it, so redirects and pages without a form (a
  // signed-out 404, say) store no session. Rendering copies res.locals, which would run a getter
  // on res.locals itself, so the getter sits one level down, read only as `csrf.token`.
  provideCsrfToken(req, res);
  if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return next();
  if (!req.session.csrfToken) return next(expired());
  const sent = (req.body as Record<string, unknown>)._csrf ?? req.get("x-csrf-token");
  if (typeof sent === "string" && safeEqual(sent, req.session.csrfToken)) return next();
  next(expired());
};

/** Templates print `{{@root.csrf.token}}`: the session's token, made on first read. */
export function provideCsrfToken(req: Request, res: Response): void {
  res.locals.csrf = {
    get token() {
      return (req.session.csrfToken ??= randomBytes(32).toString("base64url"));
    },
  };
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
