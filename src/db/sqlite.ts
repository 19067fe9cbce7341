/**
 * @module Opens an SQLite database file through Kysely and better-sqlite3, set up for a web app:
 * WAL (readers never wait for the writer), a busy timeout instead of immediate SQLITE_BUSY errors,
 * foreign keys on, and compiled statements kept for reuse.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, type SqliteDatabase, SqliteDialect, type SqliteStatement } from 'kysely';
import { requirePeer } from '../core/peers.js';
import type { Database } from './schema.js';

/**
 * What Latchkey uses of a `better-sqlite3` database: structural, so the published types need
 * neither the driver nor `@types/better-sqlite3` (the driver is an optional peer).
 */
export interface BetterSqlite3Database {
  prepare(sql: string): SqliteStatement;
  pragma(source: string): unknown;
  close(): unknown;
  /** Whether a transaction is open on the connection (SQLite's autocommit mode is off). */
  readonly inTransaction: boolean;
}

/**
 * Runs a read on the connection at once, without Kysely's executor, or returns `null` when it
 * cannot: a transaction is open (Kysely holds the connection across awaits, and a read now would
 * see its uncommitted writes), or the statement is busy (a stream is reading it).
 */
export type SqliteReader = (
  sql: string,
  parameters: readonly unknown[],
) => { readonly rows: unknown[] } | null;

/** The reader of each Kysely instance {@link openSqlite} made (not of copies with plugins). */
const readers = new WeakMap<object, SqliteReader>();

/**
 * The synchronous reader of a database opened by {@link openSqlite}, or `null` for any other
 * Kysely instance (another dialect, or a copy made with `withPlugin`, whose plugins would not see
 * the rows). Kysely's executor takes about twenty promises for one query (connection provider,
 * mutex, result plugins); with async hooks on (AsyncLocalStorage, used by Hono's JSX among others)
 * each costs bookkeeping, and a read by primary key on every authenticated request paid more for
 * them than for SQLite. The SQL is still built and compiled by Kysely.
 * @example
 * const rows = sqliteReaderOf(db)?.(sql, [id])?.rows ?? (await db.executeQuery(query)).rows;
 */
export function sqliteReaderOf(db: object): SqliteReader | null {
  return readers.get(db) ?? null;
}

type BetterSqlite3 = new (filename: string) => BetterSqlite3Database;

/** How many compiled statements a connection keeps; an app issues a few dozen distinct queries. */
const STATEMENT_CACHE_SIZE = 200;

/**
 * better-sqlite3 behind a cache of compiled statements keyed by their SQL. Kysely's SQLite driver
 * prepares every query anew, which cost a user read by id 31 µs instead of 7.5 µs on the benchmark
 * machine. Safe: the driver runs one query at a time on the connection, and SQLite recompiles a
 * statement itself when the schema changes. Least recently used statements leave first, so queries
 * whose SQL varies (an `IN` list of any length) cannot grow it without bound.
 */
export function withStatementCache(
  database: BetterSqlite3Database,
  size = STATEMENT_CACHE_SIZE,
): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    prepare(sql: string): SqliteStatement {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = database.prepare(sql);
        if (statements.size >= size) statements.delete(statements.keys().next().value as string);
      } else {
        statements.delete(sql);
      }
      statements.set(sql, statement);
      return statement;
    },
    close(): void {
      statements.clear();
      database.close();
    },
  };
}

/**
 * Opens (creating if needed) the SQLite file at `filename`; `:memory:` works for throwaway use.
 * @example
 * const db = openSqlite('./data/latchkey.sqlite3');
 */
export function openSqlite<DB = Database>(filename: string): Kysely<DB> {
  if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true });
  const SQLite = requirePeer<BetterSqlite3>(
    'better-sqlite3',
    'The SQLite database (openSqlite, sqlite: URLs)',
  );
  const database = new SQLite(filename);
  try {
    // The first statement is where a file that is not a database (or is locked) shows up.
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma('busy_timeout = 5000');
    database.pragma('foreign_keys = ON');
  } catch (error) {
    database.close();
    throw error;
  }
  const cached = withStatementCache(database);
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: cached }) });
  readers.set(db, (sql, parameters) => {
    if (database.inTransaction) return null;
    const statement = cached.prepare(sql) as SqliteStatement & { readonly busy?: boolean };
    if (statement.busy === true || !statement.reader) return null;
    return { rows: statement.all(parameters) };
  });
  return db;
}
