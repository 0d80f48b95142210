import type { IncrementResponse, Options, Store } from "express-rate-limit";
import type { Db } from "../db/knex.ts";
import { toInstant } from "../db/values.ts";

/**
 * express-rate-limit's counters kept in the app's database, so sign-in limits hold across every
 * app instance. One atomic upsert per attempt; a window that has run out starts again at 1.
 */
export class DbAttemptStore implements Store {
  readonly localKeys = false;
  private windowMs = 15 * 60_000;
  private writes = 0;

  constructor(
    private readonly db: Db,
    readonly prefix: string,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async increment(key: string): Promise<IncrementResponse> {
    const now = new Date();
    const nowIso = now.toISOString();
    const resetAt = new Date(now.getTime() + this.windowMs).toISOString();
    const [row] = await this.db("sign_in_attempts")
      .insert({ key: this.prefix + key, hits: 1, reset_at: resetAt })
      .onConflict("key")
      .merge({
        hits: this.db.raw("CASE WHEN sign_in_attempts.reset_at <= ? THEN 1 ELSE sign_in_attempts.hits + 1 END", [nowIso]),
        reset_at: this.db.raw("CASE WHEN sign_in_attempts.reset_at <= ? THEN ? ELSE sign_in_attempts.reset_at END", [nowIso, resetAt]),
      })
      .returning(["hits", "reset_at"]);
    if (++this.writes % 100 === 0) await this.db("sign_in_attempts").where("reset_at", "<", nowIso).delete();
    return { totalHits: Number(row.hits), resetTime: new Date(toInstant(row.reset_at)) };
  }

  async decrement(key: string): Promise<void> {
    await this.db("sign_in_attempts").where({ key: this.prefix + key }).andWhere("hits", ">", 0).decrement("hits", 1);
  }

  async resetKey(key: string): Promise<void> {
    await this.db("sign_in_attempts").where({ key: this.prefix + key }).delete();
  }
}
