import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { hasRedisServer, type PrivateRedis, startPrivateRedis } from '../support/redis-server.js';
import {
  expectFailsClosed,
  OUTAGE_PASSWORD,
  type OutageApp,
  startOutageApp,
  statusOnceBack,
} from './outage.js';

const ci = ['1', 'true'].includes((process.env.CI ?? '').toLowerCase());
const available = hasRedisServer();
if (!available) {
  if (ci) throw new Error('redis-server is not installed; CI never skips the store-outage test');
  console.warn(
    `\n${'!'.repeat(78)}\n!! SKIPPING the Redis outage test: redis-server is not on the PATH.\n${'!'.repeat(78)}\n`,
  );
}

describe.runIf(available)('INVARIANTS 10: the session store goes away mid-run', () => {
  let redis: PrivateRedis;
  let database: TestDatabase;
  let t: OutageApp;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    database = await createTestDatabase('sqlite');
    t = await startOutageApp({ databaseUrl: database.url, engine: 'redis', redisUrl: redis.url });
  });

  afterAll(async () => {
    await t?.runtime.close();
    await database?.drop();
    await redis?.stop();
  });

  test('requests fail closed with 503 while Redis is down, and work again when it is back', async () => {
    const alice = t.browser();
    await alice.login('alice', OUTAGE_PASSWORD);
    expect((await alice.get('/dashboard/')).status).toBe(200);
    await alice.get('/accounts/login/');

    await redis.stop();
    await expectFailsClosed(t, alice);
    await redis.start();

    // The restarted Redis is empty: the old session is gone, so the user is sent to log in.
    expect(await statusOnceBack(alice)).toBe(302);
    const again = t.browser();
    expect((await again.login('alice', OUTAGE_PASSWORD)).status).toBe(302);
    expect((await again.get('/dashboard/')).status).toBe(200);
  });
});
