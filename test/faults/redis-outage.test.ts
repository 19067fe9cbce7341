import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { appDefaults } from '../../app/config.js';
import { createApp } from '../../app/routes.js';
import { createRuntime, type Runtime } from '../../app/runtime.js';
import { makePassword } from '../../src/auth/hashers/index.js';
import { createPasswordService } from '../../src/auth/password-service.js';
import { createMemoryLogger } from '../../src/core/logger.js';
import { defineSettings } from '../../src/core/settings.js';
import { fastRegistry, TEST_SECRET } from '../support/app.js';
import { Browser } from '../support/browser.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { hasRedisServer, type PrivateRedis, startPrivateRedis } from '../support/redis-server.js';

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
  let runtime: Runtime;
  let app: ReturnType<typeof createApp>;
  const logger = createMemoryLogger();
  const browser = (): Browser => new Browser((request) => app.request(request));

  beforeAll(async () => {
    redis = await startPrivateRedis();
    database = await createTestDatabase('sqlite');
    runtime = await createRuntime({
      settings: defineSettings({ ...appDefaults, SECRET_KEY: TEST_SECRET, SESSION_ENGINE: 'redis' }),
      databaseUrl: database.url,
      redisUrl: redis.url,
      logger,
      passwords: createPasswordService(fastRegistry),
    });
    app = createApp(runtime.latchkey);
    await runtime.users.createUser({
      username: 'alice',
      password: await makePassword('correct horse battery', { registry: fastRegistry }),
    });
  });

  afterAll(async () => {
    await runtime?.close();
    await database?.drop();
    await redis?.stop();
  });

  test('requests fail closed with 503 while Redis is down, and work again when it is back', async () => {
    const alice = browser();
    await alice.login('alice', 'correct horse battery');
    expect((await alice.get('/dashboard/')).status).toBe(200);
    await alice.get('/accounts/login/');

    await redis.stop();

    const page = await alice.get('/dashboard/');
    expect(page.status).toBe(503);
    expect(await page.text()).toMatch(/temporarily unavailable/i);
    const api = await alice.get('/api/me/');
    expect(api.status).toBe(503);
    expect(await api.json()).toEqual({ error: expect.stringMatching(/unavailable/i) });
    // Nobody is logged in by mistake, and no stack trace reaches the client.
    const login = await browser().login('alice', 'correct horse battery');
    expect(login.status).toBe(503);
    expect(login.headers.getSetCookie().some((c) => c.startsWith('sessionid='))).toBe(false);
    expect(await login.text()).not.toMatch(/at .*\.ts:\d+/);
    // Pages that need no session still work.
    expect((await browser().get('/')).status).toBe(200);
    expect(logger.events.some((e) => e.event === 'store.unavailable')).toBe(true);

    await redis.start();

    let status = 503;
    for (let attempt = 0; attempt < 100 && status === 503; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await alice.get('/dashboard/')).status;
    }
    // The restarted Redis is empty: the old session is gone, so the user is sent to log in.
    expect(status).toBe(302);
    const again = browser();
    expect((await again.login('alice', 'correct horse battery')).status).toBe(302);
    expect((await again.get('/dashboard/')).status).toBe(200);
  });
});
