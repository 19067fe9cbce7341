/**
 * @module The `django` session store: Latchkey's sessions are rows of Django's own `django_session`
 * table (`session_key`, `session_data`, `expire_date`), so a session either app creates is a
 * session of both. Payloads come from the Django codec (`session-codec.ts`); the per-user index
 * lives beside Django's table (`session-index.ts`). The statements are Django's `db.py` ones:
 * `create` a plain INSERT, `save` a plain UPDATE of a live row (INVARIANTS 1).
 */
import type { Kysely } from 'kysely';
import { type Clock, systemClock } from '../core/clock.js';
import { CreateError, UpdateError } from '../core/errors.js';
import { type DialectName, dialectOf } from '../db/connect.js';
import type { Database } from '../db/schema.js';
import type {
  DeleteUserSessionsOptions,
  SessionRecord,
  SessionStore,
  StoredSession,
} from '../sessions/store.js';
import { isDuplicateKeyError, runStoreOperation } from '../stores/sql.js';
import {
  asDjangoDatabase,
  type DjangoDatabase,
  fromDjangoDateTime,
  SESSION_INDEX_TABLE,
  toDjangoDateTime,
} from './schema.js';
import type { DjangoSessionCodec } from './session-codec.js';
import { catchUpIndex, ensureSessionIndex, putIndexRow } from './session-index.js';

/** Rounds of "catch up, delete" in `deleteUserSessions`, for sessions Django creates meanwhile. */
const MAX_DELETE_ROUNDS = 3;

/** Options of {@link DjangoSessionStore}. */
export interface DjangoSessionStoreOptions {
  /** Django's database (Latchkey's own tables may live there too). */
  readonly db: Kysely<Database>;
  /** The Django codec: reads the user id of rows Django wrote. */
  readonly codec: DjangoSessionCodec;
  readonly clock?: Clock;
}

interface Row {
  session_key: string;
  session_data: string;
  expire_date: Date | string;
  user_id: string | null;
  indexed: string | null;
}

/**
 * Sessions in `django_session`. Expired rows are absent everywhere; a database that cannot answer
 * rejects with `StoreUnavailableError` (INVARIANTS 10).
 * @example
 * await ensureSessionIndex(db);
 * const store = new DjangoSessionStore({ db, codec: createDjangoSessionCodec({ secret, clock, logger }) });
 */
export class DjangoSessionStore implements SessionStore {
  readonly #db: Kysely<DjangoDatabase>;
  readonly #dialect: DialectName;
  readonly #codec: DjangoSessionCodec;
  readonly #clock: Clock;

  constructor(options: DjangoSessionStoreOptions) {
    this.#db = asDjangoDatabase(options.db);
    this.#dialect = dialectOf(options.db);
    this.#codec = options.codec;
    this.#clock = options.clock ?? systemClock;
  }

  #now(): Date | string {
    return toDjangoDateTime(this.#dialect, this.#clock.now());
  }

  #live(key?: string) {
    let query = this.#db
      .selectFrom('django_session as s')
      .leftJoin(`${SESSION_INDEX_TABLE} as i`, 'i.session_key', 's.session_key')
      .select(['s.session_key', 's.session_data', 's.expire_date', 'i.user_id', 'i.session_key as indexed'])
      .where('s.expire_date', '>', this.#now());
    if (key !== undefined) query = query.where('s.session_key', '=', key);
    return query;
  }

  #toRecord(row: Row): SessionRecord {
    // A row Django wrote and nobody indexed yet: its user comes from its data (read quietly: the
    // session's own decode logs an undecodable row once).
    const userId = row.indexed === null ? this.#codec.peekUserId(row.session_data) : row.user_id;
    const expiresAt = new Date(fromDjangoDateTime(this.#dialect, row.expire_date));
    return { data: row.session_data, expiresAt, userId };
  }

  async load(key: string): Promise<SessionRecord | null> {
    const row = await runStoreOperation('load a session', () => this.#live(key).executeTakeFirst());
    return row === undefined ? null : this.#toRecord(row);
  }

  async exists(key: string): Promise<boolean> {
    const row = await runStoreOperation('check a session', () =>
      this.#db
        .selectFrom('django_session')
        .select('session_key')
        .where('session_key', '=', key)
        .where('expire_date', '>', this.#now())
        .executeTakeFirst(),
    );
    return row !== undefined;
  }

  async create(key: string, record: SessionRecord): Promise<void> {
    const expireDate = this.#expireDate(record);
    await runStoreOperation('create a session', () =>
      this.#db.transaction().execute(async (trx) => {
        // An expired row is absent to every reader (Django's too), so it may be replaced.
        await trx
          .deleteFrom('django_session')
          .where('session_key', '=', key)
          .where('expire_date', '<=', this.#now())
          .execute();
        try {
          await trx
            .insertInto('django_session')
            .values({ session_key: key, session_data: record.data, expire_date: expireDate })
            .execute();
        } catch (error) {
          if (isDuplicateKeyError(error)) throw new CreateError();
          throw error;
        }
        await putIndexRow(trx, key, record.userId);
      }),
    );
  }

  async save(key: string, record: SessionRecord): Promise<void> {
    const expireDate = this.#expireDate(record);
    await runStoreOperation('save a session', () =>
      this.#db.transaction().execute(async (trx) => {
        const result = await trx
          .updateTable('django_session')
          .set({ session_data: record.data, expire_date: expireDate })
          .where('session_key', '=', key)
          .where('expire_date', '>', this.#now())
          .executeTakeFirst();
        if (result.numUpdatedRows === 0n) throw new UpdateError();
        await putIndexRow(trx, key, record.userId);
      }),
    );
  }

  #expireDate(record: SessionRecord): Date | string {
    const at = record.expiresAt.getTime();
    if (!Number.isFinite(at)) throw new TypeError('SessionRecord.expiresAt is not a valid date');
    return toDjangoDateTime(this.#dialect, at);
  }

  async delete(key: string): Promise<void> {
    await runStoreOperation('delete a session', () =>
      this.#db.transaction().execute(async (trx) => {
        await trx.deleteFrom('django_session').where('session_key', '=', key).execute();
        await trx.deleteFrom(SESSION_INDEX_TABLE).where('session_key', '=', key).execute();
      }),
    );
  }

  /** Deletes expired rows (Django's `clearsessions`) and the index rows left without a session. */
  async clearExpired(): Promise<number> {
    return runStoreOperation('clear expired sessions', async () => {
      const result = await this.#db
        .deleteFrom('django_session')
        .where('expire_date', '<=', this.#now())
        .executeTakeFirst();
      await this.#db
        .deleteFrom(SESSION_INDEX_TABLE)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('django_session')
                .select('django_session.session_key')
                .whereRef('django_session.session_key', '=', `${SESSION_INDEX_TABLE}.session_key`),
            ),
          ),
        )
        .execute();
      return Number(result.numDeletedRows);
    });
  }

  async listUserSessions(userId: string): Promise<StoredSession[]> {
    return runStoreOperation('list user sessions', async () => {
      await catchUpIndex(this.#db, this.#codec, this.#clock);
      const rows = await this.#live().where('i.user_id', '=', userId).execute();
      return rows.map((row) => ({ key: row.session_key, record: this.#toRecord(row) }));
    });
  }

  /**
   * Deletes the user's sessions: catch the index up, delete what it lists, and again while the
   * catch-up still finds sessions of this user (a login on Django during the first round).
   */
  async deleteUserSessions(userId: string, options?: DeleteUserSessionsOptions): Promise<number> {
    return runStoreOperation('delete user sessions', async () => {
      let deleted = 0;
      for (let round = 0; round < MAX_DELETE_ROUNDS; round++) {
        const found = await catchUpIndex(this.#db, this.#codec, this.#clock);
        if (round > 0 && !found.has(userId)) break;
        deleted += await this.#deleteIndexed(userId, options?.except);
      }
      return deleted;
    });
  }

  async #deleteIndexed(userId: string, except: string | undefined): Promise<number> {
    let query = this.#db.selectFrom(SESSION_INDEX_TABLE).select('session_key').where('user_id', '=', userId);
    if (except !== undefined) query = query.where('session_key', '<>', except);
    const keys = (await query.execute()).map((row) => row.session_key);
    if (keys.length === 0) return 0;
    return this.#db.transaction().execute(async (trx) => {
      // Only live sessions are counted; expired ones go too, so a clock stepped back revives none.
      const live = await trx
        .deleteFrom('django_session')
        .where('session_key', 'in', keys)
        .where('expire_date', '>', this.#now())
        .executeTakeFirst();
      await trx.deleteFrom('django_session').where('session_key', 'in', keys).execute();
      await trx.deleteFrom(SESSION_INDEX_TABLE).where('session_key', 'in', keys).execute();
      return Number(live.numDeletedRows);
    });
  }

  /** Releases nothing: the database belongs to the application. */
  async close(): Promise<void> {}
}

/**
 * Creates the index table if needed and returns a store on `db`.
 * @example
 * const store = await createDjangoSessionStore({ db, codec });
 */
export async function createDjangoSessionStore(
  options: DjangoSessionStoreOptions,
): Promise<DjangoSessionStore> {
  await ensureSessionIndex(asDjangoDatabase(options.db));
  return new DjangoSessionStore(options);
}
