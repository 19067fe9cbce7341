/**
 * @module "Log out everywhere" at scale: each server store holds BENCH_SESSIONS sessions (default
 * 1,000,000) of which one user has 10, and `deleteUserSessions(user)` is timed BENCH_RUNS times (the 10
 * re-inserted, untimed, before each run). Goal: a median under 10 ms on every store.
 *
 *   node --import tsx bench/logout-all.ts
 *
 * Servers: LATCHKEY_TEST_POSTGRES_URL, LATCHKEY_TEST_MYSQL_URL, LATCHKEY_TEST_REDIS_URL (the test
 * defaults). Each SQL run gets its own database (test/support/sql-servers.ts) and each Redis run its
 * own key prefix, removed at the end. The `redis-cluster` row runs on a 6-node Redis Cluster (3
 * primaries) started from `redis-server` for the run and stopped after it. `BENCH_STORES` (e.g.
 * `redis,redis-cluster`) picks rows; unset, every reachable store runs.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { generateSessionKey } from '../src/sessions/keys.js';
import type { SessionStore } from '../src/sessions/store.js';
import type { RedisSessionStore } from '../src/stores/redis.js';
import { userTag } from '../src/stores/redis-scripts.js';
import { KyselySessionStore } from '../src/stores/sql.js';
import { createServerDatabase, type ServerDialect } from '../test/support/sql-servers.js';
import { settleSessionTable } from './s4/latchkey-stores.js';

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 31);
const WARM_UP_RUNS = 3;
const TARGET = 'bench-target-user';
const TARGET_SESSIONS = 10;
const BATCH = 1_000;
const EXPIRES = Date.now() + 86_400_000;

const REDIS_URL = process.env.LATCHKEY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const ONLY = process.env.BENCH_STORES?.split(',').map((name) => name.trim());
const wanted = (name: string): boolean => ONLY === undefined || ONLY.includes(name);

interface Row {
  readonly store: string;
  readonly sessions: number;
  readonly fillSeconds: number;
  readonly timings: number[];
}

/**
 * The i-th filler session: a valid `[a-z0-9]{32}` key (a logged-in one starting with its user's tag,
 * as login makes it), ~120 bytes of data, 200,000 users.
 */
function filler(i: number): { key: string; data: string; userId: string | null } {
  const userId = i % 20 === 0 ? null : `user-${i % 200_000}`;
  return {
    key:
      userId === null
        ? `f${i.toString(36).padStart(31, '0')}`
        : `${userTag(userId)}${i.toString(36).padStart(28, '0')}`,
    data: `{"_auth_user_id":"${i % 200_000}","n":${i},"pad":"${'x'.repeat(64)}"}`,
    userId,
  };
}

/** Runs `work(i)` for i in [0, count) with at most `width` in flight. */
async function inParallel(count: number, width: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) await work(next++);
  };
  await Promise.all(Array.from({ length: width }, lane));
}

/** A SQL store on a fresh database holding SESSIONS rows, and how to drop it. */
async function fillSql(
  server: ServerDialect,
): Promise<{ store: KyselySessionStore; seconds: number; drop: () => Promise<void> }> {
  const database = await createServerDatabase(server);
  const { db } = await openDatabase(database.url);
  await migrateToLatest(db);
  const started = performance.now();
  await inParallel(Math.ceil(SESSIONS / BATCH), 4, async (batch) => {
    const rows = [];
    for (let i = batch * BATCH; i < Math.min(SESSIONS, (batch + 1) * BATCH); i++) {
      const { key, data, userId } = filler(i);
      rows.push({ session_key: key, session_data: data, expire_date: EXPIRES, user_id: userId });
    }
    await db.insertInto('latchkey_session').values(rows).execute();
  });
  const seconds = (performance.now() - started) / 1000;
  await settleSessionTable(db, server);
  const drop = async (): Promise<void> => {
    await db.destroy();
    await database.drop();
  };
  return { store: new KyselySessionStore({ db }), seconds, drop };
}

/** The Redis store under a fresh prefix holding SESSIONS records, or `null` without Redis. */
async function fillRedis(): Promise<{
  store: RedisSessionStore;
  seconds: number;
  drop: () => Promise<void>;
} | null> {
  const { Redis } = await import('ioredis');
  const { RedisSessionStore: Store, FAIL_FAST_REDIS_OPTIONS } = await import('../src/stores/redis.js');
  const client = new Redis(REDIS_URL, {
    ...FAIL_FAST_REDIS_OPTIONS,
    lazyConnect: true,
    commandTimeout: 60_000,
  });
  client.on('error', () => undefined);
  if (
    !(await client.connect().then(
      () => true,
      () => false,
    ))
  )
    return null;
  const prefix = `latchkey-bench:${randomBytes(4).toString('hex')}:`;
  const store = new Store({ client, prefix });
  const seconds = await fillStore(store);
  const drop = async (): Promise<void> => {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 5_000);
      cursor = next;
      if (keys.length > 0) await client.unlink(...keys);
    } while (cursor !== '0');
    await client.quit();
  };
  return { store, seconds, drop };
}

/** Creates SESSIONS records through `store`, 256 in flight (ioredis pipelines them per connection). */
async function fillStore(store: SessionStore): Promise<number> {
  const started = performance.now();
  await inParallel(SESSIONS, 256, async (i) => {
    const { key, data, userId } = filler(i);
    await store.create(key, { data, expiresAt: new Date(EXPIRES), userId });
  });
  return (performance.now() - started) / 1000;
}

/** A 6-node Redis Cluster started for the run, its store holding SESSIONS records, or `null`. */
async function fillRedisCluster(): Promise<{
  store: RedisSessionStore;
  seconds: number;
  drop: () => Promise<void>;
} | null> {
  const { hasRedisBinaries, startRedisCluster } = await import('../test/support/redis-topology.js');
  if (!hasRedisBinaries()) return null;
  const cluster = await startRedisCluster();
  const { createRedisSessionStore } = await import('../src/stores/redis-connect.js');
  const store = await createRedisSessionStore({
    url: REDIS_URL,
    clusterNodes: cluster.seeds
      .split(',')
      .map((seed) => ({ host: '127.0.0.1', port: Number(seed.split(':')[1]) })),
    prefix: 'latchkey-bench:',
    commandTimeoutMs: 60_000,
  });
  const seconds = await fillStore(store);
  const drop = async (): Promise<void> => {
    await store.close();
    await cluster.stop();
  };
  return { store, seconds, drop };
}

/**
 * Times `deleteUserSessions(TARGET)` RUNS times, re-creating the user's 10 sessions before each; the
 * first WARM_UP_RUNS are not counted (cold pool connections and caches).
 */
async function measure(store: SessionStore): Promise<number[]> {
  const timings: number[] = [];
  for (let run = 0; run < WARM_UP_RUNS + RUNS; run++) {
    for (let i = 0; i < TARGET_SESSIONS; i++) {
      const key = generateSessionKey(store.userKeyTag?.(TARGET) ?? '');
      await store.create(key, { data: '{}', expiresAt: new Date(EXPIRES), userId: TARGET });
    }
    const started = performance.now();
    const removed = await store.deleteUserSessions(TARGET);
    if (run >= WARM_UP_RUNS) timings.push(performance.now() - started);
    if (removed !== TARGET_SESSIONS)
      throw new Error(`expected ${TARGET_SESSIONS} sessions removed, got ${removed}`);
  }
  return timings;
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

function printTable(rows: readonly Row[]): void {
  const ms = (n: number): string => n.toFixed(2);
  console.log(
    `\nlogout-all: deleteUserSessions of a user with ${TARGET_SESSIONS} sessions, ${RUNS} runs each\n`,
  );
  console.log('| store | sessions | fill (s) | median (ms) | p90 (ms) | min (ms) | max (ms) | < 10 ms |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---|');
  for (const { store, sessions, fillSeconds, timings } of rows) {
    const median = quantile(timings, 0.5);
    const cells = [
      ms(median),
      ms(quantile(timings, 0.9)),
      ms(Math.min(...timings)),
      ms(Math.max(...timings)),
    ];
    console.log(
      `| ${store} | ${sessions.toLocaleString('en')} | ${fillSeconds.toFixed(1)} | ${cells.join(' | ')} | ${median < 10 ? 'yes' : 'NO'} |`,
    );
  }
}

interface Filled {
  readonly name: string;
  readonly store: SessionStore;
  readonly seconds: number;
}

/** Fills every reachable store; cached_db reuses the filled SQL stores behind the filled Redis one. */
async function fillAll(cleanups: (() => Promise<void>)[]): Promise<Filled[]> {
  const filled: Filled[] = [];
  const sqlStores: [ServerDialect, KyselySessionStore][] = [];
  for (const server of ['postgres', 'mysql'] as const) {
    if (!wanted(server) && !wanted(`cached_db (${server} + redis)`)) continue;
    const result = await fillSql(server).catch((error: unknown) => {
      console.warn(`skipping ${server}: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    });
    if (result === null) continue;
    cleanups.push(result.drop);
    sqlStores.push([server, result.store]);
    if (wanted(server)) filled.push({ name: server, store: result.store, seconds: result.seconds });
    console.log(`${server}: ${SESSIONS.toLocaleString('en')} sessions in ${result.seconds.toFixed(1)} s`);
  }
  if (wanted('redis-cluster')) {
    const cluster = await fillRedisCluster();
    if (cluster === null) console.warn('skipping redis-cluster: no redis-server/redis-cli');
    else {
      cleanups.push(cluster.drop);
      filled.push({ name: 'redis-cluster (3 primaries)', store: cluster.store, seconds: cluster.seconds });
      console.log(
        `redis-cluster: ${SESSIONS.toLocaleString('en')} sessions in ${cluster.seconds.toFixed(1)} s`,
      );
    }
  }
  if (!wanted('redis') && sqlStores.length === 0) return filled;
  const redis = await fillRedis();
  if (redis === null) {
    console.warn(`skipping redis and cached_db: no Redis at ${new URL(REDIS_URL).host}`);
    return filled;
  }
  cleanups.push(redis.drop);
  if (wanted('redis')) filled.push({ name: 'redis', store: redis.store, seconds: redis.seconds });
  console.log(`redis: ${SESSIONS.toLocaleString('en')} sessions in ${redis.seconds.toFixed(1)} s`);
  const { CachedDbSessionStore } = await import('../src/stores/cached-db.js');
  for (const [server, db] of sqlStores) {
    if (!wanted(`cached_db (${server} + redis)`)) continue;
    // Both halves already hold the SESSIONS records filled above.
    filled.push({
      name: `cached_db (${server} + redis)`,
      store: new CachedDbSessionStore({ db, cache: redis.store }),
      seconds: 0,
    });
  }
  return filled;
}

async function main(): Promise<void> {
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const rows: Row[] = [];
    for (const { name, store, seconds } of await fillAll(cleanups)) {
      rows.push({ store: name, sessions: SESSIONS, fillSeconds: seconds, timings: await measure(store) });
    }
    printTable(rows);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => console.warn(error));
  }
}

await main();
