/**
 * The store conformance suite over every store, chosen by `STORES` (comma-separated: memory, sqlite,
 * postgres, mysql, redis, cached_db, signed_cookies). Unset, it runs every store whose module exists.
 * A store named in `STORES` whose module is missing fails as "not built yet"; a store whose server is
 * unreachable is skipped loudly, or fails under `CI` (see test/support/databases.ts).
 *
 *   STORES=postgres,mysql npx vitest run test/stores/conformance.test.ts
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, test } from 'vitest';
import { createMemoryLogger } from '../../src/core/logger.js';
import type { RequestSessionStore, SessionStore } from '../../src/sessions/store.js';
import { MemorySessionStore } from '../../src/stores/memory.js';
import { KyselySessionStore } from '../../src/stores/sql.js';
import { type StoreFactory, storeConformanceSuite } from '../../src/testing/store-suite.js';
import {
  createTestDatabase,
  describeOnDialect,
  type TestDatabase,
  type TestDialect,
} from '../support/databases.js';

const api = { describe, test, beforeEach, afterEach };

const STORE_NAMES = [
  'memory',
  'sqlite',
  'postgres',
  'mysql',
  'redis',
  'cached_db',
  'signed_cookies',
] as const;
type StoreName = (typeof STORE_NAMES)[number];

/** Stores that live in modules other helpers may not have written yet. */
const OPTIONAL_MODULES: Partial<Record<StoreName, string>> = {
  redis: 'src/stores/redis.ts',
  cached_db: 'src/stores/cached-db.ts',
  signed_cookies: 'src/stores/signed-cookies.ts',
};

function isBuilt(name: StoreName): boolean {
  const path = OPTIONAL_MODULES[name];
  return path === undefined || existsSync(fileURLToPath(new URL(`../../${path}`, import.meta.url)));
}

/** Imports a store module by its `.ts` path, typed loosely: its exports are checked where used. */
async function importModule(path: string): Promise<Record<string, unknown>> {
  const specifier = `../../${path.replace(/\.ts$/, '.js')}`;
  return (await import(/* @vite-ignore */ specifier)) as Record<string, unknown>;
}

/** Registers one failing test: what was asked for cannot run. */
function failing(name: string, reason: string): void {
  describe(`store conformance: ${name}`, () => {
    test(`${name} can run`, () => {
      throw new Error(reason);
    });
  });
}

/** The SQL store on a throwaway database of `dialect`, emptied before each test. */
async function sqlSuite(dialect: TestDialect): Promise<void> {
  await describeOnDialect(dialect, `store on ${dialect}`, () => {
    let database: TestDatabase | undefined;
    beforeAll(async () => {
      database = await createTestDatabase(dialect);
    });
    afterAll(async () => {
      await database?.drop();
    });
    storeConformanceSuite(
      dialect,
      async (clock) => {
        if (database === undefined) throw new Error(`the ${dialect} test database was not created`);
        await database.db.deleteFrom('latchkey_session').execute();
        return { store: new KyselySessionStore({ db: database.db, clock }) };
      },
      api,
    );
  });
}

/**
 * Whether the test Redis answers: `'run'`, `'skip'` (the Redis helper has warned loudly), or
 * `'failed'` under `CI`, where a failing test has been registered instead.
 */
async function redisVerdict(name: StoreName): Promise<'run' | 'skip' | 'failed'> {
  const support = await import('../support/redis.js');
  try {
    return (await support.redisTestsRun(`store conformance: ${name}`)) ? 'run' : 'skip';
  } catch (error) {
    failing(name, error instanceof Error ? error.message : String(error));
    return 'failed';
  }
}

/** Registers the suite, or skips it when its server is unreachable on a developer's machine. */
function register(name: StoreName, factory: StoreFactory, verdict: 'run' | 'skip' | 'failed'): void {
  if (verdict === 'run') storeConformanceSuite(name, factory, api);
  else if (verdict === 'skip')
    describe.skip(`store conformance: ${name}`, () => storeConformanceSuite(name, factory, api));
}

/** Redis, through the Redis helper's own test support (fresh key prefix per test). */
async function redisSuite(): Promise<void> {
  const support = await import('../support/redis.js');
  const { RedisSessionStore } = await import('../../src/stores/redis.js');
  const factory: StoreFactory = async (clock) => {
    const redis = await support.openTestRedis('conformance');
    const store = new RedisSessionStore({ client: redis.client, prefix: redis.prefix, clock });
    return { store, teardown: () => redis.cleanup() };
  };
  register('redis', factory, await redisVerdict('redis'));
}

type StoreClass = new (options: Record<string, unknown>) => SessionStore;

/** A store module's class export, or a failing test saying which export is missing. */
function storeClass(module: Record<string, unknown>, name: StoreName, exportName: string): StoreClass | null {
  const candidate = module[exportName];
  if (typeof candidate === 'function') return candidate as StoreClass;
  failing(
    name,
    `${OPTIONAL_MODULES[name]} does not export ${exportName}; update test/stores/conformance.test.ts`,
  );
  return null;
}

/** cached_db: the Redis store in front of the SQL store on SQLite (Django's `cached_db` backend). */
async function cachedDbSuite(): Promise<void> {
  const support = await import('../support/redis.js');
  const { RedisSessionStore } = await import('../../src/stores/redis.js');
  const { CachedDbSessionStore } = await import('../../src/stores/cached-db.js');
  const factory: StoreFactory = async (clock) => {
    const redis = await support.openTestRedis('cached-db');
    const database = await createTestDatabase('sqlite');
    const store = new CachedDbSessionStore({
      db: new KyselySessionStore({ db: database.db, clock }),
      cache: new RedisSessionStore({ client: redis.client, prefix: redis.prefix, clock }),
      // Cache-failure warnings belong to the cached_db tests; here they would only be noise.
      logger: createMemoryLogger(),
    });
    return { store, teardown: async () => void (await Promise.all([redis.cleanup(), database.drop()])) };
  };
  register('cached_db', factory, await redisVerdict('cached_db'));
}

/**
 * A browser's cookie jar in front of a client-side store: create and save keep the cookie value the
 * store issues for the key (as a browser keeps `Set-Cookie`), and every later call on that key
 * sends it back (as the `Cookie` header would). Without the jar there is nowhere for the record to live.
 */
function cookieJarStore(store: ClientSideStore): SessionStore {
  const jar = new Map<string, string>();
  const view = (key: string) => store.forRequest(jar.get(key) ?? null);
  async function issue(key: string, write: (v: RequestSessionStore) => Promise<void>): Promise<void> {
    const v = view(key);
    await write(v);
    const cookie = v.cookieValue(key);
    if (cookie !== null) jar.set(key, cookie);
  }
  return {
    load: (key) => view(key).load(key),
    exists: (key) => view(key).exists(key),
    create: (key, record) => issue(key, (v) => v.create(key, record)),
    save: (key, record) => issue(key, (v) => v.save(key, record)),
    delete: (key) => view(key).delete(key),
    clearExpired: (options) => store.clearExpired(options),
    listUserSessions: (userId) => store.listUserSessions(userId),
    deleteUserSessions: (userId, options) => store.deleteUserSessions(userId, options),
    close: () => store.close(),
  };
}

type ClientSideStore = SessionStore & { forRequest(cookie: string | null): RequestSessionStore };

/**
 * signed_cookies: the whole session in the cookie (through a simulated cookie jar), its revocation
 * state in the SQL registry on SQLite, as the app runs it.
 */
async function signedCookiesSuite(): Promise<void> {
  const module = await importModule(OPTIONAL_MODULES.signed_cookies!);
  const Store = storeClass(module, 'signed_cookies', 'SignedCookieSessionStore');
  if (Store === null) return;
  const { SqlRevocationRegistry } = await import('../../src/stores/revocation-sql.js');
  storeConformanceSuite(
    'signed_cookies',
    async (clock) => {
      const database = await createTestDatabase('sqlite');
      const store = new Store({
        secret: 'conformance-secret-for-signed-cookie-sessions',
        registry: new SqlRevocationRegistry({ db: database.db, clock }),
        // The suite round-trips 64 KB payloads; the 4 KB browser limit has its own tests.
        maxCookieBytes: 1024 * 1024,
        clock,
      }) as ClientSideStore;
      return {
        store: cookieJarStore(store),
        capabilities: { serverSideRecords: false },
        teardown: () => database.drop(),
      };
    },
    api,
  );
}

const SUITES: Record<StoreName, () => Promise<void>> = {
  memory: async () =>
    storeConformanceSuite('memory', async (clock) => ({ store: new MemorySessionStore({ clock }) }), api),
  sqlite: () => sqlSuite('sqlite'),
  postgres: () => sqlSuite('postgres'),
  mysql: () => sqlSuite('mysql'),
  redis: redisSuite,
  cached_db: cachedDbSuite,
  signed_cookies: signedCookiesSuite,
};

/** The stores `STORES` asks for (`null` when unset: every built store) and any names it gets wrong. */
function requestedStores(value: string | undefined): { names: StoreName[] | null; unknown: string[] } {
  if (value === undefined || value.trim() === '') return { names: null, unknown: [] };
  const words = value
    .split(',')
    .map((word) => word.trim().toLowerCase())
    .filter((word) => word !== '');
  const known = (word: string): word is StoreName => (STORE_NAMES as readonly string[]).includes(word);
  return { names: [...new Set(words.filter(known))], unknown: words.filter((word) => !known(word)) };
}

const { names, unknown } = requestedStores(process.env.STORES);
for (const word of unknown) failing(word, `STORES names "${word}"; known stores: ${STORE_NAMES.join(', ')}`);
for (const name of names ?? STORE_NAMES) {
  if (isBuilt(name)) {
    await SUITES[name]();
  } else if (names !== null) {
    failing(name, `not built yet: ${OPTIONAL_MODULES[name]} does not exist`);
  } else {
    console.warn(
      `store conformance: skipping ${name}, not built yet (${OPTIONAL_MODULES[name]} does not exist)`,
    );
    describe.skip(`store conformance: ${name} (not built yet)`, () => {
      test(`${name} passes the conformance suite`, () => undefined);
    });
  }
}
