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
  return new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
}
