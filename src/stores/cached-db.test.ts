import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { openTestRedis, redisTestsRun, type TestRedis } from '../../test/support/redis.js';
import { createManualClock, type ManualClock } from '../core/clock.js';
import { StoreUnavailableError, UpdateError } from '../core/errors.js';
import { createMemoryLogger, type MemoryLogger } from '../core/logger.js';
import { generateSessionKey } from '../sessions/keys.js';
import type { SessionRecord, SessionStore } from '../sessions/store.js';
import { storeConformanceSuite } from '../testing/store-suite.js';
import { CachedDbSessionStore } from './cached-db.js';
import { FAIL_FAST_REDIS_OPTIONS, RedisSessionStore } from './redis.js';
import { recordName, userTag } from './redis-scripts.js';

/** A key for a session of `userId`, as login makes one (see `userKeyTag`). */
const keyFor = (userId: string): string => generateSessionKey(userTag(userId));

import type { KyselySessionStore } from './sql.js';
import { createSqliteSessionStore } from './sqlite.js';

const HOUR = 3_600_000;
const runRedis = await redisTestsRun('CachedDbSessionStore tests');
const redisDescribe = runRedis ? describe : describe.skip;

storeConformanceSuite(
  'cached_db (sqlite file + redis)',
  async (clock) => {
    const dir = await mkdtemp(join(tmpdir(), 'latchkey-cached-db-'));
    const redis = await openTestRedis('cached-db-conformance');
    const db = await createSqliteSessionStore({ filename: join(dir, 'sessions.sqlite3'), clock });
    const cache = new RedisSessionStore({ client: redis.client, prefix: redis.prefix, clock });
    return {
      store: new CachedDbSessionStore({ db, cache, logger: createMemoryLogger() }),
      teardown: async () => {
        await redis.cleanup();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
  { describe: redisDescribe, test, beforeEach, afterEach },
);

type Held = 'load' | 'save' | 'delete' | 'deleteUserSessions';

/**
 * The real SQLite store, able to hold one operation (a load or save after the database answered, a
 * delete before it runs), so a test can put a concurrent request exactly in that gap.
 */
class HeldStore implements SessionStore {
  #hold: { operation: Held; reached: () => void; release: Promise<void> } | null = null;
  constructor(readonly inner: KyselySessionStore) {}

  /** Holds the next `operation`; `held` resolves once it waits. */
  holdNext(operation: Held): { held: Promise<void>; release: () => void } {
    let release = (): void => {};
    let reached = (): void => {};
    const held = new Promise<void>((resolve) => {
      reached = resolve;
    });
    this.#hold = { operation, reached, release: new Promise<void>((resolve) => (release = resolve)) };
    return { held, release };
  }

  async #gate(operation: Held): Promise<void> {
    const hold = this.#hold;
    if (hold?.operation !== operation) return;
    this.#hold = null;
    hold.reached();
    await hold.release;
  }

  async load(key: string): Promise<SessionRecord | null> {
    const found = await this.inner.load(key);
    await this.#gate('load');
    return found;
  }
  async save(key: string, record: SessionRecord): Promise<void> {
    await this.inner.save(key, record);
    await this.#gate('save');
  }
  async delete(key: string): Promise<void> {
    await this.#gate('delete');
    await this.inner.delete(key);
  }
  async deleteUserSessions(userId: string, options?: { except?: string }): Promise<number> {
    await this.#gate('deleteUserSessions');
    return this.inner.deleteUserSessions(userId, options);
  }
  exists = (key: string) => this.inner.exists(key);
  create = (key: string, record: SessionRecord) => this.inner.create(key, record);
  clearExpired = () => this.inner.clearExpired();
  listUserSessions = (userId: string) => this.inner.listUserSessions(userId);
  close = () => this.inner.close();
}

redisDescribe('cached_db session store', () => {
  let dir: string;
  let redis: TestRedis;
  let clock: ManualClock;
  let db: HeldStore;
  let logger: MemoryLogger;
  let store: CachedDbSessionStore;

  const record = (overrides: Partial<SessionRecord> = {}): SessionRecord => ({
    data: `payload-${generateSessionKey()}`,
    expiresAt: new Date(clock.now() + HOUR),
    userId: null,
    ...overrides,
  });
  const cached = async (key: string): Promise<boolean> =>
    (await redis.client.exists(recordName(redis.prefix, key))) === 1;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'latchkey-cached-db-'));
    redis = await openTestRedis('cached-db');
    clock = createManualClock(new Date('2026-03-01T12:00:00.000Z'));
    db = new HeldStore(await createSqliteSessionStore({ filename: join(dir, 'sessions.sqlite3'), clock }));
    logger = createMemoryLogger();
    const cache = new RedisSessionStore({ client: redis.client, prefix: redis.prefix, clock });
    store = new CachedDbSessionStore({ db, cache, logger });
  });

  afterEach(async () => {
    await store.close();
    await redis.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  test('create writes through to the database and the cache; a miss is filled from the database', async () => {
    const key = keyFor('ann');
    const written = record({ userId: 'ann' });
    await store.create(key, written);
    expect((await db.inner.load(key))?.data).toBe(written.data);
    expect(await cached(key)).toBe(true);

    await redis.client.del(recordName(redis.prefix, key));
    expect((await store.load(key))?.data).toBe(written.data);
    expect(await cached(key)).toBe(true);
    expect(logger.events).toEqual([]);
  });

  test('a cached session is answered from Redis without reading the database', async () => {
    const key = keyFor('abe');
    await store.create(key, record({ userId: 'abe' }));
    // Behind the store's back (the documented caveat): only the cached copy is left to answer.
    await db.inner.delete(key);
    expect((await store.load(key))?.userId).toBe('abe');
    clock.advance(HOUR);
    expect(await store.load(key)).toBeNull();
  });

  test('INVARIANTS 3: a logout (delete) removes both the database row and the cached copy', async () => {
    const key = keyFor('bea');
    await store.create(key, record({ userId: 'bea' }));
    expect(await store.load(key)).not.toBeNull();
    await store.delete(key);
    expect(await db.inner.load(key)).toBeNull();
    expect(await cached(key)).toBe(false);
    expect(await store.load(key)).toBeNull();
  });

  test('INVARIANTS 13: after deleteUserSessions no cached copy can bring a session back', async () => {
    const keep = keyFor('cy');
    const others = [keyFor('cy'), keyFor('cy'), keyFor('cy')];
    for (const key of [keep, ...others]) await store.create(key, record({ userId: 'cy' }));
    for (const key of others) expect(await store.load(key)).not.toBeNull();
    expect(await store.deleteUserSessions('cy', { except: keep })).toBe(3);
    for (const key of others) {
      expect(await cached(key)).toBe(false);
      expect(await store.load(key)).toBeNull();
    }
    expect((await store.load(keep))?.userId).toBe('cy');
  });

  test.each([
    ['a logout', (s: SessionStore, key: string) => s.delete(key)],
    ['log out everywhere', (s: SessionStore) => s.deleteUserSessions('dot')],
  ])(
    'INVARIANTS 1: a load that read the database before %s does not refill the cache after it',
    async (_, end) => {
      const key = keyFor('dot');
      await db.inner.create(key, record({ userId: 'dot' }));
      const { held, release } = db.holdNext('load');
      const slowLoad = store.load(key);
      await held;
      await end(store, key);
      release();
      expect(await slowLoad).not.toBeNull(); // it read before the logout, and answers with what it read
      expect(await cached(key)).toBe(false);
      expect(await store.load(key)).toBeNull();
    },
  );

  test.each([
    ['a logout', 'delete', (s: SessionStore, key: string) => s.delete(key)],
    ['log out everywhere', 'deleteUserSessions', (s: SessionStore) => s.deleteUserSessions('gil')],
  ] as const)(
    'INVARIANTS 1: a load in the middle of %s cannot leave a cached copy behind',
    async (_, op, end) => {
      const key = keyFor('gil');
      await store.create(key, record({ userId: 'gil' }));
      const { held, release } = db.holdNext(op);
      const ending = end(store, key);
      await held;
      // The cached copy is gone but the row not yet: this load refills the cache from the row.
      expect(await store.load(key)).not.toBeNull();
      release();
      await ending;
      expect(await cached(key)).toBe(false);
      expect(await store.load(key)).toBeNull();
    },
  );

  test('INVARIANTS 1: a save racing a logout neither resurrects the row nor the cached copy', async () => {
    const key = keyFor('eve');
    await store.create(key, record({ userId: 'eve' }));
    const { held, release } = db.holdNext('save');
    const slowSave = store.save(key, record({ userId: 'eve', data: 'late' }));
    await held;
    await store.delete(key);
    release();
    await slowSave;
    expect(await cached(key)).toBe(false);
    expect(await store.load(key)).toBeNull();
    await expect(store.save(key, record())).rejects.toBeInstanceOf(UpdateError);
  });
});

describe('cached_db with its cache unreachable', () => {
  let dir: string;
  let clock: ManualClock;
  let db: KyselySessionStore;
  let logger: MemoryLogger;
  let store: CachedDbSessionStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'latchkey-cached-db-'));
    clock = createManualClock(new Date('2026-03-01T12:00:00.000Z'));
    db = await createSqliteSessionStore({ filename: join(dir, 'sessions.sqlite3'), clock });
    // A port nothing listens on: bound by the OS, then released.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const client = new Redis(`redis://127.0.0.1:${port}`, { ...FAIL_FAST_REDIS_OPTIONS, lazyConnect: true });
    client.on('error', () => {});
    logger = createMemoryLogger();
    const cache = new RedisSessionStore({ client, clock, quitOnClose: true });
    store = new CachedDbSessionStore({ db, cache, logger });
  });

  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const record = (overrides: Partial<SessionRecord> = {}): SessionRecord => ({
    data: 'payload',
    expiresAt: new Date(clock.now() + HOUR),
    userId: 'fin',
    ...overrides,
  });

  test('reads and creates fall back to the database and log store.cache_unavailable', async () => {
    const key = generateSessionKey();
    await store.create(key, record());
    expect((await store.load(key))?.userId).toBe('fin');
    expect(await store.exists(key)).toBe(true);
    expect(logger.events.length).toBeGreaterThan(0);
    for (const event of logger.events) {
      expect(event).toMatchObject({ level: 'warn', event: 'store.cache_unavailable' });
      expect(JSON.stringify(event.fields)).not.toContain(key);
    }
  });

  test('INVARIANTS 10: a logout fails closed and leaves the session whole, never half-deleted', async () => {
    const key = keyFor('fin');
    await db.create(key, record());
    await expect(store.delete(key)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.deleteUserSessions('fin')).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(await db.exists(key)).toBe(true);
  });

  test('INVARIANTS 10: a save fails closed before the database is written', async () => {
    const key = generateSessionKey();
    await db.create(key, record({ data: 'before' }));
    await expect(store.save(key, record({ data: 'after' }))).rejects.toBeInstanceOf(StoreUnavailableError);
    expect((await db.load(key))?.data).toBe('before');
  });
});
