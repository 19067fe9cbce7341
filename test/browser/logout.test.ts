/**
 * Issue 6, in a real browser: logging out through the header's button ends the session, and the
 * Back button cannot bring the private dashboard back (INVARIANTS 3 and 8). The browser runs with
 * its back/forward cache on: Chrome 156 does keep `Cache-Control: no-store` pages there, and what
 * keeps the dashboard out after logout is the session cookie's deletion and `Clear-Site-Data:
 * "cache"`; the never-cache headers keep it out of the HTTP cache.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  BROWSER_TEST_TIMEOUT_MS,
  shouldRunBrowserTests,
  startAppAndBrowser,
  withPages,
} from './support/chromium.js';
import { dashboardUsers, logIn, pressLogout, recordResponses, visitDashboard } from './support/pages.js';
import type { ReferenceApp } from './support/reference-app.js';

const PASSWORD = 'correct horse battery staple';

const runs = shouldRunBrowserTests('logout');

describe.runIf(runs)('logout in real Chromium', { timeout: BROWSER_TEST_TIMEOUT_MS }, () => {
  let app: ReferenceApp;
  let browser: Browser;
  let origin: string;

  beforeAll(async () => {
    ({ app, browser } = await startAppAndBrowser());
    origin = `http://127.0.0.1:${app.port}`;
    await app.createUser('alice', PASSWORD);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  const backTitle =
    'INVARIANTS 3, 8: after the logout button, Back re-requests the dashboard and lands on the login page';
  test(backTitle, () =>
    withPages(browser, backTitle, async (open) => {
      const page = await open();
      const dashboardResponses = recordResponses(page, `${origin}/dashboard/`);
      const logoutResponses = recordResponses(page, `${origin}/accounts/logout/`);

      await logIn(page, origin, 'alice', PASSWORD);
      expect(await dashboardUsers(page)).toEqual(['alice']);
      expect((await dashboardResponses.all()).at(-1)?.headers['cache-control']).toContain('no-store');

      await pressLogout(page, `${origin}/accounts/login/`);
      expect(await page.locator('.messages').textContent()).toContain('logged out');
      expect(await page.getByTestId('username').count()).toBe(0);
      const logout = await logoutResponses.all();
      expect(logout.map((r) => [r.method, r.status])).toEqual([['POST', 302]]);
      expect(logout[0]?.headers['clear-site-data']).toContain('"cache"');
      const sessionCookies = (await page.context().cookies()).filter((c) => c.name === 'sessionid');
      expect(sessionCookies).toEqual([]);

      const requestsBeforeBack = (await dashboardResponses.all()).length;
      // Only up to the commit: a page restored from the back/forward cache fires no new "load".
      await page.goBack({ waitUntil: 'commit' });
      // A dashboard restored from the bfcache or the HTTP cache would keep its own URL.
      expect(page.url()).toBe(`${origin}/accounts/login/?next=/dashboard/`);
      await page.waitForLoadState('load');
      // Back went to the dashboard's history entry, and the browser had to ask the server again.
      const afterBack = (await dashboardResponses.all()).slice(requestsBeforeBack);
      expect(afterBack.map((r) => [r.method, r.status])).toEqual([['GET', 302]]);
      expect(await dashboardUsers(page)).toEqual([]);
      expect(await page.locator('body').textContent()).not.toContain('alice');
      // The "logged out" message was shown once and is gone.
      expect(await page.locator('.messages').count()).toBe(0);
    }),
  );

  const forwardTitle = 'after logout, typing the dashboard address again asks for a login';
  test(forwardTitle, () =>
    withPages(browser, forwardTitle, async (open) => {
      const page = await open();
      await logIn(page, origin, 'alice', PASSWORD);
      await pressLogout(page, `${origin}/accounts/login/`);
      const visit = await visitDashboard(page, origin);
      expect(visit).toEqual({ url: `${origin}/accounts/login/?next=/dashboard/`, users: [] });
    }),
  );
});
