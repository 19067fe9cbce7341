/**
 * Issue 13, item 5, in real Chromium: with SESSION_EXPIRE_AT_BROWSER_CLOSE=true the session cookie
 * dies with the browser. A login with "remember me" ticked survives a browser restart — a new
 * browser context given only the cookies the old one would have kept on disk (the persistent ones)
 * — while an unticked login does not.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  BROWSER_TEST_TIMEOUT_MS,
  shouldRunBrowserTests,
  startAppAndBrowser,
  withPages,
} from './support/chromium.js';
import { visitDashboard } from './support/pages.js';
import type { ReferenceApp } from './support/reference-app.js';

const PASSWORD = 'correct horse battery staple';
const runs = shouldRunBrowserTests('remember me');

// Three restarts and two argon2 logins: twice the usual limit on a busy 2-core machine.
describe.runIf(runs)('remember me across a browser restart', { timeout: 2 * BROWSER_TEST_TIMEOUT_MS }, () => {
  let app: ReferenceApp;
  let browser: Browser;
  let origin: string;

  beforeAll(async () => {
    ({ app, browser } = await startAppAndBrowser({ env: { SESSION_EXPIRE_AT_BROWSER_CLOSE: 'true' } }));
    await Promise.all([app.createUser('alice', PASSWORD), app.createUser('bob', PASSWORD)]);
    origin = `http://127.0.0.1:${app.port}`;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  async function logInWith(page: Page, username: string, options: { remember: boolean }): Promise<void> {
    await page.goto(`${origin}/accounts/login/`);
    await page.locator('input[name="username"]').fill(username);
    await page.locator('input[name="password"]').fill(PASSWORD);
    if (options.remember) await page.getByLabel('Remember me on this device').check();
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${origin}/dashboard/`);
  }

  /** What a browser keeps when it is closed: persistent cookies only (session cookies have expires -1). */
  async function persistentCookies(context: BrowserContext) {
    return (await context.cookies()).filter((cookie) => cookie.expires !== -1);
  }

  const title = 'a ticked "remember me" survives a restart; an unticked login does not';
  test(title, () =>
    withPages(browser, title, async (open) => {
      const ticked = await open();
      const unticked = await open();
      await logInWith(ticked, 'alice', { remember: true });
      await logInWith(unticked, 'bob', { remember: false });

      const tickedCookies = await ticked.context().cookies();
      const session = tickedCookies.find((c) => c.name === 'sessionid');
      const remember = tickedCookies.find((c) => c.name === 'remember_token');
      expect(session?.expires).toBe(-1);
      expect(remember?.expires).toBeGreaterThan(Date.now() / 1000 + 29 * 24 * 3600);
      expect(remember?.httpOnly).toBe(true);
      expect(remember?.sameSite).toBe('Lax');

      // Restart: new contexts holding only what survives a browser close.
      const keptByAlice = await persistentCookies(ticked.context());
      const keptByBob = await persistentCookies(unticked.context());
      expect(keptByAlice.map((c) => c.name)).not.toContain('sessionid');
      expect(keptByBob.map((c) => c.name)).not.toContain('sessionid');
      const aliceAgain = await open();
      await aliceAgain.context().addCookies(keptByAlice);
      const bobAgain = await open();
      if (keptByBob.length > 0) await bobAgain.context().addCookies(keptByBob);

      expect(await visitDashboard(aliceAgain, origin)).toEqual({
        url: `${origin}/dashboard/`,
        users: ['alice'],
      });
      expect(await visitDashboard(bobAgain, origin)).toEqual({
        url: `${origin}/accounts/login/?next=/dashboard/`,
        users: [],
      });

      // The restore rotated the secret of the same series, and started a browser-session cookie again.
      const after = await aliceAgain.context().cookies();
      const rotated = after.find((c) => c.name === 'remember_token');
      expect(rotated?.value.split('.')[0]).toBe(remember?.value.split('.')[0]);
      expect(rotated?.value).not.toBe(remember?.value);
      expect(after.find((c) => c.name === 'sessionid')?.expires).toBe(-1);

      // A second restart works with the rotated cookie.
      const aliceThird = await open();
      await aliceThird.context().addCookies(await persistentCookies(aliceAgain.context()));
      expect((await visitDashboard(aliceThird, origin)).users).toEqual(['alice']);
    }),
  );
});
