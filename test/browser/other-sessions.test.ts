/**
 * Issue 6, in a real browser: one user on two devices (two browser contexts, two cookie jars).
 * Changing the password on one device, or pressing "log out other sessions" there, logs the
 * other device out at its next page, and the first device stays logged in (INVARIANTS 5).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  BROWSER_TEST_TIMEOUT_MS,
  shouldRunBrowserTests,
  startAppAndBrowser,
  withPages,
} from './support/chromium.js';
import { logIn, visitDashboard } from './support/pages.js';
import type { ReferenceApp } from './support/reference-app.js';

const PASSWORD = 'correct horse battery staple';
const NEW_PASSWORD = 'a brand new passphrase 2026';

const runs = shouldRunBrowserTests('other sessions');

describe.runIf(runs)('other sessions in real Chromium', { timeout: BROWSER_TEST_TIMEOUT_MS }, () => {
  let app: ReferenceApp;
  let browser: Browser;
  let origin: string;
  let loginAgain: string;

  beforeAll(async () => {
    ({ app, browser } = await startAppAndBrowser());
    // One user per test: the password change must not leak into the other test.
    await Promise.all([app.createUser('alice', PASSWORD), app.createUser('bob', PASSWORD)]);
    origin = `http://127.0.0.1:${app.port}`;
    loginAgain = `${origin}/accounts/login/?next=/dashboard/`;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  /** Two devices logged in as `username`, each seeing its dashboard. */
  async function twoDevices(
    open: () => Promise<Page>,
    username: string,
  ): Promise<{ deviceA: Page; deviceB: Page }> {
    const [deviceA, deviceB] = await Promise.all([open(), open()]);
    await logIn(deviceA, origin, username, PASSWORD);
    await logIn(deviceB, origin, username, PASSWORD);
    expect(await visitDashboard(deviceA, origin)).toEqual({
      url: `${origin}/dashboard/`,
      users: [username],
    });
    return { deviceA, deviceB };
  }

  const passwordTitle = 'INVARIANTS 5: a password change on device A logs device B out and keeps A logged in';
  test(passwordTitle, () =>
    withPages(browser, passwordTitle, async (open) => {
      const { deviceA, deviceB } = await twoDevices(open, 'alice');

      await deviceA.goto(`${origin}/accounts/password_change/`);
      await deviceA.locator('input[name="old_password"]').fill(PASSWORD);
      await deviceA.locator('input[name="new_password1"]').fill(NEW_PASSWORD);
      await deviceA.locator('input[name="new_password2"]').fill(NEW_PASSWORD);
      await deviceA.getByRole('button', { name: 'Change my password' }).click();
      await deviceA.waitForURL(`${origin}/accounts/password_change/done/`);

      expect(await visitDashboard(deviceB, origin)).toEqual({ url: loginAgain, users: [] });
      expect(await visitDashboard(deviceA, origin)).toEqual({
        url: `${origin}/dashboard/`,
        users: ['alice'],
      });
    }),
  );

  const othersTitle =
    'INVARIANTS 5: "log out other sessions" on device A logs device B out and keeps A logged in';
  test(othersTitle, () =>
    withPages(browser, othersTitle, async (open) => {
      const { deviceA, deviceB } = await twoDevices(open, 'bob');

      const sessionsPage = await deviceA.goto(`${origin}/accounts/sessions/`);
      expect(sessionsPage?.status()).toBe(200);
      const [posted] = await Promise.all([
        deviceA.waitForResponse(
          (r) => r.url() === `${origin}/accounts/sessions/logout-others/` && r.request().method() === 'POST',
        ),
        deviceA.locator('form[action="/accounts/sessions/logout-others/"] button[type="submit"]').click(),
      ]);
      expect(posted.status()).toBeLessThan(400);

      expect(await visitDashboard(deviceB, origin)).toEqual({ url: loginAgain, users: [] });
      expect(await visitDashboard(deviceA, origin)).toEqual({
        url: `${origin}/dashboard/`,
        users: ['bob'],
      });
    }),
  );
});
