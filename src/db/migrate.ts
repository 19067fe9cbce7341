/** @module Applies Latchkey's migrations to a database (the `migrate` command and app start-up call it). */
import { type Kysely, type MigrationResultSet, Migrator, SqliteAdapter, sql } from 'kysely';
import { LatchkeyError } from '../core/errors.js';
import { migrations } from './migrations/index.js';

/** Names of the migrations a run applied. */
export interface MigrateResult {
  readonly applied: readonly string[];
}

// SQLite runs in this process one at a time. better-sqlite3 is synchronous: a second connection
// waiting on SQLite's busy timeout would block the event loop, and with it the first connection's
// migration. PostgreSQL and MySQL need no such queue: their lock waits are asynchronous.
let sqliteQueue: Promise<unknown> = Promise.resolve();

/**
 * Brings the schema up to date; a no-op when it is. Throws with the failing migration's name.
 * Safe when several processes start at once on one database.
 * @example
 * const { applied } = await migrateToLatest(db);
 */
export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<MigrateResult> {
  // PostgreSQL: Kysely runs the migrations in one transaction under an advisory lock. MySQL: under
  // GET_LOCK (its DDL commits implicitly anyway). Both hold across processes, so callers in one
  // process take the same path as callers in many.
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) return migrateWith(db);
  const run = sqliteQueue.then(() => migrateSqlite(db));
  sqliteQueue = run.catch(() => undefined);
  return run;
}

async function migrateSqlite<DB>(db: Kysely<DB>): Promise<MigrateResult> {
  // Kysely uses no transaction and no lock on SQLite, so a crash halfway would leave a table
  // without its indexes and a concurrent start would fail on "table already exists". BEGIN
  // IMMEDIATE takes the write lock first (waiting out another process's run within the busy
  // timeout) and makes the run all-or-nothing; SQLite DDL is transactional
  // (https://www.sqlite.org/lang_transaction.html).
  return db.connection().execute(async (connection) => {
    await sql`BEGIN IMMEDIATE`.execute(connection);
    try {
      const result = await migrateWith(connection);
      await sql`COMMIT`.execute(connection);
      return result;
    } catch (error) {
      // Some errors (SQLITE_FULL, SQLITE_IOERR) end the transaction themselves; the original error
      // is what the operator needs, not "no transaction is active".
      await sql`ROLLBACK`.execute(connection).catch(() => undefined);
      throw error;
    }
  });
}

async function migrateWith<DB>(db: Kysely<DB>): Promise<MigrateResult> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'latchkey_migration',
    migrationLockTableName: 'latchkey_migration_lock',
  });
  const { error, results }: MigrationResultSet = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error !== undefined) {
    throw new LatchkeyError('LATCHKEY_MIGRATION', `Migration ${failed?.migrationName ?? '(setup)'} failed`, {
      cause: error,
    });
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
