/**
 * @module `latchkey/stores/sqlite`: the SQL session store on an SQLite file (WAL, busy timeout),
 * migrated on open. One file serves several processes; each opens its own connection.
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock.js';
import { StoreUnavailableError } from '../core/errors.js';
import { migrateToLatest } from '../db/migrate.js';
import type { Database } from '../db/schema.js';
import { openSqlite } from '../db/sqlite.js';
import { KyselySessionStore } from './sql.js';

export { type MigrateResult, migrateToLatest } from '../db/migrate.js';
export type { Database } from '../db/schema.js';
export { openSqlite } from '../db/sqlite.js';
export {
  type ClearExpiredOptions,
  createKyselySessionStore,
  KyselySessionStore,
  type KyselySessionStoreOptions,
} from './sql.js';

/** Options of {@link createSqliteSessionStore}. */
export interface SqliteSessionStoreOptions {
  /** Path of the database file, created with its directory when missing. */
  readonly filename: string;
  readonly clock?: Clock;
}

/**
 * Opens (creating if needed) and migrates the SQLite file, and returns a store that owns the
 * connection: `close()` closes it. To share one database with other tables, open it with
 * `openSqlite` and use `createKyselySessionStore({ db })` instead.
 * @example
 * const store = await createSqliteSessionStore({ filename: './data/sessions.sqlite3' });
 */
export async function createSqliteSessionStore(
  options: SqliteSessionStoreOptions,
): Promise<KyselySessionStore> {
  let db: Kysely<Database>;
  try {
    db = openSqlite(options.filename);
  } catch (error) {
    // The path is configuration, not a secret, and it is what an operator needs to fix this.
    throw new StoreUnavailableError(`Cannot open the SQLite session database ${options.filename}`, {
      cause: error,
    });
  }
  try {
    await migrateToLatest(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return new KyselySessionStore({ db, clock: options.clock, destroyOnClose: true });
}
