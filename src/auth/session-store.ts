import type { RequestHandler } from "express";
import session, { type SessionData } from "express-session";
import type { Db } from "../db/knex.ts";
import type { SignedInUser } from "../types.d.ts";
import { toUserOrNull, USER_COLUMNS } from "./users.ts";

declare module "express-session" {
  interface SessionData {
    /**
     * The signed-in user's row as it stood when this request read the session (the same query),
     * for loadUser. Never stored: it is read afresh with every session.
     */
    signedInUser: (SignedInUser & { disabledAt: string | null }) | null;
  }
}

type Callback<T = void> = (err?: unknown, value?: T) => void;

/** Marks a session read by a page's own automatic refresh: that request is not the user's activity. */
const PASSIVE = Symbol("passive");

/** An expired session row is kept this long, so a form posted after a timeout can be recognised as this browser's own. */
export const EXPIRED_KEPT_MS = 12 * 3600_000;

/** The header a page's refresh script sends (public/js/auto-refresh.js). */
export const AUTO_REFRESH_HEADER = "ces-auto-refresh";

/**
 * A GET sent by a page's own refresh script (the ward board, /due) reads the session but does not
 * renew it, so a screen left open still signs out after SESSION_IDLE_MINUTES of nobody using it.
 * Put right after the session middleware.
 */
export const autoRefreshIsNotActivity: RequestHandler = (req, _res, next) => {
  if ((req.method === "GET" || req.method === "HEAD") && req.get(AUTO_REFRESH_HEADER) === "1" && req.session) {
    Object.defineProperty(req.session, PASSIVE, { value: true, enumerable: false });
  }
  next();
};

const isPassive = (data: SessionData): boolean => (data as unknown as Record<symbol, unknown>)[PASSIVE] === true;

/**
 * Sessions kept in the app's own database, so every app instance sees the same sign-ins.
 * The row's expiry is the idle limit from the user's last request; the cookie itself lasts until
 * the browser closes, so the server alone decides when a session has ended (and a form posted
 * after that can be recognised, see kept-form.ts). Expired rows are ignored on read and swept
 * on write once EXPIRED_KEPT_MS old.
 */
export class DbSessionStore extends session.Store {
  private writes = 0;
  /** Expiry last written per session: a touch within a minute of it changes nothing worth a write. */
  private readonly lastExpiry = new Map<string, number>();

  // Session expiry follows the wall clock, as express-session's cookie does, not the app's clinical clock.
  constructor(
    private readonly db: Db,
    private readonly clock: () => Date = () => new Date(),
    private readonly idleMinutes = 30,
  ) {
    super();
  }

  /**
   * The session and, in the same query, its user: a signed-in page needs both, and one round trip
   * instead of two is most of what the session costs a request.
   */
  override get(sid: string, cb: Callback<SessionData | null>): void {
    this.db("sessions")
      .leftJoin("users", "users.id", "sessions.user_id")
      .where("sessions.sid", sid)
      .where("sessions.expires_at", ">", this.clock().toISOString())
      .first("sessions.data", ...USER_COLUMNS.map((c) => `users.${c} as user_${c}`))
      .then((row: Record<string, unknown> | undefined) => {
        if (!row) return cb(undefined, null);
        const data = JSON.parse(row.data as string) as SessionData;
        const user = toUserOrNull(Object.fromEntries(USER_COLUMNS.map((c) => [c, row[`user_${c}`]])));
        // Only a row that is the session's own user; otherwise loadUser looks the user up itself.
        if (data.userId && (user === null || user.id === data.userId)) data.signedInUser = user && { id: user.id, username: user.username, displayName: user.displayName, role: user.role, theme: user.theme, disabledAt: user.disabledAt };
        cb(undefined, data);
      }, cb);
  }

  override set(sid: string, data: SessionData, cb?: Callback): void {
    const { signedInUser: _read, ...kept } = data;
    const row = { sid, user_id: data.userId ?? null, data: JSON.stringify(kept), expires_at: this.expiry(), oidc_session: data.oidcSession ?? null };
    // An automatic refresh may change the session (a form token made) but never its expiry.
    const passive = isPassive(data);
    if (!passive) this.remember(sid, row.expires_at);
    this.db("sessions")
      .insert(row)
      .onConflict("sid")
      .merge(passive ? ["user_id", "data"] : undefined)
      .then(() => this.sweep())
      .then(() => cb?.(), (err) => cb?.(err));
  }

  override touch(sid: string, data: SessionData, cb?: Callback): void {
    if (isPassive(data)) return cb?.();
    const expiresAt = this.expiry();
    const previous = this.lastExpiry.get(sid);
    if (previous !== undefined && Date.parse(expiresAt) - previous < 60_000) return cb?.();
    this.remember(sid, expiresAt);
    this.db("sessions")
      .where({ sid })
      .update({ expires_at: expiresAt })
      .then(() => cb?.(), (err) => cb?.(err));
  }

  private remember(sid: string, expiresAt: string): void {
    if (this.lastExpiry.size > 10_000) this.lastExpiry.clear();
    this.lastExpiry.set(sid, Date.parse(expiresAt));
  }

  override destroy(sid: string, cb?: Callback): void {
    this.lastExpiry.delete(sid);
    this.db("sessions")
      .where({ sid })
      .delete()
      .then(() => cb?.(), (err) => cb?.(err));
  }

  /**
   * A session that ended by timing out (not signed out: that deletes the row), with what it held,
   * while its row is kept; null for any other id.
   */
  async expired(sid: string): Promise<SessionData | null> {
    const row = await this.db("sessions").where({ sid }).where("expires_at", "<=", this.clock().toISOString()).first("data");
    return row ? (JSON.parse(row.data as string) as SessionData) : null;
  }

  private expiry(): string {
    return new Date(this.clock().getTime() + this.idleMinutes * 60_000).toISOString();
  }

  private async sweep(): Promise<void> {
    this.writes += 1;
    if (this.writes % 100 === 0) await this.db("sessions").where("expires_at", "<", new Date(this.clock().getTime() - EXPIRED_KEPT_MS).toISOString()).delete();
  }
}
