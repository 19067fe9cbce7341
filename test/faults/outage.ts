/**
 * @module What every store-outage test shares: the real app on a given database and session engine
 * with a fast hasher and a logger kept for assertions, and the checks of INVARIANTS 10 while the
 * store is down (503 for pages, the API and logins; no session made, no cookie set; no stack trace;
 * pages that need no session still served).
 */
import { expect } from 'vitest';
import { appDefaults } from '../../app/config.js';
import { createApp } from '../../app/routes.js';
import { createRuntime, type Runtime } from '../../app/runtime.js';
import { makePassword } from '../../src/auth/hashers/index.js';
import { createPasswordService } from '../../src/auth/password-service.js';
import { createMemoryLogger, type MemoryLogger } from '../../src/core/logger.js';
import { defineSettings, type Settings } from '../../src/core/settings.js';
import { fastRegistry, TEST_SECRET } from '../support/app.js';
import { Browser } from '../support/browser.js';

/** The password of the user `alice` that {@link startOutageApp} creates. */
export const OUTAGE_PASSWORD = 'correct horse battery';

/** The app of an outage test. */
export interface OutageApp {
  readonly runtime: Runtime;
  readonly logger: MemoryLogger;
  /** A new client with an empty cookie jar. */
  browser(): Browser;
}

/**
 * Starts the app on `databaseUrl` with `engine` and creates `alice`.
 * @example
 * const t = await startOutageApp({ databaseUrl, engine: 'redis', redisUrl });
 */
export async function startOutageApp(options: {
  readonly databaseUrl: string;
  readonly engine: Settings['SESSION_ENGINE'];
  readonly redisUrl?: string;
}): Promise<OutageApp> {
  const logger = createMemoryLogger();
  const runtime = await createRuntime({
    settings: defineSettings({ ...appDefaults, SECRET_KEY: TEST_SECRET, SESSION_ENGINE: options.engine }),
    databaseUrl: options.databaseUrl,
    ...(options.redisUrl === undefined ? {} : { redisUrl: options.redisUrl }),
    logger,
    passwords: createPasswordService(fastRegistry),
  });
  const app = createApp(runtime.latchkey);
  await runtime.users.createUser({
    username: 'alice',
    password: await makePassword(OUTAGE_PASSWORD, { registry: fastRegistry }),
  });
  return { runtime, logger, browser: () => new Browser((request) => app.request(request)) };
}

/**
 * INVARIANTS 10 while the store is down: `alice` (logged in before) gets 503 for her page and the
 * API, a new login gets 503 with no session cookie, no stack trace reaches a client, the public
 * home page still works, and the outage is logged.
 * @example
 * await expectFailsClosed(t, alice);
 */
export async function expectFailsClosed(t: OutageApp, alice: Browser): Promise<void> {
  const page = await alice.get('/dashboard/');
  expect(page.status).toBe(503);
  expect(await page.text()).toMatch(/temporarily unavailable/i);
  const api = await alice.get('/api/me/');
  expect(api.status).toBe(503);
  expect(await api.json()).toEqual({ error: expect.stringMatching(/unavailable/i) });
  // Nobody is logged in by mistake, and no stack trace reaches the client.
  const login = await t.browser().login('alice', OUTAGE_PASSWORD);
  expect(login.status).toBe(503);
  expect(login.headers.getSetCookie().some((c) => c.startsWith('sessionid='))).toBe(false);
  expect(await login.text()).not.toMatch(/at .*\.ts:\d+/);
  // An error response sets no cookie: not a fresh CSRF token for a form that was never shown.
  const stranger = t.browser();
  const session = alice.cookies.get('sessionid');
  if (session !== undefined) stranger.cookies.set('sessionid', session);
  const loginPage = await stranger.get('/accounts/login/');
  expect(loginPage.status).toBe(503);
  expect(loginPage.headers.getSetCookie()).toEqual([]);
  // Pages that need no session still work.
  expect((await t.browser().get('/')).status).toBe(200);
  expect(t.logger.events.some((e) => e.event === 'store.unavailable')).toBe(true);
}

/**
 * Polls `/dashboard/` as `alice` until the store answers again (10 s at most); its status then.
 * @example
 * expect(await statusOnceBack(alice)).toBe(200);
 */
export async function statusOnceBack(alice: Browser): Promise<number> {
  let status = 503;
  for (let attempt = 0; attempt < 100 && status === 503; attempt++) {
    status = (await alice.get('/dashboard/')).status;
    if (status === 503) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return status;
}
