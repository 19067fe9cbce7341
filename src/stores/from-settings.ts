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
import { KyselySessionStore } from './sql.js';

/** What {@link openSessionStore} needs. */
export interface OpenSessionStoreOptions {
  readonly engine: Settings['SESSION_ENGINE'];
  /** The app's (migrated) database, for `db` and `cached_db`. */
  readonly db: Kysely<Database>;
  /** For `redis` and `cached_db`. */
  readonly redisUrl: string;
  /** Key prefix in Redis (`latchkey:session:` by default), so apps and test runs can share a server. */
  readonly redisPrefix?: string;
  /** `SECRET_KEY` and `SECRET_KEY_FALLBACKS`, for `signed_cookies` (which signs the whole session). */
  readonly signing?: SigningKeys;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

/**
 * The store for `engine`. Redis engines connect first and fail with `StoreUnavailableError`
 * when Redis cannot be reached.
 * @example
 * const store = await openSessionStore({ engine: settings.SESSION_ENGINE, db, redisUrl: env.REDIS_URL });
 */
export async function openSessionStore(options: OpenSessionStoreOptions): Promise<SessionStore> {
  const clock = options.clock ? { clock: options.clock } : {};
  const logger = options.logger ? { logger: options.logger } : {};
  const prefix = options.redisPrefix ? { prefix: options.redisPrefix } : {};
  switch (options.engine) {
    case 'db':
      return new KyselySessionStore({ db: options.db, ...clock });
    case 'memory':
      return new MemorySessionStore(clock);
    case 'redis': {
      const { createRedisSessionStore } = await import('./redis.js');
      return createRedisSessionStore({ url: options.redisUrl, ...prefix, ...clock, ...logger });
    }
    case 'cached_db': {
      const { createRedisSessionStore } = await import('./redis.js');
      const { CachedDbSessionStore } = await import('./cached-db.js');
      const cache = await createRedisSessionStore({ url: options.redisUrl, ...prefix, ...clock, ...logger });
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
