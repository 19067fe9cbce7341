/** @module The conformance suite, part two: logout (INVARIANTS 1, 3, 6) and safe redirects (INVARIANTS 7). */
import { describe, expect, test } from 'vitest';
import { csrfFieldOf } from '../support/browser.js';
import {
  attributesOf,
  BAD_NEXTS,
  NEVER_CACHE,
  PASSWORD,
  type SuiteContext,
  sessionCookieOf,
} from './suite-support.js';

/**
 * Registers these tests on the suite's context.
 * @example
 * logoutTests(t);
 */
export function logoutTests(t: SuiteContext): void {
  const { browser, loggedIn, exists } = t;

  describe('logout', () => {
    test('INVARIANTS 6: GET /accounts/logout/ never logs out; it shows a POST form with a CSRF token', async () => {
      const b = await loggedIn();
      const response = await b.get('/accounts/logout/?next=/');
      const html = await response.text();
      expect(html).toContain('Log out?');
      expect(html).toMatch(/<form method="post" action="\/accounts\/logout\/"/);
      expect(csrfFieldOf(html)).not.toBeNull();
      expect(response.headers.get('cache-control')).toMatch(NEVER_CACHE);
      expect((await b.get('/dashboard/')).status).toBe(200);
    });

    test('INVARIANTS 3: logout deletes the record and the cookie as it was set, clears site data, never caches', async () => {
      const b = browser();
      const login = await b.login('alice', PASSWORD);
      const key = b.cookie('sessionid');
      const response = await b.logout();
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe('/accounts/login/');
      expect(await exists(key)).toBe(false);
      const deletion = sessionCookieOf(response);
      expect(deletion).toMatch(/^sessionid=; /);
      expect(deletion).toMatch(/Max-Age=0/);
      expect(deletion).toMatch(/Expires=Thu, 01 Jan 1970/);
      expect(attributesOf(deletion)).toEqual(attributesOf(sessionCookieOf(login)));
      expect(b.cookie('sessionid')).toBeNull();
      expect(response.headers.get('clear-site-data')).toBe('"cache"');
      expect(response.headers.get('cache-control')).toMatch(NEVER_CACHE);
    });

    test('a replayed session cookie after logout is anonymous', async () => {
      const b = await loggedIn();
      const key = b.cookie('sessionid') as string;
      await b.logout();
      const replay = browser();
      const page = await replay.get('/dashboard/', { headers: { cookie: `sessionid=${key}` } });
      expect(page.status).toBe(302);
      expect(page.headers.get('location')).toBe('/accounts/login/?next=/dashboard/');
      expect((await replay.get('/api/me/', { headers: { cookie: `sessionid=${key}` } })).status).toBe(401);
    });

    test('the logged-out message is shown once, and the cart is gone', async () => {
      const b = await loggedIn();
      await b.submit('/cart/', '/cart/add/', { item: 'private-item' });
      await b.logout();
      expect(await (await b.get('/accounts/login/')).text()).toMatch(/have been logged out/);
      expect(await (await b.get('/accounts/login/')).text()).not.toMatch(/have been logged out/);
      expect(await (await b.get('/cart/')).text()).not.toContain('private-item');
    });

    test('INVARIANTS 1: a cart write racing a logout gets 400 and does not bring the session back', async () => {
      const b = await loggedIn();
      const key = b.cookie('sessionid') as string;
      const hold = t.fixture.gates.holdCartWrite();
      const slow = b.submit('/cart/', '/cart/add/', { item: 'resurrected?' });
      await hold.reached;
      expect((await b.logout()).status).toBe(302);
      hold.release();
      const response = await slow;
      expect(response.status).toBe(400);
      expect(await exists(key)).toBe(false);
      expect(response.headers.getSetCookie().some((c) => c.startsWith(`sessionid=${key}`))).toBe(false);
      expect((await browser().get('/dashboard/', { headers: { cookie: `sessionid=${key}` } })).status).toBe(
        302,
      );
    });
  });

  describe('INVARIANTS 7: redirects stay home', () => {
    test('login refuses every URL of Django’s bad-redirect lists', async () => {
      for (const next of BAD_NEXTS) {
        const response = await browser().login('alice', PASSWORD, next);
        expect(response.headers.get('location'), JSON.stringify(next)).toBe('/dashboard/');
      }
    });

    test('logout refuses every URL of Django’s bad-redirect lists', async () => {
      const b = browser();
      for (const next of BAD_NEXTS) {
        await b.login('alice', PASSWORD);
        const response = await b.logout({ next });
        expect(response.headers.get('location'), JSON.stringify(next)).toBe('/accounts/login/');
      }
    });
  });
}
