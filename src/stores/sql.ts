/**
 * @module A session store over any Kysely database: SQLite now, PostgreSQL and MySQL with the same
 * class. The queries are dialect-neutral on purpose (no RETURNING, no ON CONFLICT, no upsert), as in
 * Django's `contrib/sessions/backends/db.py`: `create` is a plain INSERT, `save` a plain UPDATE.
 */
import type { Insertable, Kysely, Selectable } from 'kysely';
import { type Clock, systemClock } from '../core/clock.js';
import { CreateError, LatchkeyError, StoreUnavailableError, UpdateError } from '../core/errors.js';
import { migrateToLatest } from '../db/migrate.js';
import { readRows } from '../db/read-rows.js';
import { type Database, type SessionTable, toMillis } from '../db/schema.js';
import type {
  ClearExpiredOptions,
  DeleteUserSessionsOptions,
  SessionRecord,
  SessionStore,
  StoredSession,
} from '../sessions/store.js';

export type { ClearExpiredOptions } from '../sessions/store.js';

const TABLE = 'latchkey_session';
const DEFAULT_BATCH_SIZE = 1_000;
// SQLite allows 32,766 bound parameters per statement; a batch far below that keeps each lock short.
const MAX_BATCH_SIZE = 10_000;

/** Options of {@link KyselySessionStore}. */
export interface KyselySessionStoreOptions {
  /** A database whose schema is migrated (see `migrateToLatest`). */
  readonly db: Kysely<Database>;
  readonly clock?: Clock;
  /** Destroy `db` on `close()`. Leave it off (the default) when the application shares `db`. */
  readonly destroyOnClose?: boolean;
}

/**
 * Whether `error` is a driver's duplicate-key error: SQLite (better-sqlite3), PostgreSQL (pg, SQLSTATE
 * 23505 `unique_violation`) or MySQL (mysql2, errno 1062 `ER_DUP_ENTRY`). Read from error codes, never
 * from messages, which vary by version and locale.
 * @example
 * isDuplicateKeyError({ code: '23505' }); // true
 */
export function isDuplicateKeyError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, errno } = error as { code?: unknown; errno?: unknown };
  return (
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === '23505' ||
    code === 'ER_DUP_ENTRY' ||
    errno === 1062
  );
}

/**
 * Runs one SQL store operation; a driver failure becomes a `StoreUnavailableError` (a 503), while
 * the store protocol's own errors (`CreateError`, `UpdateError`) pass through. Shared by the SQL
 * stores (Latchkey's table and Django's `django_session`).
 * @example
 * const row = await runStoreOperation('load a session', () => query.executeTakeFirst());
 */
export async function runStoreOperation<T>(operation: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof LatchkeyError) throw error;
    // INVARIANTS 9 and 10: name the operation, never the session key; keep the driver's error.
    throw new StoreUnavailableError(`Session store unavailable: could not ${operation}`, { cause: error });
  }
}

function toRow(key: string, record: SessionRecord): Insertable<SessionTable> {
  const expireDate = record.expiresAt.getTime();
  if (!Number.isFinite(expireDate)) throw new TypeError('SessionRecord.expiresAt is not a valid date');
  return { session_key: key, session_data: record.data, expire_date: expireDate, user_id: record.userId };
}

function toRecord(
  row: Pick<Selectable<SessionTable>, 'session_data' | 'expire_date' | 'user_id'>,
): SessionRecord {
  // Some drivers return BIGINT as a string (pg does), hence toMillis.
  return { data: row.session_data, expiresAt: new Date(toMillis(row.expire_date)), userId: row.user_id };
}

/**
 * A session store on the `latchkey_session` table. Expired rows count as absent everywhere; time comes
 * from the injected clock (INVARIANTS 11). Database failures reject with `StoreUnavailableError`.
 * @example
 * const store = new KyselySessionStore({ db, clock });
 */
export class KyselySessionStore implements SessionStore {
  readonly #db: Kysely<Database>;
  readonly #clock: Clock;
  readonly #destroyOnClose: boolean;
  /** The load's SQL, compiled once: it runs on every request that carries a session cookie. */
  #loadSql: string | undefined;

  constructor(options: KyselySessionStoreOptions) {
    this.#db = options.db;
    this.#clock = options.clock ?? systemClock;
    this.#destroyOnClose = options.destroyOnClose ?? false;
  }

  async load(key: string): Promise<SessionRecord | null> {
    const now = this.#clock.now();
    this.#loadSql ??= this.#db
      .selectFrom(TABLE)
      .select(['session_data', 'expire_date', 'user_id'])
      .where('session_key', '=', key)
      .where('expire_date', '>', now)
      .compile().sql;
    const sql = this.#loadSql;
    const [row] = await runStoreOperation('load a session', () =>
      readRows<Pick<Selectable<SessionTable>, 'session_data' | 'expire_date' | 'user_id'>, Database>(
        this.#db,
        sql,
        [key, now],
      ),
    );
    return row === undefined ? null : toRecord(row);
  }

  async exists(key: string): Promise<boolean> {
    const now = this.#clock.now();
    const row = await runStoreOperation('check a session', () =>
      this.#db
        .selectFrom(TABLE)
        .select('session_key')
        .where('session_key', '=', key)
        .where('expire_date', '>', now)
        .executeTakeFirst(),
    );
    return row !== undefined;
  }

  async create(key: string, record: SessionRecord): Promise<void> {
    const row = toRow(key, record);
    if (await this.#insert(row)) return;
    // The key is taken. An expired row is absent to every reader, so it may be replaced: delete it
    // only while it is still expired (a live row is never touched), then retry once.
    const now = this.#clock.now();
    const removed = await runStoreOperation('create a session', () =>
      this.#db
        .deleteFrom(TABLE)
        .where('session_key', '=', key)
        .where('expire_date', '<=', now)
        .executeTakeFirst(),
    );
    if (removed.numDeletedRows === 0n || !(await this.#insert(row))) throw new CreateError();
  }

  /** Inserts `row`; `false` when its key is taken. The primary key makes this atomic on every dialect. */
  async #insert(row: Insertable<SessionTable>): Promise<boolean> {
    return runStoreOperation('create a session', async () => {
      try {
        await this.#db.insertInto(TABLE).values(row).execute();
        return true;
      } catch (error) {
        if (isDuplicateKeyError(error)) return false;
        throw error;
      }
    });
  }

  async save(key: string, record: SessionRecord): Promise<void> {
    const { session_data, expire_date, user_id } = toRow(key, record);
    const now = this.#clock.now();
    // INVARIANTS 1: update only a live row, never insert, so a save racing a logout cannot resurrect
    // the session (Django's `save(must_create=False)` raising UpdateError). On MySQL this relies on
    // mysql2's default FOUND_ROWS flag, so an UPDATE that changes nothing still counts its row.
    const result = await runStoreOperation('save a session', () =>
      this.#db
        .updateTable(TABLE)
        .set({ session_data, expire_date, user_id })
        .where('session_key', '=', key)
        .where('expire_date', '>', now)
        .executeTakeFirst(),
    );
    if (result.numUpdatedRows === 0n) throw new UpdateError();
  }

  async delete(key: string): Promise<void> {
    await runStoreOperation('delete a session', () =>
      this.#db.deleteFrom(TABLE).where('session_key', '=', key).execute(),
    );
  }

  /**
   * Deletes expired rows in batches (select a batch of keys by the expiry index, delete them, repeat)
   * so a large backlog never holds one long write lock. Returns how many rows were removed.
   */
  async clearExpired(options: ClearExpiredOptions = {}): Promise<number> {
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
      throw new TypeError(`clearExpired: batchSize must be a whole number from 1 to ${MAX_BATCH_SIZE}`);
    }
    // One `now` for the whole run, so rows that keep expiring meanwhile cannot keep it looping.
    const now = this.#clock.now();
    let deleted = 0;
    let keys: string[];
    do {
      const rows = await runStoreOperation('clear expired sessions', () =>
        this.#db
          .selectFrom(TABLE)
          .select('session_key')
          .where('expire_date', '<=', now)
          .limit(batchSize)
          .execute(),
      );
      keys = rows.map((r) => r.session_key);
      if (keys.length === 0) break;
      // Expiry is checked again: a concurrent `create` may have replaced one of these rows with a live one.
      const result = await runStoreOperation('clear expired sessions', () =>
        this.#db
          .deleteFrom(TABLE)
          .where('session_key', 'in', keys)
          .where('expire_date', '<=', now)
          .executeTakeFirst(),
      );
      deleted += Number(result.numDeletedRows);
      options.onProgress?.(deleted);
    } while (keys.length === batchSize);
    return deleted;
  }

  async listUserSessions(userId: string): Promise<StoredSession[]> {
    const now = this.#clock.now();
    const rows = await runStoreOperation('list user sessions', () =>
      this.#db
        .selectFrom(TABLE)
        .select(['session_key', 'session_data', 'expire_date', 'user_id'])
        .where('user_id', '=', userId)
        .where('expire_date', '>', now)
        .execute(),
    );
    return rows.map((row) => ({ key: row.session_key, record: toRecord(row) }));
  }

  async deleteUserSessions(userId: string, options?: DeleteUserSessionsOptions): Promise<number> {
    const now = this.#clock.now();
    const except = options?.except;
    const remove = (expiry: '>' | '<=') => {
      let query = this.#db.deleteFrom(TABLE).where('user_id', '=', userId).where('expire_date', expiry, now);
      if (except !== undefined) query = query.where('session_key', '<>', except);
      return query.executeTakeFirst();
    };
    // Only live sessions are counted (expired ones were already logged out), but the expired rows go
    // too, so a clock stepped back cannot revive one that "log out everywhere" left (INVARIANTS 13).
    const live = await runStoreOperation('delete user sessions', () => remove('>'));
    await runStoreOperation('delete user sessions', () => remove('<='));
    return Number(live.numDeletedRows);
  }

  async close(): Promise<void> {
    if (this.#destroyOnClose) await runStoreOperation('close the database', () => this.#db.destroy());
  }
}

/**
 * Migrates a database the application already holds (one database for users and sessions) and
 * returns a store on it. Unless `destroyOnClose` is set, the store's `close()` leaves `db` open.
 * @example
 * const db = openSqlite('./data/app.sqlite3');
 * const store = await createKyselySessionStore({ db });
 */
export async function createKyselySessionStore(
  options: KyselySessionStoreOptions,
): Promise<KyselySessionStore> {
  await migrateToLatest(options.db);
  return new KyselySessionStore(options);
}
