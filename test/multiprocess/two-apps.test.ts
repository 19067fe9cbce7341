import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type ReferenceApp, startReferenceApp } from '../browser/support/reference-app.js';
import { Browser } from '../support/browser.js';
import { createTestDatabase, describeOnDialect, type TestDatabase } from '../support/databases.js';
import { hasRedisServer, type PrivateRedis, startPrivateRedis } from '../support/redis-server.js';

// Two real processes of the reference app on two ports, sharing PostgreSQL (users, audit) and
// Redis (sessions): what one does to a session, the other sees at once.
await describeOnDialect('postgres', 'two app processes sharing PostgreSQL and Redis', () => {
  let database: TestDatabase;
  let redis: PrivateRedis;
  let one: ReferenceApp;
  let two: ReferenceApp;

  beforeAll(async () => {
    if (!hasRedisServer()) throw new Error('redis-server is not installed');
    database = await createTestDatabase('postgres');
    redis = await startPrivateRedis();
    const env = {
      DATABASE_URL: database.url,
      SESSION_ENGINE: 'redis',
      REDIS_URL: redis.url,
      SECRET_KEY: randomBytes(48).toString('base64url'),
    };
    one = await startReferenceApp({ env });
    two = await startReferenceApp({ env });
    await one.createUser('alice', 'correct horse battery');
  }, 90_000);

  afterAll(async () => {
    await one?.stop();
    await two?.stop();
    await redis?.stop();
    await database?.drop();
  });

  /** A browser on app `a` and, sharing its cookies, the same browser on app `b`. */
  function tabs(a: ReferenceApp, b: ReferenceApp): [Browser, Browser] {
    const first = new Browser((request) => fetch(request), { origin: `http://127.0.0.1:${a.port}` });
    const second = new Browser((request) => fetch(request), {
      origin: `http://127.0.0.1:${b.port}`,
      jar: first.cookies,
    });
    return [first, second];
  }

  test('a login on one process is a session on the other; a logout on one is seen at once on the other', async () => {
    const [onOne, onTwo] = tabs(one, two);
    expect((await onOne.login('alice', 'correct horse battery')).status).toBe(302);
    expect((await onTwo.get('/dashboard/')).status).toBe(200);
    const key = onOne.cookie('sessionid') as string;
    expect((await onOne.logout()).status).toBe(302);
    const replay = await fetch(`http://127.0.0.1:${two.port}/dashboard/`, {
      headers: { cookie: `sessionid=${key}` },
      redirect: 'manual',
    });
    expect(replay.status).toBe(302);
    expect(replay.headers.get('location')).toBe('/accounts/login/?next=/dashboard/');
  });

  test('a password change on one process logs out the sessions made on the other', async () => {
    const [laptop] = tabs(one, two);
    const [, phone] = tabs(two, two);
    await laptop.login('alice', 'correct horse battery');
    await phone.login('alice', 'correct horse battery');
    expect((await phone.get('/dashboard/')).status).toBe(200);
    const changed = await laptop.submit('/accounts/password_change/', '/accounts/password_change/', {
      old_password: 'correct horse battery',
      new_password1: 'a brand new passphrase',
      new_password2: 'a brand new passphrase',
    });
    expect(changed.status).toBe(302);
    expect((await phone.get('/dashboard/')).status).toBe(302);
    expect((await laptop.get('/dashboard/')).status).toBe(200);
  });
});
