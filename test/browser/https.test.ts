/**
 * Issue 6, in a real browser over HTTPS: the reference app serving TLS itself (`TLS_CERT_FILE`,
 * `TLS_KEY_FILE`) with Secure `__Host-` cookies. Chromium accepts a `__Host-` cookie only when it is
 * Secure, host-only and on Path=/ (RFC 6265bis 4.1.3.2), so logging in at all proves them right.
 * On HTTPS a POST without Origin needs a Referer of the app's own origin (Django's strict Referer
 * checking, OWASP CSRF cheat sheet "Verifying origin with standard headers").
 */
import type { APIResponse, Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { answersHttps, type Certificate, hasOpenssl, selfSignedCertificate } from './support/certificate.js';
import {
  BROWSER_TEST_TIMEOUT_MS,
  shouldRunBrowserTests,
  startAppAndBrowser,
  withPages,
} from './support/chromium.js';
import { dashboardUsers, logIn, pressLogout, recordResponses, visitDashboard } from './support/pages.js';
import { csrfRejections, type ReferenceApp } from './support/reference-app.js';

const PASSWORD = 'correct horse battery staple';

const SECURE_SETTINGS = {
  SESSION_COOKIE_SECURE: 'true',
  CSRF_COOKIE_SECURE: 'true',
  SESSION_COOKIE_NAME: '__Host-sessionid',
  CSRF_COOKIE_NAME: '__Host-csrftoken',
};

const runs = shouldRunBrowserTests('https');

describe.runIf(runs)('logout over HTTPS in real Chromium', { timeout: BROWSER_TEST_TIMEOUT_MS }, () => {
  let certificate: Certificate | null = null;
  let app: ReferenceApp;
  let browser: Browser;
  let origin: string;
  /** Why the HTTPS tests cannot run here, or null when they can. */
  let missing: string | null = null;

  beforeAll(async () => {
    missing = await startOverHttps();
    if (missing !== null) console.warn(`\n!! SKIPPED: browser tests over HTTPS: ${missing}\n`);
  }, 60_000);

  /** Starts everything; returns why the tests cannot run here, or null. */
  async function startOverHttps(): Promise<string | null> {
    if (!hasOpenssl()) {
      const why = 'no `openssl` command to make a self-signed certificate';
      if (process.env.CI === 'true') throw new Error(`browser tests over HTTPS: ${why}`);
      return why;
    }
    certificate = await selfSignedCertificate();
    const tls = { TLS_CERT_FILE: certificate.certFile, TLS_KEY_FILE: certificate.keyFile };
    ({ app, browser } = await startAppAndBrowser({ env: { ...SECURE_SETTINGS, ...tls } }));
    origin = `https://localhost:${app.port}`;
    if (!(await answersHttps(app.port, certificate.certPem))) {
      throw new Error(
        'the reference app does not answer HTTPS with TLS_CERT_FILE and TLS_KEY_FILE set ' +
          `(app/server.ts and app/config.ts serve them through node:https):\n${app.output()}`,
      );
    }
    await app.createUser('alice', PASSWORD);
    return null;
  }

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await certificate?.remove();
  });

  const cookiesTitle = 'over HTTPS, login and logout work with Secure, host-only __Host- cookies';
  test(cookiesTitle, (ctx) => {
    if (missing !== null) ctx.skip(missing);
    return withPages(browser, cookiesTitle, async (open) => {
      const page = await open({ ignoreHTTPSErrors: true });
      const logout = recordResponses(page, `${origin}/accounts/logout/`);
      await logIn(page, origin, 'alice', PASSWORD);
      expect(await dashboardUsers(page)).toEqual(['alice']);

      const cookies = await page.context().cookies();
      expect(cookies.map((c) => c.name).sort()).toEqual(['__Host-csrftoken', '__Host-sessionid']);
      for (const cookie of cookies) {
        expect(cookie).toMatchObject({ domain: 'localhost', path: '/', secure: true, sameSite: 'Lax' });
      }
      expect(cookies.find((c) => c.name === '__Host-sessionid')?.httpOnly).toBe(true);

      await pressLogout(page, `${origin}/accounts/login/`);
      expect(await page.locator('.messages').textContent()).toContain('logged out');
      const [answer] = await logout.all();
      // Deleted with the attributes it was set with, or the browser would refuse the deletion too.
      const deletion = (answer?.headers['set-cookie'] ?? '')
        .split('\n')
        .find((line) => line.startsWith('__Host-sessionid=;'));
      const attributes = (deletion ?? '').split(';').map((part) => part.trim().toLowerCase());
      expect(attributes).toEqual(expect.arrayContaining(['max-age=0', 'path=/', 'secure']));
      expect(attributes.some((part) => part.startsWith('domain='))).toBe(false);
      const left = await page.context().cookies();
      expect(left.map((c) => c.name)).toEqual(['__Host-csrftoken']);
      expect(await visitDashboard(page, origin)).toEqual({
        url: `${origin}/accounts/login/?next=/dashboard/`,
        users: [],
      });
    });
  });

  // Chromium always sends Origin with a POST and rewrites any Origin or Referer a route sets, so
  // the request without Origin is sent through the browser context's own HTTP client: the same
  // cookie jar (the __Host- cookies) and the page's real CSRF token, with exactly these headers.
  const refererTitle =
    'INVARIANTS 6: over HTTPS, a logout POST without Origin is refused with a foreign Referer, accepted with ours';
  test(refererTitle, (ctx) => {
    if (missing !== null) ctx.skip(missing);
    return withPages(browser, refererTitle, async (open) => {
      const page = await open({ ignoreHTTPSErrors: true });
      const logoutUrl = `${origin}/accounts/logout/`;
      await logIn(page, origin, 'alice', PASSWORD);
      const token = await page.locator('header input[name="csrfmiddlewaretoken"]').inputValue();
      const logoutWithReferer = (referer: string): Promise<APIResponse> =>
        page.context().request.post(logoutUrl, {
          form: { csrfmiddlewaretoken: token },
          headers: { Referer: referer },
          maxRedirects: 0,
        });

      const rejectedBefore = csrfRejections(app, 'bad_referer');
      const forged = await logoutWithReferer('https://evil.example/logout-trap');
      expect(forged.status()).toBe(403);
      expect(csrfRejections(app, 'bad_referer') - rejectedBefore).toBe(1);
      expect(await visitDashboard(page, origin)).toEqual({ url: `${origin}/dashboard/`, users: ['alice'] });

      // The same request with the app's own Referer logs out: the Referer was the only thing wrong.
      const own = await logoutWithReferer(`${origin}/dashboard/`);
      expect([own.status(), own.headers().location]).toEqual([302, '/accounts/login/']);
      expect(await visitDashboard(page, origin)).toEqual({
        url: `${origin}/accounts/login/?next=/dashboard/`,
        users: [],
      });
    });
  });
});
