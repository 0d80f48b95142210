import type { RequestHandler } from "express";
import type { Db } from "../db/knex.ts";
import { HttpError } from "../errors.ts";
import { type Access, roleAllowed } from "../web/routing.ts";
import { findActiveToken } from "./api-tokens.ts";
import { findUser, userActor } from "./users.ts";

/**
 * Puts the signed-in user (if any, and not disabled) on res.locals. The session store reads the
 * user with the session (one query); a session from elsewhere has the user looked up here.
 */
export function loadUser(db: Db): RequestHandler {
  return async (req, res, next) => {
    const userId = req.session?.userId;
    if (userId) {
      const read = req.session.signedInUser;
      const user = read !== undefined && (read === null || read.id === userId) ? read : await findUser(db, userId);
      if (user && !user.disabledAt) {
        res.locals.user = { id: user.id, username: user.username, displayName: user.displayName, role: user.role, theme: user.theme };
        res.locals.actor = userActor(user);
      } else {
        delete req.session.userId;
      }
    }
    next();
  };
}

/** Pages: signed-out users go to sign-in (and come back after); the wrong role gets 403. */
export function pageGuard(access: Access): RequestHandler {
  return (req, res, next) => {
    if (access === "public") return next();
    const user = res.locals.user;
    if (!user) {
      const returnTo = req.method === "GET" ? `?returnTo=${encodeURIComponent(req.originalUrl)}` : "";
      return res.redirect(303, `/sign-in${returnTo}`);
    }
    if (!roleAllowed(access, user.role)) return next(new HttpError(403, "Your role does not have access to this page", "forbidden"));
    next();
  };
}

/** API: a bearer token with a role; 401 without a valid one, 403 for a role not allowed. */
export function apiGuard(db: Db, access: Access): RequestHandler {
  return async (req, res, next) => {
    if (access === "public") return next();
    const match = /^Bearer\s+(\S+)$/i.exec(req.get("authorization") ?? "");
    const token = match ? await findActiveToken(db, match[1]) : null;
    if (!token) {
      res.set("WWW-Authenticate", 'Bearer realm="ces"');
      return next(new HttpError(401, "A valid bearer token is required", "unauthorised"));
    }
    if (!roleAllowed(access, token.role)) return next(new HttpError(403, `${/^[aeiou]/.test(token.role) ? "An" : "A"} ${token.role} token cannot use this endpoint`, "forbidden"));
    res.locals.actor = { type: "api", id: token.id, name: `API token "${token.name}"`, role: token.role };
    next();
  };
}
