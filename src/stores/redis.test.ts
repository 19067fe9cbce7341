import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { freePort } from '../../test/support/ports.js';
import {
  connectTestRedis,
  openTestRedis,
  redisTestsRun,
  TEST_REDIS_URL,
  type TestRedis,
} from '../../test/support/redis.js';
import { createManualClock, type ManualClock } from '../core/clock.js';
import { StoreUnavailableError } from '../core/errors.js';
import { createMemoryLogger } from '../core/logger.js';
import { generateSessionKey } from '../sessions/keys.js';
import type { SessionRecord, SessionStore } from '../sessions/store.js';
import { storeConformanceSuite } from '../testing/store-suite.js';
import { createRedisSessionStore, FAIL_FAST_REDIS_OPTIONS, RedisSessionStore } from './redis.js';
import { indexName, recordName, userTag } from './redis-scripts.js';

/** A key for a session of `userId`, as login makes one (see `userKeyTag`). */
const keyFor = (userId: string): string => generateSessionKey(userTag(userId));

const HOUR = 3_600_000;
const runRedis = await redisTestsRun('RedisSessionStore tests');
const redisDescribe = runRedis ? describe : describe.skip;

storeConformanceSuite(
  'redis',
  async (clock) => {
    const redis = await openTestRedis('conformance');
    const store = new RedisSessionStore({ client: redis.client, prefix: redis.prefix, clock });
    return { store, teardown: () => redis.cleanup() };
  },
  { describe: redisDescribe, test, beforeEach, afterEach },
);

redisDescribe('redis session store', () => {
  let redis: TestRedis;
  let clock: ManualClock;
  let store: RedisSessionStore;
  const extra: Redis[] = [];

  const record = (overrides: Partial<SessionRecord> = {}): SessionRecord => ({
    data: `payload-${generateSessionKey()}`,
    expiresAt: new Date(clock.now() + HOUR),
    userId: null,
    ...overrides,
  });

  /** The keys of every record hash under the prefix that names `userId`, read straight from Redis. */
  async function recordsOf(userId: string): Promise<string[]> {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, names] = await redis.client.scan(cursor, 'MATCH', `${redis.prefix}*`, 'COUNT', 1_000);
      cursor = next;
      for (const name of names) {
        if ((await redis.client.type(name)) !== 'hash') continue;
        if ((await redis.client.hget(name, 'u')) === userId)
          found.push(name.slice(name.indexOf('}', redis.prefix.length) + 3));
      }
    } while (cursor !== '0');
    return found.sort();
  }

  beforeEach(async () => {
    redis = await openTestRedis('redis');
    clock = createManualClock(new Date('2026-03-01T12:00:00.000Z'));
    store = new RedisSessionStore({ client: redis.client, prefix: redis.prefix, clock });
  });

  afterEach(async () => {
    for (const client of extra.splice(0)) await client.quit();
    await store.close();
    await redis.cleanup();
  });

  test('each record key carries a native TTL computed from the injected clock', async () => {
    const key = keyFor('ana');
    await store.create(key, record({ expiresAt: new Date(clock.now() + HOUR), userId: 'ana' }));
    const created = await redis.client.pttl(recordName(redis.prefix, key));
    expect(created).toBeGreaterThan(HOUR - 5_000);
    expect(created).toBeLessThanOrEqual(HOUR);

    clock.advance(30 * 60_000);
    await store.save(key, record({ expiresAt: new Date(clock.now() + 10 * 60_000), userId: 'ana' }));
    const saved = await redis.client.pttl(recordName(redis.prefix, key));
    expect(saved).toBeGreaterThan(10 * 60_000 - 5_000);
    expect(saved).toBeLessThanOrEqual(10 * 60_000);
    // The index outlives its longest session, so it never expires under a live one (read atomically).
    const both = await redis.client
      .multi()
      .pttl(recordName(redis.prefix, key))
      .pttl(indexName(redis.prefix, 'ana'))
      .exec();
    const [[, recordTtl], [, indexTtl]] = both as [[null, number], [null, number]];
    expect(indexTtl).toBeGreaterThanOrEqual(recordTtl);
  });

  test('INVARIANTS 13: 200 concurrent creates, deletes and logouts-in-place over two clients leave the index exact', async () => {
    const second = await connectTestRedis();
    extra.push(second);
    const other = new RedisSessionStore({ client: second, prefix: redis.prefix, clock });
    const via = (i: number): SessionStore => (i % 2 === 0 ? store : other);

    const first = Array.from({ length: 100 }, () => keyFor('carol'));
    await Promise.all(first.map((key, i) => via(i).create(key, record({ userId: 'carol' }))));
    const fresh = Array.from({ length: 200 }, () => keyFor('carol'));
    const deleted = first.filter((_, i) => i % 2 === 0);
    const moved = first.filter((_, i) => i % 4 === 1);
    await Promise.all([
      ...fresh.map((key, i) => via(i).create(key, record({ userId: 'carol' }))),
      ...deleted.map((key, i) => via(i + 1).delete(key)),
      ...moved.map((key, i) => via(i).save(key, record())),
    ]);

    const expected = [...first.filter((k) => !deleted.includes(k) && !moved.includes(k)), ...fresh].sort();
    expect((await store.listUserSessions('carol')).map((s) => s.key).sort()).toEqual(expected);
    expect(await recordsOf('carol')).toEqual(expected);
    expect((await redis.client.smembers(indexName(redis.prefix, 'carol'))).sort()).toEqual(expected);
    for (const key of moved) expect((await other.load(key))?.userId).toBeNull();

    expect(await other.deleteUserSessions('carol')).toBe(expected.length);
    expect(await store.listUserSessions('carol')).toEqual([]);
    expect(await recordsOf('carol')).toEqual([]);
    expect(await redis.client.exists(indexName(redis.prefix, 'carol'))).toBe(0);
  });

  test('INVARIANTS 13: a create racing a delete of the same key leaves record and index in agreement', async () => {
    const second = await connectTestRedis();
    extra.push(second);
    const other = new RedisSessionStore({ client: second, prefix: redis.prefix, clock });
    const keys = Array.from({ length: 100 }, () => keyFor('erin'));
    await Promise.allSettled(
      keys.flatMap((key) => [store.create(key, record({ userId: 'erin' })), other.delete(key)]),
    );
    const live = (
      await Promise.all(keys.map(async (key) => ((await store.exists(key)) ? key : null)))
    ).filter((key): key is string => key !== null);
    expect((await redis.client.smembers(indexName(redis.prefix, 'erin'))).sort()).toEqual(live.sort());
    expect(await store.deleteUserSessions('erin')).toBe(live.length);
    expect(await recordsOf('erin')).toEqual([]);
  });

  test('index entries whose record Redis already dropped are pruned, never listed or counted', async () => {
    const key = keyFor('fay');
    await store.create(key, record({ userId: 'fay' }));
    const dangling = keyFor('fay');
    await redis.client.sadd(indexName(redis.prefix, 'fay'), dangling);
    expect((await store.listUserSessions('fay')).map((s) => s.key)).toEqual([key]);
    expect(await redis.client.sismember(indexName(redis.prefix, 'fay'), dangling)).toBe(0);

    await redis.client.sadd(indexName(redis.prefix, 'fay'), dangling);
    expect(await store.clearExpired()).toBe(0);
    expect(await redis.client.smembers(indexName(redis.prefix, 'fay'))).toEqual([key]);
  });

  test('a stale index entry never lets deleteUserSessions remove another user’s session', async () => {
    const key = keyFor('gus');
    await store.create(key, record({ userId: 'gus' }));
    await redis.client.sadd(indexName(redis.prefix, 'hal'), key);
    expect(await store.deleteUserSessions('hal')).toBe(0);
    expect(await store.exists(key)).toBe(true);
    expect((await store.listUserSessions('gus')).map((s) => s.key)).toEqual([key]);
  });

  test('scripts are sent again when Redis has lost its script cache', async () => {
    await redis.client.script('FLUSH');
    const key = keyFor('ivy');
    await store.create(key, record({ userId: 'ivy' }));
    expect((await store.listUserSessions('ivy')).map((s) => s.key)).toEqual([key]);
  });

  test('INVARIANTS 9: a Redis error names the operation and keeps no session key, in message or cause', async () => {
    const key = generateSessionKey();
    await redis.client.set(recordName(redis.prefix, key), 'not a hash');
    const error = await store.save(key, record()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toBe('Session store unavailable: could not save a session');
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(JSON.stringify((error as Error).cause)).not.toContain(key);
  });

  test('close() leaves a client the application passed in open', async () => {
    await store.close();
    expect(await redis.client.ping()).toBe('PONG');
  });

  test('a fill whose token a delete or deleteUserSessions voided writes nothing', async () => {
    const key = keyFor('jo');
    const token = await store.reserveFill(key, 'read');
    await store.delete(key);
    expect(await store.fill(key, record({ userId: 'jo' }), token)).toBe(false);
    expect(await store.exists(key)).toBe(false);

    const second = await store.reserveFill(key, 'read');
    await store.deleteUserSessions('jo');
    expect(await store.fill(key, record({ userId: 'jo' }), second)).toBe(false);
    expect(await store.exists(key)).toBe(false);

    const third = await store.reserveFill(key, 'read');
    expect(await store.fill(key, record({ userId: 'jo' }), third)).toBe(true);
    expect((await store.listUserSessions('jo')).map((s) => s.key)).toEqual([key]);
    // A token is good for one fill.
    expect(await store.fill(key, record({ userId: 'jo' }), third)).toBe(false);
  });

  test('a write reserved while another fill is out voids both fills', async () => {
    const key = generateSessionKey();
    const reader = await store.reserveFill(key, 'read');
    const writer = await store.reserveFill(key, 'write');
    expect(await store.fill(key, record(), writer)).toBe(false);
    expect(await store.fill(key, record(), reader)).toBe(false);
    expect(await store.exists(key)).toBe(false);
  });

  test('of two concurrent readers, the first fills and the second does not', async () => {
    const key = generateSessionKey();
    const first = await store.reserveFill(key, 'read');
    const second = await store.reserveFill(key, 'read');
    expect(await store.fill(key, record({ data: 'second' }), second)).toBe(false);
    expect(await store.fill(key, record({ data: 'first' }), first)).toBe(true);
    expect((await store.load(key))?.data).toBe('first');
  });

  test('reserving a fill drops the cached copy at once', async () => {
    const key = keyFor('lu');
    await store.create(key, record({ userId: 'lu' }));
    await store.reserveFill(key, 'write');
    expect(await store.load(key)).toBeNull();
    expect(await store.listUserSessions('lu')).toEqual([]);
  });

  test('createRedisSessionStore connects, works and quits on close', async () => {
    const logger = createMemoryLogger();
    const owned = await createRedisSessionStore({ url: TEST_REDIS_URL, prefix: redis.prefix, clock, logger });
    const key = generateSessionKey();
    await owned.create(key, record());
    expect(await store.exists(key)).toBe(true);
    await owned.close();
    await expect(owned.load(key)).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(logger.events).toEqual([]);
  });
});

describe('INVARIANTS 10: the redis store fails closed, and fast', () => {
  test('createRedisSessionStore on a port nothing listens on rejects with StoreUnavailableError', async () => {
    const port = await freePort();
    const logger = createMemoryLogger();
    const started = performance.now();
    const error = await createRedisSessionStore({
      url: `redis://:hunter2@127.0.0.1:${port}/0`,
      logger,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(performance.now() - started).toBeLessThan(3_000);
    // At start-up the rejection is the report (one line from the app), not an extra log event.
    expect(logger.events).toEqual([]);
    expect((error as Error).message).toContain(`127.0.0.1:${port}`);
    expect((error as Error).message).not.toContain('hunter2');
  });

  test('every operation on a client that cannot reach Redis rejects at once with StoreUnavailableError', async () => {
    const port = await freePort();
    const client = new Redis(`redis://127.0.0.1:${port}`, { ...FAIL_FAST_REDIS_OPTIONS, lazyConnect: true });
    client.on('error', () => {});
    const store = new RedisSessionStore({ client, quitOnClose: true });
    const key = keyFor('kim');
    const written = { data: 'x', expiresAt: new Date(Date.now() + HOUR), userId: 'kim' };
    const operations: Promise<unknown>[] = [
      store.load(key),
      store.exists(key),
      store.create(key, written),
      store.save(key, written),
      store.delete(key),
      store.clearExpired(),
      store.listUserSessions('kim'),
      store.deleteUserSessions('kim', { except: key }),
    ];
    const started = performance.now();
    for (const operation of operations) {
      const error = await operation.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as StoreUnavailableError).status).toBe(503);
      expect((error as Error).cause).toBeInstanceOf(Error);
      expect((error as Error).message).not.toContain(key);
    }
    expect(performance.now() - started).toBeLessThan(3_000);
    await store.close();
  });
});
