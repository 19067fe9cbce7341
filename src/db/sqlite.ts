/**
 * @module Opens an SQLite database file through Kysely and better-sqlite3, set up for a web app:
 * WAL (readers never wait for the writer), a busy timeout instead of immediate SQLITE_BUSY errors,
 * and foreign keys on.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from './schema.js';

/**
 * Opens (creating if needed) the SQLite file at `filename`; `:memory:` works for throwaway use.
 * @example
 * const db = openSqlite('./data/latchkey.sqlite3');
 */
export function openSqlite<DB = Database>(filename: string): Kysely<DB> {
  if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true });
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
  return new Kysely<DB>({ dialect: new SqliteDialect({ database }) });
}
