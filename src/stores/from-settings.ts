/**
 * @module Opens the session store that `SESSION_ENGINE` names, so the app and the CLI always act
 * on the same store (a `logout-all` from the CLI must reach Redis when sessions live there).
 * Drivers load only when their engine is chosen.
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock.js';
import { ConfigurationError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Settings } from '../core/settings.js';
import type { SigningKeys } from '../core/signing.js';
import type { Database } from '../db/schema.js';
import type { SessionStore } from '../sessions/store.js';
import { MemorySessionStore } from './memory.js';
import type { RedisSessionStore } from './redis.js';
import { DEFAULT_REDIS_URL, type RedisSettings } from './redis-settings.js';
import { KyselySessionStore } from './sql.js';

/** What {@link openSessionStore} needs. */
export interface OpenSessionStoreOptions {
  readonly engine: Settings['SESSION_ENGINE'];
  /** The app's (migrated) database, for `db` and `cached_db`; it also names the Redis namespace. */
  readonly db: Kysely<Database>;
  /** For `redis` and `cached_db`: where Redis is, its timeouts and key prefix (`redis-settings.ts`). */
  readonly redis?: Partial<RedisSettings>;
  /** Overrides `redis.url`. */
  readonly redisUrl?: string;
  /** Overrides `redis.prefix` (tests give each run its own). By default derived from the database. */
  readonly redisPrefix?: string;
  /** `SECRET_KEY` and `SECRET_KEY_FALLBACKS`, for `signed_cookies` (which signs the whole session). */
  readonly signing?: SigningKeys;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

/**
 * Connects the Redis store of this app's namespace: the prefix given, claimed for this database, or the
 * one derived from it (INVARIANTS 15).
 */
async function openRedisStore(options: OpenSessionStoreOptions): Promise<RedisSessionStore> {
  const { createRedisSessionStore } = await import('./redis-connect.js');
  const { claimRedisPrefix, databaseId, defaultRedisPrefix } = await import('./redis-namespace.js');
  const { prefix, waitReplicas, ...connection } = options.redis ?? {};
  const id = await databaseId(options.db);
  const store = await createRedisSessionStore({
    ...connection,
    url: options.redisUrl ?? connection.url ?? DEFAULT_REDIS_URL,
    prefix: options.redisPrefix ?? prefix ?? defaultRedisPrefix(id),
    ...(waitReplicas ? { waitReplicas } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  try {
    await claimRedisPrefix(store, id);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

/**
 * The store for `engine`. Redis engines connect first and fail with `StoreUnavailableError`
 * when Redis cannot be reached, or `ConfigurationError` when their prefix is another database's.
 * @example
 * const store = await openSessionStore({ engine: settings.SESSION_ENGINE, db, redis: redisSettingsFromEnv(env) });
 */
export async function openSessionStore(options: OpenSessionStoreOptions): Promise<SessionStore> {
  const clock = options.clock ? { clock: options.clock } : {};
  const logger = options.logger ? { logger: options.logger } : {};
  switch (options.engine) {
    case 'db':
      return new KyselySessionStore({ db: options.db, ...clock });
    case 'memory':
      return new MemorySessionStore(clock);
    case 'redis':
      return openRedisStore(options);
    case 'cached_db': {
      const { CachedDbSessionStore } = await import('./cached-db.js');
      const cache = await openRedisStore(options);
      return new CachedDbSessionStore({
        db: new KyselySessionStore({ db: options.db, ...clock }),
        cache,
        ...logger,
      });
    }
    case 'signed_cookies': {
      if (options.signing === undefined)
        throw new ConfigurationError([
          'SESSION_ENGINE: "signed_cookies" needs the signing keys (SECRET_KEY)',
        ]);
      const { SignedCookieSessionStore } = await import('./signed-cookies.js');
      const { SqlRevocationRegistry } = await import('./revocation-sql.js');
      // Only revocation state is kept server-side, on the app's database (migration 0005).
      return new SignedCookieSessionStore({
        ...options.signing,
        registry: new SqlRevocationRegistry({ db: options.db, ...clock }),
        ...clock,
      });
    }
    default:
      throw new ConfigurationError([`SESSION_ENGINE: "${options.engine}" is not available`]);
  }
}
