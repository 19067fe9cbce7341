/**
 * @module The reference app on a Redis topology (Cluster or Sentinel), and the login/logout loop the
 * failover tests run while a primary changes: every answer is right or a 503 (INVARIANTS 10), and no
 * session that was logged out ever answers again (INVARIANTS 1), before, during or after the promotion.
 */
import { expect } from 'vitest';
import { appDefaults } from '../../app/config.js';
import { createApp } from '../../app/routes.js';
import { createRuntime, type Runtime } from '../../app/runtime.js';
import { makePassword } from '../../src/auth/hashers/index.js';
import { createPasswordService } from '../../src/auth/password-service.js';
import { createMemoryLogger } from '../../src/core/logger.js';
import { defineSettings } from '../../src/core/settings.js';
import type { RedisSettings } from '../../src/stores/redis-settings.js';
import { fastRegistry, TEST_SECRET } from './app.js';
import { Browser } from './browser.js';
import { createTestDatabase, type TestDatabase } from './databases.js';
import { uniquePrefix } from './redis.js';

/** A running app whose sessions live on a Redis topology. */
export interface FailoverApp {
  readonly runtime: Runtime;
  /** The Redis key prefix of its sessions. */
  readonly prefix: string;
  browser(): Browser;
  /** A browser that presents `sessionid` (a cookie copied earlier). */
  withSession(sessionid: string): Browser;
  close(): Promise<void>;
}

export const PASSWORD = 'correct horse battery';

/**
 * Starts the app with `redis` settings and one user, `alice`.
 * @example
 * const app = await startFailoverApp({ clusterNodes });
 */
export async function startFailoverApp(redis: Partial<RedisSettings>): Promise<FailoverApp> {
  const database: TestDatabase = await createTestDatabase('sqlite');
  const prefix = uniquePrefix('failover');
  const runtime = await createRuntime({
    settings: defineSettings({ ...appDefaults, SECRET_KEY: TEST_SECRET, SESSION_ENGINE: 'redis' }),
    databaseUrl: database.url,
    redis: { prefix, ...redis },
    logger: createMemoryLogger(),
    passwords: createPasswordService(fastRegistry),
  });
  await runtime.users.createUser({
    username: 'alice',
    password: await makePassword(PASSWORD, { registry: fastRegistry }),
  });
  const app = createApp(runtime.latchkey);
  const browser = (): Browser => new Browser((request) => app.request(request));
  return {
    runtime,
    prefix,
    browser,
    withSession(sessionid) {
      const b = browser();
      b.cookies.set('sessionid', { value: sessionid, attributes: '' });
      return b;
    },
    async close() {
      await runtime.close();
      await database.drop();
    },
  };
}

/** What the loop saw. */
export interface LoopReport {
  logins: number;
  logouts: number;
  unavailable: number;
  /** Logged-out sessions that answered as logged in again: must stay 0. */
  resurrected: number;
}

/**
 * Logs alice in and out in a loop while `failover` runs, then until a login works again (service
 * resumed, without a restart), and checks every logged-out session afterwards.
 * @example
 * const report = await loginLogoutLoop(app, () => promote());
 */
export async function loginLogoutLoop(app: FailoverApp, failover: () => Promise<void>): Promise<LoopReport> {
  const report: LoopReport = { logins: 0, logouts: 0, unavailable: 0, resurrected: 0 };
  const loggedOut: string[] = [];
  const step = async (): Promise<boolean> => {
    const b = app.browser();
    const login = await b.login('alice', PASSWORD);
    if (login.status === 503) {
      report.unavailable++;
      return false;
    }
    expect(login.status).toBe(302);
    report.logins++;
    const sessionid = b.cookie('sessionid') as string;
    const page = await b.get('/dashboard/');
    // Never an anonymous guess for a live session: either the page or a 503.
    if (page.status === 503) report.unavailable++;
    else expect(page.status).toBe(200);
    const logout = await b.logout();
    if (logout.status === 503) {
      report.unavailable++;
      return false;
    }
    expect(logout.status).toBe(302);
    report.logouts++;
    loggedOut.push(sessionid);
    for (const old of loggedOut.slice(-3)) {
      const replay = await app.withSession(old).get('/dashboard/');
      if (replay.status === 200) report.resurrected++;
    }
    return true;
  };
  let done = false;
  const switching = failover().finally(() => {
    done = true;
  });
  // Round after round until the failover is over, and for at least 10 logouts in all.
  const limit = Date.now() + 40_000;
  while ((!done || report.logouts < 10) && Date.now() < limit) await step();
  await switching;
  // Service resumes by itself: a full round works again within a few seconds.
  const deadline = Date.now() + 20_000;
  while (!(await step())) {
    if (Date.now() > deadline) throw new Error('service did not resume after the failover');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  for (const old of loggedOut) {
    const replay = await app.withSession(old).get('/dashboard/');
    expect(replay.status).not.toBe(200);
    if (replay.status === 200) report.resurrected++;
  }
  return report;
}

/**
 * Kills a primary under a logged-in `browser` and polls until its pages are served again: the first
 * answer must be a 503 (fail closed, INVARIANTS 10), never an anonymous page, and none may take long.
 * Returns the status that ended the 503s (200 once a replica took over with the session).
 * @example
 * expect(await servedAgainAfter(b, () => node.kill())).toBe(200);
 */
export async function servedAgainAfter(browser: Browser, kill: () => Promise<void>): Promise<number> {
  await kill();
  const statuses: number[] = [];
  let status = 503;
  const started = Date.now();
  // Sentinel waits twice its failover-timeout before failing over a master it failed over just
  // before (the SENTINEL FAILOVER test), and a loaded machine adds more: allow 50 s.
  while (status === 503 && Date.now() - started < 50_000) {
    const begun = performance.now();
    status = (await browser.get('/dashboard/')).status;
    // Fails closed fast: no request waits for the promotion.
    expect(performance.now() - begun).toBeLessThan(2_000);
    statuses.push(status);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(statuses[0]).toBe(503);
  return status;
}
