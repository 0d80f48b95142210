/** Normalisers for values read back from either database, so repositories return the same shapes on both. */

/** An instant as a UTC ISO string ('2026-11-24T08:30:00.000Z'), the one format stored and compared. */
export function toInstant(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "number") return new Date(value).toISOString();
  return new Date(String(value)).toISOString();
}

export function toInstantOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : toInstant(value);
}

export function toBool(value: unknown): boolean {
  return value === true || value === 1 || value === "1" || value === "true";
}

export function toBoolOrNull(value: unknown): boolean | null {
  return value === null || value === undefined ? null : toBool(value);
}

/** A write broke a unique index (PostgreSQL or SQLite). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === "23505" || (e?.code === "SQLITE_CONSTRAINT" && /UNIQUE/i.test(e.message ?? ""));
}

/** Current time as the stored instant format. The one place app code reads the clock. */
export function nowInstant(clock: () => Date = () => new Date()): string {
  return clock().toISOString();
}
