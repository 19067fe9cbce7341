/**
 * @module `latchkey/stores/cached-db`: Django's `cached_db` backend. A durable store (in practice the SQL
 * store) is the source of truth; a Redis copy in front of it answers most reads.
 *
 * The choices, and why:
 * - load: the cache; on a miss the database, then the copy is filled. A cache that cannot answer a
 *   read is skipped and logged (`store.cache_unavailable`): the database answers alone.
 * - Every fill holds a lease taken before the database is read or written (`reserveFill`, then
 *   `fill`). A delete or "log out everywhere" in between voids the lease, so a slow request cannot put
 *   back a copy of a session the database just lost, the cache-aside race that Django's `cached_db`
 *   leaves open (leases as in Nishtala et al., "Scaling Memcache at Facebook", NSDI 2013, §3.2.1).
 * - create: database, then fill. If the cache is unreachable the session is created in the database
 *   only: a fresh key has no cached copy that could disagree with it.
 * - save: the copy is dropped first, then the database written, then the copy filled. If the cache
 *   cannot be reached the save fails closed (StoreUnavailableError) before the database is touched: a
 *   copy left behind would later serve old data, an old expiry or an old user (INVARIANTS 10).
 * - delete and deleteUserSessions: cache, database, cache again. The first pass fails closed, so a
 *   logout never half-succeeds (row gone, live copy still served; ASVS 7.4.1); the second pass voids
 *   fills that raced the database delete. Should only the second fail, the error still surfaces.
 * - listUserSessions and clearExpired: the database (copies expire in Redis by native TTL).
 * Writers that bypass this store (e.g. deleting rows straight in the database) reach the cache only
 * when the copy expires: give every writer, the CLI included, this store.
 */
import { StoreUnavailableError } from '../core/errors.js';
import { consoleLogger, type Logger } from '../core/logger.js';
import type {
  ClearExpiredOptions,
  DeleteUserSessionsOptions,
  SessionRecord,
  SessionStore,
  StoredSession,
} from '../sessions/store.js';

/** What the cached_db store needs from its cache. `RedisSessionStore` provides it. */
export interface SessionCache {
  load(key: string): Promise<SessionRecord | null>;
  delete(key: string): Promise<void>;
  deleteUserSessions(userId: string, options?: DeleteUserSessionsOptions): Promise<number>;
  /**
   * Drops the copy of `key` and returns a token for `fill`, which a later delete of `key` or of its
   * user, or another `'write'` reservation, voids.
   */
  reserveFill(key: string, intent: 'read' | 'write'): Promise<string>;
  /** Writes the copy if `token` is still valid; returns whether it did. */
  fill(key: string, record: SessionRecord, token: string): Promise<boolean>;
  close(): Promise<void>;
  /** The cache's `SessionStore.userKeyTag`, if it has one (Redis: its copies share their user's slot). */
  userKeyTag?(userId: string): string;
}

/** Options of {@link CachedDbSessionStore}. */
export interface CachedDbSessionStoreOptions {
  /** The durable store: the source of truth, which enforces CreateError and UpdateError. */
  readonly db: SessionStore;
  /** The cache in front of it, with the same clock. */
  readonly cache: SessionCache;
  /** Where cache failures that reads survive are reported. Default: standard error. */
  readonly logger?: Logger;
}

/**
 * A durable session store with a write-through cache. `close()` closes both.
 * @example
 * const store = new CachedDbSessionStore({
 *   db: await createSqliteSessionStore({ filename }),
 *   cache: await createRedisSessionStore({ url }),
 * });
 */
export class CachedDbSessionStore implements SessionStore {
  readonly #db: SessionStore;
  readonly #cache: SessionCache;
  readonly #logger: Logger;
  /**
   * The cache's key tag, so new logged-in sessions can be cached beside their user's index. Keys made
   * before (or without) it stay valid: their sessions are read from the database, uncached.
   */
  readonly userKeyTag?: (userId: string) => string;

  constructor(options: CachedDbSessionStoreOptions) {
    this.#db = options.db;
    this.#cache = options.cache;
    this.#logger = options.logger ?? consoleLogger;
    const tag = options.cache.userKeyTag;
    if (tag !== undefined) this.userKeyTag = (userId) => tag.call(options.cache, userId);
  }

  /** Logs a cache failure the operation survives; anything but an unavailable cache is rethrown. */
  #skip(operation: string, error: unknown): void {
    if (!(error instanceof StoreUnavailableError)) throw error;
    // The message names the operation only; the cause is the driver's connection error (INVARIANTS 9).
    const cause = error.cause instanceof Error ? error.cause.message : undefined;
    this.#logger.log('warn', 'store.cache_unavailable', { operation, error: error.message, cause });
  }

  /** Runs a cache step whose failure the operation survives: logs it and returns `null`. */
  async #tolerate<T>(operation: string, work: () => Promise<T>): Promise<T | null> {
    try {
      return await work();
    } catch (error) {
      this.#skip(operation, error);
      return null;
    }
  }

  async load(key: string): Promise<SessionRecord | null> {
    let token: string;
    try {
      const cached = await this.#cache.load(key);
      if (cached !== null) return cached;
      token = await this.#cache.reserveFill(key, 'read');
    } catch (error) {
      this.#skip('load', error);
      return this.#db.load(key);
    }
    const record = await this.#db.load(key);
    if (record !== null) await this.#tolerate('load', () => this.#cache.fill(key, record, token));
    return record;
  }

  async exists(key: string): Promise<boolean> {
    return (await this.load(key)) !== null;
  }

  async create(key: string, record: SessionRecord): Promise<void> {
    const token = await this.#tolerate('create', () => this.#cache.reserveFill(key, 'write'));
    await this.#db.create(key, record);
    if (token !== null) await this.#tolerate('create', () => this.#cache.fill(key, record, token));
  }

  async save(key: string, record: SessionRecord): Promise<void> {
    // Fails closed: without dropping the copy first, the cache could keep serving the old record.
    const token = await this.#cache.reserveFill(key, 'write');
    await this.#db.save(key, record);
    await this.#tolerate('save', () => this.#cache.fill(key, record, token));
  }

  async delete(key: string): Promise<void> {
    await this.#cache.delete(key);
    await this.#db.delete(key);
    await this.#cache.delete(key);
  }

  async clearExpired(options?: ClearExpiredOptions): Promise<number> {
    return this.#db.clearExpired(options);
  }

  async listUserSessions(userId: string): Promise<StoredSession[]> {
    return this.#db.listUserSessions(userId);
  }

  async deleteUserSessions(userId: string, options?: DeleteUserSessionsOptions): Promise<number> {
    await this.#cache.deleteUserSessions(userId, options);
    const removed = await this.#db.deleteUserSessions(userId, options);
    await this.#cache.deleteUserSessions(userId, options);
    return removed;
  }

  async close(): Promise<void> {
    try {
      await this.#cache.close();
    } finally {
      await this.#db.close();
    }
  }
}
