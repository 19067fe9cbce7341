/**
 * Issue 13, in a real browser: "forgot password" → the mail the app sent through SMTP (a real SMTP
 * server started here) → its link → a new password; the user's session in another browser
 * context (another device) has ended at its next page (INVARIANTS 14).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server.js';
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

const runs = shouldRunBrowserTests('password reset');

describe.runIf(runs)('password reset in real Chromium', { timeout: BROWSER_TEST_TIMEOUT_MS * 2 }, () => {
  let smtp: TestSmtpServer;
  let app: ReferenceApp;
  let browser: Browser;
  let origin: string;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    ({ app, browser } = await startAppAndBrowser({
      env: { EMAIL_BACKEND: 'smtp', EMAIL_HOST: '127.0.0.1', EMAIL_PORT: String(smtp.port) },
    }));
    await app.createUser('alice', PASSWORD, { email: 'alice@example.com' });
    origin = `http://127.0.0.1:${app.port}`;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await smtp?.close();
  });

  const title =
    'INVARIANTS 14: forgot password → email link → new password ends the session on the other device';
  test(title, () =>
    withPages(browser, title, async (open) => {
      const [laptop, phone] = await Promise.all([open(), open()]);
      await logIn(phone, origin, 'alice', PASSWORD);
      expect(await visitDashboard(phone, origin)).toEqual({ url: `${origin}/dashboard/`, users: ['alice'] });

      await laptop.goto(`${origin}/accounts/login/`);
      await laptop.getByRole('link', { name: 'Forgot your password?' }).click();
      await laptop.waitForURL(`${origin}/accounts/password_reset/`);
      await laptop.locator('input[name="email"]').fill('alice@example.com');
      await laptop.getByRole('button', { name: 'Reset my password' }).click();
      await laptop.waitForURL(`${origin}/accounts/password_reset/done/`);
      expect(await laptop.locator('[data-testid="password-reset-done"]').textContent()).toContain(
        'Check your email',
      );

      const [mail] = await smtp.waitForMessages(1);
      const link = /http:\/\/\S+\/accounts\/reset\/\S+\//.exec(mail?.text ?? '')?.[0];
      expect(link?.startsWith(`${origin}/accounts/reset/`)).toBe(true);
      await laptop.goto(link as string);
      // The token is gone from the address bar (and from any Referer) before the form shows.
      expect(laptop.url()).toMatch(new RegExp(`^${origin}/accounts/reset/[A-Za-z0-9_-]+/set-password/$`));
      await laptop.locator('input[name="new_password1"]').fill(NEW_PASSWORD);
      await laptop.locator('input[name="new_password2"]').fill(NEW_PASSWORD);
      await laptop.getByRole('button', { name: 'Set my password' }).click();
      await laptop.waitForURL(`${origin}/accounts/reset/done/`);

      // The other device is logged out at its next page; the new password works, the link is dead.
      expect(await visitDashboard(phone, origin)).toEqual({
        url: `${origin}/accounts/login/?next=/dashboard/`,
        users: [],
      });
      await logIn(laptop, origin, 'alice', NEW_PASSWORD);
      await laptop.goto(link as string);
      expect(await laptop.locator('[data-testid="invalid-reset-link"]').count()).toBe(1);
    }),
  );
});
