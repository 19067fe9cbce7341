/**
 * @module Builds the real reference app for HTTP tests: a fresh database (a real SQLite file in a
 * temporary directory by default), the real routes, a manual clock, a fast PBKDF2 hasher (the real
 * argon2 default is covered by the hasher tests), and a logger that keeps every line for assertions.
 *
 * The same HTTP suite runs on other stacks through two environment variables:
 * `LATCHKEY_TEST_DATABASE` (`sqlite`, `postgres`, `mysql`: a throwaway database per app) and
 * `LATCHKEY_TEST_SESSION_ENGINE` (`db`, `redis`, `cached_db`, `memory`: Redis under a key prefix
 * of its own, deleted afterwards). See the `test:matrix` npm script, which also runs it on a Redis
 * Cluster (`LATCHKEY_TEST_REDIS_CLUSTER_NODES`) and under Sentinel (`LATCHKEY_TEST_REDIS_SENTINELS`,
 * `LATCHKEY_TEST_REDIS_SENTINEL_NAME`) that it starts and stops itself.
 */
import { appDefaults } from '../../app/config.js';
import { createApp } from '../../app/routes.js';
import { createRuntime, type Runtime } from '../../app/runtime.js';
import {
  createHasherRegistry,
  createPbkdf2Hasher,
  defaultHasherRegistry,
  makePassword,
} from '../../src/auth/hashers/index.js';
import { createPasswordService } from '../../src/auth/password-service.js';
import type { PasswordService } from '../../src/auth/types.js';
import type { User } from '../../src/auth/users/user.js';
import { createManualClock, type ManualClock } from '../../src/core/clock.js';
import { createMemoryLogger, type MemoryLogger } from '../../src/core/logger.js';
import { defineSettings, type Settings } from '../../src/core/settings.js';
import { type RedisSettings, redisSettingsFromEnv } from '../../src/stores/redis-settings.js';
import { Browser, type StoredCookie } from './browser.js';
import { createTestDatabase, type TestDialect } from './databases.js';
import { connectTestRedis, deleteKeysWithPrefix, TEST_REDIS_URL, uniquePrefix } from './redis.js';

/** The database dialect of this run (`LATCHKEY_TEST_DATABASE`). */
export const TEST_DATABASE = (process.env.LATCHKEY_TEST_DATABASE ?? 'sqlite') as TestDialect;
/** The session engine of this run (`LATCHKEY_TEST_SESSION_ENGINE`). */
export const TEST_SESSION_ENGINE = (process.env.LATCHKEY_TEST_SESSION_ENGINE ??
  'db') as Settings['SESSION_ENGINE'];

/** The Redis topology of this run, from the matrix script's variables; `{}` for the test Redis. */
function testRedisTopology(): Partial<RedisSettings> {
  const env = process.env;
  if (!env.LATCHKEY_TEST_REDIS_CLUSTER_NODES && !env.LATCHKEY_TEST_REDIS_SENTINELS) return {};
  const {
    url: _url,
    prefix: _prefix,
    ...topology
  } = redisSettingsFromEnv({
    REDIS_CLUSTER_NODES: env.LATCHKEY_TEST_REDIS_CLUSTER_NODES,
    REDIS_SENTINELS: env.LATCHKEY_TEST_REDIS_SENTINELS,
    REDIS_SENTINEL_NAME: env.LATCHKEY_TEST_REDIS_SENTINEL_NAME,
    // A loaded CI machine can stall a command past the default; timeouts have their own test.
    REDIS_SOCKET_TIMEOUT: '2',
  });
  return topology;
}

/** A fast hasher registry for tests that still verifies every Django format. */
export const fastRegistry = createHasherRegistry({
  default: createPbkdf2Hasher({ iterations: 1_000 }),
  others: defaultHasherRegistry.hashers,
});

/** A running test app. */
export interface TestApp {
  readonly app: ReturnType<typeof createApp>;
  readonly runtime: Runtime;
  readonly clock: ManualClock;
  readonly logger: MemoryLogger;
  readonly settings: Settings;
  /** The database's URL, for a second client such as the CLI (`DATABASE_URL`). */
  readonly databaseUrl: string;
  /** A new browser with an empty cookie jar (or `jar`, shared with another client). */
  browser(options?: { origin?: string; jar?: Map<string, StoredCookie> }): Browser;
  /** Creates a user with a password (hashed with the fast hasher). */
  createUser(
    username: string,
    password: string,
    options?: { isActive?: boolean; email?: string },
  ): Promise<User>;
  close(): Promise<void>;
}

/** A secret long enough for production rules. */
export const TEST_SECRET = 'test-secret-key-that-is-long-enough-for-production-rules-0123456789';

/**
 * Starts the reference app on a temporary SQLite file (`options.passwords`: another password
 * service than the fast PBKDF2 one, e.g. the real argon2id default).
 * @example
 * const t = await startTestApp();
 * afterEach(() => t.close());
 */
export async function startTestApp(
  overrides: Partial<Settings> = {},
  options: { readonly passwords?: PasswordService } = {},
): Promise<TestApp> {
  const database = await createTestDatabase(TEST_DATABASE);
  const usesRedis = TEST_SESSION_ENGINE === 'redis' || TEST_SESSION_ENGINE === 'cached_db';
  const redisPrefix = usesRedis ? uniquePrefix('http') : null;
  const clock = createManualClock(new Date('2026-05-01T10:00:00Z'));
  const logger = createMemoryLogger();
  const settings = defineSettings({
    ...appDefaults,
    SECRET_KEY: TEST_SECRET,
    SESSION_ENGINE: TEST_SESSION_ENGINE,
    ...overrides,
  });
  const runtime = await createRuntime({
    settings,
    databaseUrl: database.url,
    redisUrl: TEST_REDIS_URL,
    redis: testRedisTopology(),
    ...(redisPrefix === null ? {} : { redisPrefix }),
    clock,
    logger,
    passwords: options.passwords ?? createPasswordService(fastRegistry),
  });
  const app = createApp(runtime.latchkey, { outbox: runtime.outbox });
  return {
    app,
    runtime,
    clock,
    logger,
    settings,
    databaseUrl: database.url,
    browser: (options) => new Browser((request) => app.request(request), options),
    async createUser(username, password, options = {}) {
      const user = await runtime.users.createUser({
        username,
        password: await makePassword(password, { registry: fastRegistry }),
        ...(options.isActive === undefined ? {} : { isActive: options.isActive }),
        ...(options.email === undefined ? {} : { email: options.email }),
      });
      return user;
    },
    async close() {
      await runtime.close();
      await database.drop();
      // A Cluster or Sentinel topology is the matrix script's own, and goes with its keys.
      if (redisPrefix !== null && Object.keys(testRedisTopology()).length === 0) {
        const client = await connectTestRedis();
        await deleteKeysWithPrefix(client, redisPrefix);
        await client.quit();
      }
    },
  };
}
