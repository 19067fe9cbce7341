/**
 * The Redis store on a real 6-node Redis Cluster (3 primaries, 3 replicas) started by this file: the
 * store conformance suite, sessions spread over every shard while each user's sessions share its
 * index's slot, the per-user index exact under concurrent logins and logouts from two clients, and
 * the primary holding a user's sessions failed over (gracefully, then killed) under a login/logout loop.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createManualClock } from '../../src/core/clock.js';
import { generateSessionKey } from '../../src/sessions/keys.js';
import { CachedDbSessionStore } from '../../src/stores/cached-db.js';
import type { RedisSessionStore } from '../../src/stores/redis.js';
import { createRedisSessionStore } from '../../src/stores/redis-connect.js';
import { indexName, recordName } from '../../src/stores/redis-scripts.js';
import { createSqliteSessionStore } from '../../src/stores/sqlite.js';
import { storeConformanceSuite } from '../../src/testing/store-suite.js';
import {
  type FailoverApp,
  loginLogoutLoop,
  PASSWORD,
  servedAgainAfter,
  startFailoverApp,
} from '../support/failover-app.js';
import { uniquePrefix } from '../support/redis.js';
import {
  ask,
  type RedisClusterTopology,
  redisBinariesFor,
  startRedisCluster,
  until,
} from '../support/redis-topology.js';

const available = redisBinariesFor('the Redis Cluster tests');

let cluster: RedisClusterTopology;
const clusterNodes = (): { host: string; port: number }[] =>
  cluster.seeds.split(',').map((seed) => ({ host: '127.0.0.1', port: Number(seed.split(':')[1]) }));

/** The primary serving `key`'s slot, and its replica, from CLUSTER NODES. */
async function shardOf(key: string): Promise<{ primary: number; replica: number }> {
  const seed = cluster.nodes.find((n) => n.port > 0) as { port: number };
  const slot = Number(await ask(seed.port, 'CLUSTER', 'KEYSLOT', key));
  const lines = String(await ask(seed.port, 'CLUSTER', 'NODES'))
    .trim()
    .split('\n')
    .map((line) => line.split(' '));
  const primary = lines.find(
    (f) =>
      (f[2] as string).includes('master') &&
      !(f[2] as string).includes('fail') &&
      f.slice(8).some((range) => {
        const [from, to = from] = range.split('-').map(Number);
        return slot >= (from as number) && slot <= (to as number);
      }),
  );
  if (primary === undefined) throw new Error(`no primary serves slot ${slot}`);
  const replica = lines.find((f) => f[3] === primary[0] && !(f[2] as string).includes('fail'));
  const port = (fields: string[] | undefined): number => Number(fields?.[1]?.split(':')[1]?.split('@')[0]);
  return { primary: port(primary), replica: port(replica) };
}

describe.runIf(available)('Redis Cluster', () => {
  beforeAll(async () => {
    cluster = await startRedisCluster();
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  storeConformanceSuite(
    'redis (Redis Cluster, 3 shards)',
    async (clock) => ({
      store: await createRedisSessionStore({
        url: 'redis://127.0.0.1:6379/0',
        clusterNodes: clusterNodes(),
        prefix: uniquePrefix('cluster'),
        // A loaded CI machine can stall a command for longer than the default; timeouts have their own test.
        commandTimeoutMs: 2_000,
        clock,
      }),
    }),
    { describe, test, beforeEach, afterEach },
  );

  storeConformanceSuite(
    'cached_db (SQLite + Redis Cluster)',
    async (clock) => {
      const dir = await mkdtemp(join(tmpdir(), 'latchkey-cluster-cached-'));
      const cache = await createRedisSessionStore({
        url: 'redis://127.0.0.1:6379/0',
        clusterNodes: clusterNodes(),
        prefix: uniquePrefix('cluster-cache'),
        commandTimeoutMs: 2_000,
        clock,
      });
      const db = await createSqliteSessionStore({ filename: join(dir, 'sessions.sqlite3'), clock });
      return {
        store: new CachedDbSessionStore({ db, cache }),
        teardown: () => rm(dir, { recursive: true, force: true }),
      };
    },
    { describe, test, beforeEach, afterEach },
  );

  describe('layout and the per-user index across shards', () => {
    let store: RedisSessionStore;
    let other: RedisSessionStore;
    const clock = createManualClock(new Date('2026-03-01T12:00:00.000Z'));
    const record = (userId: string | null) => ({
      data: 'x',
      expiresAt: new Date(clock.now() + 3_600_000),
      userId,
    });
    beforeEach(async () => {
      const prefix = uniquePrefix('cluster-layout');
      // A loaded CI machine can stall a command past the default; timeouts have their own test.
      const options = {
        url: 'redis://127.0.0.1:6379/0',
        clusterNodes: clusterNodes(),
        prefix,
        clock,
        commandTimeoutMs: 2_000,
      };
      store = await createRedisSessionStore(options);
      other = await createRedisSessionStore(options);
    });
    afterEach(async () => {
      await store.close();
      await other.close();
    });

    test('sessions spread over every shard, and each user’s sessions share its index’s slot', async () => {
      const users = Array.from({ length: 30 }, (_, i) => `user-${i}`);
      const keys = new Map<string, string[]>();
      for (const user of users) {
        const own = Array.from({ length: 3 }, () => generateSessionKey(store.userKeyTag(user)));
        keys.set(user, own);
        await Promise.all(own.map((key) => store.create(key, record(user))));
      }
      const anonymous = Array.from({ length: 60 }, () => generateSessionKey());
      await Promise.all(anonymous.map((key) => store.create(key, record(null))));
      const primaries = new Set<number>();
      for (const key of anonymous) primaries.add((await shardOf(recordName(store.prefix, key))).primary);
      expect(primaries.size).toBe(3);
      for (const [user, own] of keys) {
        const slot = await ask(
          cluster.nodes[0]?.port as number,
          'CLUSTER',
          'KEYSLOT',
          indexName(store.prefix, user),
        );
        for (const key of own)
          expect(
            await ask(cluster.nodes[0]?.port as number, 'CLUSTER', 'KEYSLOT', recordName(store.prefix, key)),
          ).toBe(slot);
      }
    });

    test('INVARIANTS 13: concurrent logins, logouts and expiries of many users over two clients leave every index exact', async () => {
      const users = Array.from({ length: 12 }, (_, i) => `busy-${i}`);
      const first = users.flatMap((user) =>
        Array.from({ length: 10 }, () => ({ user, key: generateSessionKey(store.userKeyTag(user)) })),
      );
      await Promise.all(first.map(({ user, key }, i) => (i % 2 ? store : other).create(key, record(user))));
      const gone = first.filter((_, i) => i % 3 === 0);
      const more = users.flatMap((user) =>
        Array.from({ length: 5 }, () => ({ user, key: generateSessionKey(store.userKeyTag(user)) })),
      );
      const short = { data: 'x', expiresAt: new Date(clock.now() + 1_000) };
      const expiring = users.map((user) => ({ user, key: generateSessionKey(store.userKeyTag(user)) }));
      await Promise.all([
        ...gone.map(({ key }, i) => (i % 2 ? other : store).delete(key)),
        ...more.map(({ user, key }, i) => (i % 2 ? store : other).create(key, record(user))),
        ...expiring.map(({ user, key }) => other.create(key, { ...short, userId: user })),
      ]);
      clock.advance(2_000);
      for (const user of users) {
        const expected = [...first.filter((s) => !gone.includes(s)), ...more]
          .filter((s) => s.user === user)
          .map((s) => s.key)
          .sort();
        expect((await store.listUserSessions(user)).map((s) => s.key).sort()).toEqual(expected);
        expect(await other.deleteUserSessions(user)).toBe(expected.length);
        for (const key of expected) expect(await store.exists(key)).toBe(false);
      }
    });
  });

  describe('failover', () => {
    let app: FailoverApp;
    beforeAll(async () => {
      app = await startFailoverApp({
        clusterNodes: clusterNodes(),
        waitReplicas: { replicas: 1, timeoutMs: 500 },
      });
    });
    afterAll(async () => {
      await app?.close();
    });

    const aliceShard = async (): Promise<{ primary: number; replica: number }> => {
      const user = await app.runtime.users.getByUsername('alice');
      return shardOf(indexName(app.prefix, String(user?.id)));
    };

    test('CLUSTER FAILOVER of the primary holding alice’s sessions during a login/logout loop: nothing resurrects, service resumes', async () => {
      const before = await aliceShard();
      const report = await loginLogoutLoop(app, async () => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        await ask(before.replica, 'CLUSTER', 'FAILOVER');
        await until(async () => (await aliceShard()).primary === before.replica, 'the replica is promoted');
        await new Promise((resolve) => setTimeout(resolve, 300));
      });
      expect(report.resurrected).toBe(0);
      expect(report.logouts).toBeGreaterThan(3);
      expect((await aliceShard()).primary).toBe(before.replica);
    }, 60_000);

    test('INVARIANTS 10: while alice’s primary is dead her requests get 503, never an anonymous page; then its replica takes over', async () => {
      const b = app.browser();
      expect((await b.login('alice', PASSWORD)).status).toBe(302);
      expect((await b.get('/dashboard/')).status).toBe(200);
      const { primary } = await aliceShard();
      const status = await servedAgainAfter(b, async () =>
        cluster.nodes.find((n) => n.port === primary)?.kill(),
      );
      // The replica had her session: once it is promoted she is still logged in.
      expect(status).toBe(200);
      expect((await app.browser().login('alice', PASSWORD)).status).toBe(302);
    }, 90_000);
  });
});
