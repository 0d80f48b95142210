import path from "node:path";
import knexFactory, { type Knex } from "knex";
import pg from "pg";
import { ensurePrivateDir, touchPrivateFile } from "../files.ts";

// PostgreSQL: keep DATE columns as 'YYYY-MM-DD' strings (no midnight-in-local-time Date objects),
// timestamps as UTC ISO strings and counts as numbers, so both databases hand back the same shapes.
pg.types.setTypeParser(1082, (value: string) => value);
pg.types.setTypeParser(1184, (value: string) => new Date(value).toISOString());
pg.types.setTypeParser(20, (value: string) => Number(value));

export type Db = Knex;

export interface DbOptions {
  databaseUrl: string | null;
  sqliteFile: string; // ":memory:" for tests
  searchPath?: string; // PostgreSQL schema (tests give each file its own)
}

export function createDb(options: DbOptions): Db {
  if (options.databaseUrl) {
    return knexFactory({
      client: "pg",
      connection: options.databaseUrl,
      searchPath: options.searchPath ? [options.searchPath] : undefined,
      pool: { min: 0, max: 10 },
    });
  }
  const inMemory = options.sqliteFile === ":memory:";
  if (!inMemory) {
    ensurePrivateDir(path.dirname(options.sqliteFile));
    touchPrivateFile(options.sqliteFile);
  }
  const db = knexFactory({
    client: "sqlite3",
    connection: { filename: options.sqliteFile },
    useNullAsDefault: true,
    pool: {
      min: 1,
      // A file in WAL mode lets several connections read while one writes; an in-memory
      // database exists only on its one connection.
      max: inMemory ? 1 : 4,
      afterCreate(conn: { run: (sql: string, cb: (err: Error | null) => void) => void }, done: (err: Error | null, conn: unknown) => void) {
        const pragmas = ["PRAGMA foreign_keys = ON", "PRAGMA journal_mode = WAL", "PRAGMA busy_timeout = 15000", "PRAGMA synchronous = NORMAL"];
        const next = (i: number): void => {
          if (i === pragmas.length) return done(null, conn);
          conn.run(pragmas[i], (err) => (err ? done(err, conn) : next(i + 1)));
        };
        next(0);
      },
    },
  });
  beginImmediate(db);
  if (!inMemory) serialiseTransactions(db);
  return db;
}

/**
 * SQLite transactions begin IMMEDIATE: they take the write lock before their first read, waiting
 * (busy_timeout) while another connection writes. A deferred transaction that read first and then
 * found that a plain write (a session, a form key) had slipped in would fail at once with
 * SQLITE_BUSY, which no timeout can help, and the nurse would see an error page.
 */
function beginImmediate(db: Knex): void {
  type Trx = { begin: (conn: unknown) => Promise<unknown>; query: (conn: unknown, sql: string) => Promise<unknown> };
  const client = db.client as unknown as { transaction: (...args: unknown[]) => Trx };
  const make = client.transaction.bind(client);
  client.transaction = (...args: unknown[]) => {
    const trx = make(...args);
    trx.begin = (conn) => trx.query(conn, "BEGIN IMMEDIATE;");
    return trx;
  };
}

/**
 * SQLite has one writer. Two transactions that both read and then write would make one of
 * them fail at once with SQLITE_BUSY (the busy timeout cannot help a snapshot that went stale),
 * so this process runs its transactions one at a time; plain reads still run side by side.
 */
function serialiseTransactions(db: Knex): void {
  // knex instances delegate to their `context` object; its transaction method can be wrapped.
  const context = (db as unknown as { context: { transaction: Knex["transaction"] } }).context;
  const original = context.transaction.bind(context);
  let queue: Promise<unknown> = Promise.resolve();
  context.transaction = ((handler: unknown, config?: Knex.TransactionConfig) => {
    if (typeof handler !== "function") return original(handler as undefined, config);
    const run = queue.then(() => original(handler as (trx: Knex.Transaction) => Promise<unknown>, config));
    queue = run.catch(() => undefined);
    return run;
  }) as typeof db.transaction;
}

export function isPostgres(db: Db): boolean {
  return db.client.config.client === "pg";
}

/**
 * Independent reads, together on the pool; one after another inside a transaction, which is one
 * connection (overlapping queries on a PostgreSQL client are deprecated and go in pg 9).
 */
export async function readAll<T extends unknown[]>(conn: Knex | Knex.Transaction, ...reads: { [K in keyof T]: () => Promise<T[K]> }): Promise<T> {
  if (!(conn as { isTransaction?: boolean }).isTransaction) return (await Promise.all(reads.map((read) => read()))) as T;
  const results: unknown[] = [];
  for (const read of reads) results.push(await read());
  return results as T;
}
