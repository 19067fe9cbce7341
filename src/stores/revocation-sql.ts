/**
 * @module The revocation registry of `signed_cookies` on the app's database (migration 0005):
 * dialect-neutral queries (no upsert, no RETURNING), as in the SQL session store, so that SQLite,
 * PostgreSQL and MySQL behave alike. Failures reject with `StoreUnavailableError` (INVARIANTS 10):
 * a registry that cannot answer must never let a revoked cookie through.
 */
import { type Kysely, sql } from 'kysely';
import { type Clock, systemClock } from '../core/clock.js';
import { LatchkeyError, StoreUnavailableError } from '../core/errors.js';
import { type Database, toMillis } from '../db/schema.js';
import type { BumpEpochOptions, RevocationRegistry, RevocationStatus } from './revocation.js';
import { isDuplicateKeyError } from './sql.js';

/** Options of {@link SqlRevocationRegistry}. */
export interface SqlRevocationRegistryOptions {
  /** The app's migrated database; the registry never closes it. */
  readonly db: Kysely<Database>;
  readonly clock?: Clock;
}

const MAX_BUMP_ATTEMPTS = 5;

/**
 * The registry in `latchkey_session_denylist` and `latchkey_user_epoch`.
 * @example
 * const registry = new SqlRevocationRegistry({ db, clock });
 */
export class SqlRevocationRegistry implements RevocationRegistry {
  readonly #db: Kysely<Database>;
  readonly #clock: Clock;

  constructor(options: SqlRevocationRegistryOptions) {
    this.#db = options.db;
    this.#clock = options.clock ?? systemClock;
  }

  async #run<T>(operation: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof LatchkeyError) throw error;
      // INVARIANTS 9: name the operation, never the session key.
      throw new StoreUnavailableError(`Session revocation registry unavailable: could not ${operation}`, {
        cause: error,
      });
    }
  }

  async status(key: string, userId: string | null): Promise<RevocationStatus> {
    const now = this.#clock.now();
    return this.#run('check a session', async () => {
      const denied = await this.#db
        .selectFrom('latchkey_session_denylist')
        .select('session_key')
        .where('session_key', '=', key)
        .where('expire_date', '>', now)
        .executeTakeFirst();
      const user =
        userId === null
          ? undefined
          : await this.#db
              .selectFrom('latchkey_user_epoch')
              .select(['epoch', 'kept_key'])
              .where('user_id', '=', userId)
              .executeTakeFirst();
      return {
        denied: denied !== undefined,
        epoch: user === undefined ? 0 : toMillis(user.epoch),
        keptKey: user?.kept_key ?? null,
      };
    });
  }

  async deny(key: string, until: Date): Promise<void> {
    const expireDate = until.getTime();
    await this.#run('revoke a session', async () => {
      try {
        await this.#db
          .insertInto('latchkey_session_denylist')
          .values({ session_key: key, expire_date: expireDate })
          .execute();
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        // Denied already: only ever lengthen the denial.
        await this.#db
          .updateTable('latchkey_session_denylist')
          .set({ expire_date: expireDate })
          .where('session_key', '=', key)
          .where('expire_date', '<', expireDate)
          .execute();
      }
    });
  }

  async bumpEpoch(userId: string, options?: BumpEpochOptions): Promise<number> {
    const keptKey = options?.keep ?? null;
    return this.#run('revoke a user’s sessions', async () => {
      // Update first (the common case once a user has an epoch); insert epoch 1 when there is no
      // row; a concurrent insert makes ours fail on the primary key, and the update then applies.
      for (let attempt = 0; attempt < MAX_BUMP_ATTEMPTS; attempt++) {
        const updated = await this.#db
          .updateTable('latchkey_user_epoch')
          .set({ epoch: sql<number>`epoch + 1`, kept_key: keptKey })
          .where('user_id', '=', userId)
          .executeTakeFirst();
        if (updated.numUpdatedRows > 0n) {
          const row = await this.#db
            .selectFrom('latchkey_user_epoch')
            .select('epoch')
            .where('user_id', '=', userId)
            .executeTakeFirstOrThrow();
          return toMillis(row.epoch);
        }
        try {
          await this.#db
            .insertInto('latchkey_user_epoch')
            .values({ user_id: userId, epoch: 1, kept_key: keptKey })
            .execute();
          return 1;
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error;
        }
      }
      throw new StoreUnavailableError('Session revocation registry unavailable: epoch contention');
    });
  }

  async clearExpired(): Promise<number> {
    const now = this.#clock.now();
    const result = await this.#run('clear expired revocations', () =>
      this.#db.deleteFrom('latchkey_session_denylist').where('expire_date', '<=', now).executeTakeFirst(),
    );
    return Number(result.numDeletedRows);
  }

  async close(): Promise<void> {
    // The database belongs to the app.
  }
}
