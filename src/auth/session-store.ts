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

/**
 * Sessions kept in the app's own database, so every app instance sees the same sign-ins.
 * Expired rows are ignored on read and swept on write.
 */
export class DbSessionStore extends session.Store {
  private writes = 0;
  /** Expiry last written per session: a touch within a minute of it changes nothing worth a write. */
  private readonly lastExpiry = new Map<string, number>();

  // Session expiry follows the wall clock, as express-session's cookie does, not the app's clinical clock.
  constructor(
    private readonly db: Db,
    private readonly clock: () => Date = () => new Date(),
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
        if (data.userId && (user === null || user.id === data.userId)) data.signedInUser = user && { id: user.id, username: user.username, displayName: user.displayName, role: user.role, disabledAt: user.disabledAt };
        cb(undefined, data);
      }, cb);
  }

  override set(sid: string, data: SessionData, cb?: Callback): void {
    const { signedInUser: _read, ...kept } = data;
    const row = { sid, user_id: data.userId ?? null, data: JSON.stringify(kept), expires_at: this.expiry(data), oidc_session: data.oidcSession ?? null };
    this.remember(sid, row.expires_at);
    this.db("sessions")
      .insert(row)
      .onConflict("sid")
      .merge()
      .then(() => this.sweep())
      .then(() => cb?.(), (err) => cb?.(err));
  }

  override touch(sid: string, data: SessionData, cb?: Callback): void {
    const expiresAt = this.expiry(data);
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

  private expiry(data: SessionData): string {
    const expires = data.cookie?.expires ? new Date(data.cookie.expires) : new Date(this.clock().getTime() + 30 * 60_000);
    return expires.toISOString();
  }

  private async sweep(): Promise<void> {
    this.writes += 1;
    if (this.writes % 100 === 0) await this.db("sessions").where("expires_at", "<", this.clock().toISOString()).delete();
  }
}
