/**
 * INVARIANTS 15: two apps on different databases share one Redis, with no prefix configured, as a
 * new user would run them. Each has its own `alice` with user id 1. Neither app's sessions page,
 * "log out other sessions", session cookie nor `latchkey logout-all` ever reaches the other's
 * sessions; an explicit REDIS_KEY_PREFIX already held by the other database stops start-up.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { appDefaults } from '../../app/config.js';
import { createApp } from '../../app/routes.js';
import { createRuntime, type Runtime } from '../../app/runtime.js';
import { makePassword } from '../../src/auth/hashers/index.js';
import { createPasswordService } from '../../src/auth/password-service.js';
import { runCli } from '../../src/cli/main.js';
import { ConfigurationError } from '../../src/core/errors.js';
import { createMemoryLogger } from '../../src/core/logger.js';
import { defineSettings, type Settings } from '../../src/core/settings.js';
import { databaseId, defaultRedisPrefix } from '../../src/stores/redis-namespace.js';
import { fastRegistry, TEST_SECRET } from '../support/app.js';
import { Browser } from '../support/browser.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { connectTestRedis, deleteKeysWithPrefix, redisTestsRun, TEST_REDIS_URL } from '../support/redis.js';

const runRedis = await redisTestsRun('INVARIANTS 15 namespaces');
const PASSWORD = 'correct horse battery';

interface App {
  readonly database: TestDatabase;
  readonly runtime: Runtime;
  readonly prefix: string;
  browser(): Browser;
}

async function startApp(engine: Settings['SESSION_ENGINE']): Promise<App> {
  const database = await createTestDatabase('sqlite');
  const runtime = await createRuntime({
    settings: defineSettings({ ...appDefaults, SECRET_KEY: TEST_SECRET, SESSION_ENGINE: engine }),
    databaseUrl: database.url,
    // No prefix: the default, derived from the database.
    redis: { url: TEST_REDIS_URL },
    logger: createMemoryLogger(),
    passwords: createPasswordService(fastRegistry),
  });
  const user = await runtime.users.createUser({
    username: 'alice',
    password: await makePassword(PASSWORD, { registry: fastRegistry }),
  });
  expect(user.id).toBe('1');
  const app = createApp(runtime.latchkey);
  return {
    database,
    runtime,
    prefix: defaultRedisPrefix(await databaseId(runtime.db)),
    browser: () => new Browser((request) => app.request(request)),
  };
}

async function cli(app: App, engine: string, args: string[]): Promise<{ code: number; stdout: string }> {
  const out = { stdout: '' };
  const stdin = new PassThrough();
  stdin.end('');
  const code = await runCli(args, {
    env: { DATABASE_URL: app.database.url, SESSION_ENGINE: engine, REDIS_URL: TEST_REDIS_URL },
    stdin,
    stdout: { write: (text: string) => (out.stdout += text) },
    stderr: { write: () => undefined },
  });
  return { code, stdout: out.stdout };
}

/** The public ids on the sessions page of a logged-in browser. */
async function sessionRows(browser: Browser): Promise<string[]> {
  const page = await browser.get('/accounts/sessions/');
  expect(page.status).toBe(200);
  return [...(await page.text()).matchAll(/data-session="([^"]+)"/g)].map((m) => m[1] as string);
}

describe.runIf(runRedis).each(['redis', 'cached_db'] as const)(
  'INVARIANTS 15: two apps with different databases on one Redis (%s)',
  (engine) => {
    let one: App;
    let two: App;

    beforeAll(async () => {
      one = await startApp(engine);
      two = await startApp(engine);
    });
    afterAll(async () => {
      const client = await connectTestRedis();
      for (const app of [one, two]) {
        if (app === undefined) continue;
        await app.runtime.close();
        await deleteKeysWithPrefix(client, app.prefix);
        await app.database.drop();
      }
      await client.quit();
    });

    test('never see, end or accept each other’s sessions', async () => {
      expect(one.prefix).not.toBe(two.prefix);
      const theirs = [one.browser(), one.browser(), one.browser()];
      for (const b of theirs) expect((await b.login('alice', PASSWORD)).status).toBe(302);
      const mine = two.browser();
      expect((await mine.login('alice', PASSWORD)).status).toBe(302);

      // The sessions page lists this app's alice only: one session, her own.
      expect(await sessionRows(mine)).toHaveLength(1);
      expect(await sessionRows(theirs[0] as Browser)).toHaveLength(3);
      // The other app's cookie is nobody here.
      const stolen = two.browser();
      stolen.cookies.set('sessionid', {
        value: (theirs[0] as Browser).cookie('sessionid') as string,
        attributes: '',
      });
      expect((await stolen.get('/dashboard/')).status).toBe(302);

      // "Log out other sessions" and the CLI act on this app's alice only.
      const token = (await mine.get('/api/csrf/').then((r) => r.json())) as { csrfToken: string };
      await mine.post('/accounts/sessions/logout-others/', {
        form: { csrfmiddlewaretoken: token.csrfToken },
      });
      const listed = await cli(two, engine, ['sessions', 'alice']);
      expect(listed.code).toBe(0);
      expect(await cli(two, engine, ['logout-all', 'alice'])).toMatchObject({ code: 0 });
      expect((await mine.get('/dashboard/')).status).toBe(302);
      for (const b of theirs) expect((await b.get('/dashboard/')).status).toBe(200);
      expect(await sessionRows(theirs[1] as Browser)).toHaveLength(3);
    });

    test('an explicit REDIS_KEY_PREFIX that another database holds stops start-up with one clear line', async () => {
      const database = await createTestDatabase('sqlite');
      try {
        const error = await createRuntime({
          settings: defineSettings({ ...appDefaults, SECRET_KEY: TEST_SECRET, SESSION_ENGINE: engine }),
          databaseUrl: database.url,
          redis: { url: TEST_REDIS_URL, prefix: one.prefix },
        }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConfigurationError);
        expect((error as ConfigurationError).problems).toEqual([
          expect.stringMatching(
            /^REDIS_KEY_PREFIX: ".+" already holds the sessions of an app on another database/,
          ),
        ]);
      } finally {
        await database.drop();
      }
    });
  },
);
