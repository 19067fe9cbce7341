/**
 * INVARIANTS 10 on PostgreSQL and MySQL/MariaDB, as redis-outage.test.ts proves it on Redis: the
 * database (users and sessions, `SESSION_ENGINE=db`) goes away mid-run behind a TCP proxy that
 * resets every connection and refuses new ones; requests that need it fail closed with a 503, the
 * process survives the reset connections, and everything works again once it is back, without a
 * restart. The shared server itself is never stopped.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { csrfFieldOf } from '../support/browser.js';
import { createTestDatabase, describeOnDialect, type TestDatabase } from '../support/databases.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import {
  expectFailsClosed,
  OUTAGE_PASSWORD,
  type OutageApp,
  startOutageApp,
  statusOnceBack,
} from './outage.js';

for (const dialect of ['postgres', 'mysql'] as const) {
  await describeOnDialect(dialect, `INVARIANTS 10: the ${dialect} database goes away mid-run`, () => {
    let database: TestDatabase;
    let proxy: TcpProxy;
    let t: OutageApp;

    beforeAll(async () => {
      database = await createTestDatabase(dialect);
      const url = new URL(database.url);
      proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port) });
      url.hostname = '127.0.0.1';
      url.port = String(proxy.port);
      t = await startOutageApp({ databaseUrl: url.toString(), engine: 'db' });
    });

    afterAll(async () => {
      await t?.runtime.close();
      await proxy?.close();
      await database?.drop();
    });

    test('requests fail closed with 503 while the database is down, and work again when it is back', async () => {
      const alice = t.browser();
      await alice.login('alice', OUTAGE_PASSWORD);
      expect((await alice.get('/dashboard/')).status).toBe(200);
      const token = csrfFieldOf(await (await alice.get('/accounts/logout/')).text()) ?? '';

      await proxy.cut();
      await expectFailsClosed(t, alice);
      // A logout that cannot reach the store does not claim success.
      const logout = await alice.post('/accounts/logout/', { form: { csrfmiddlewaretoken: token } });
      expect(logout.status).toBe(503);
      await proxy.restore();

      // The database kept the session: the same cookie is logged in again, without a restart.
      expect(await statusOnceBack(alice)).toBe(200);
      const again = t.browser();
      expect((await again.login('alice', OUTAGE_PASSWORD)).status).toBe(302);
      expect((await again.get('/dashboard/')).status).toBe(200);
    });
  });
}
