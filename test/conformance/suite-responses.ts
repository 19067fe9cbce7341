/** @module The conformance suite, part three: caching, password change, the commit of streamed and failed responses (INVARIANTS 5, 8, 10, 12), and bad input. */
import { describe, expect, test } from 'vitest';
import { csrfFieldOf } from '../support/browser.js';
import { NEVER_CACHE, PASSWORD, type SuiteContext, sessionCookieOf } from './suite-support.js';

/**
 * Registers these tests on the suite's context.
 * @example
 * responseTests(t);
 */
export function responseTests(t: SuiteContext): void {
  const { browser, loggedIn, exists } = t;

  describe('sessions and caching', () => {
    test('INVARIANTS 8: the dashboard needs a login, is never cached and varies on Cookie', async () => {
      const anonymous = await browser().get('/dashboard/');
      expect(anonymous.status).toBe(302);
      expect(anonymous.headers.get('location')).toBe('/accounts/login/?next=/dashboard/');
      const response = await (await loggedIn()).get('/dashboard/');
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('alice');
      expect(response.headers.get('cache-control')).toMatch(NEVER_CACHE);
      expect(response.headers.get('vary')).toMatch(/cookie/i);
    });

    test('INVARIANTS 12: a page without a session cookie sets no session cookie', async () => {
      const response = await browser().get('/accounts/login/');
      expect(sessionCookieOf(response)).toBeUndefined();
    });

    test('INVARIANTS 5: a password change keeps this session under a new key and ends the others', async () => {
      const laptop = await loggedIn();
      const phone = await loggedIn();
      const laptopKey = laptop.cookie('sessionid');
      const phoneKey = phone.cookie('sessionid');
      const response = await laptop.submit('/accounts/password_change/', '/accounts/password_change/', {
        old_password: PASSWORD,
        new_password1: 'a brand new secret',
        new_password2: 'a brand new secret',
      });
      expect(response.headers.get('location')).toBe('/accounts/password_change/done/');
      expect(laptop.cookie('sessionid')).not.toBe(laptopKey);
      expect((await laptop.get('/dashboard/')).status).toBe(200);
      expect(await exists(laptopKey)).toBe(false);
      expect(await exists(phoneKey)).toBe(false);
      expect((await phone.get('/dashboard/')).status).toBe(302);
    });

    test('a streamed response carries the session cookie, and the session was saved', async () => {
      const b = browser();
      const response = await b.get('/stream/');
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('first chunk;second chunk;last chunk.');
      const key = b.cookie('sessionid');
      expect(key).toMatch(/^[a-z0-9]{32}$/);
      expect(await exists(key)).toBe(true);
    });

    test('an unexpected error after a session write is a 500 that saves nothing', async () => {
      const anonymous = browser();
      expect((await anonymous.submit('/cart/', '/boom/', {})).status).toBe(500);
      expect(anonymous.cookie('sessionid')).toBeNull();
      const b = await loggedIn();
      await b.submit('/cart/', '/cart/add/', { item: 'kept' });
      const response = await b.submit('/cart/', '/boom/', {});
      expect(response.status).toBe(500);
      expect(sessionCookieOf(response)).toBeUndefined();
      const cart = await (await b.get('/cart/')).text();
      expect(cart).toContain('kept');
      expect(cart).not.toContain('boom');
    });

    test('INVARIANTS 10: a store failure in a handler is a 503 that saves nothing', async () => {
      const b = await loggedIn();
      const response = await b.submit('/cart/', '/unavailable/', {});
      expect(response.status).toBe(503);
      expect(sessionCookieOf(response)).toBeUndefined();
      expect(await (await b.get('/cart/')).text()).not.toContain('unavailable');
    });
  });

  describe('bad input never crashes', () => {
    test('a body over DATA_UPLOAD_MAX_MEMORY_SIZE gets 413, form or JSON', async () => {
      const b = browser();
      const token = csrfFieldOf(await (await b.get('/accounts/login/')).text()) as string;
      const huge = 'x'.repeat(3 * 1024 * 1024);
      const form = await b.post('/accounts/login/', {
        form: { csrfmiddlewaretoken: token, username: 'alice', password: huge },
      });
      expect(form.status).toBe(413);
      const json = await b.post('/api/login/', {
        json: { username: 'alice', password: huge },
        headers: { 'x-csrftoken': token },
      });
      expect(json.status).toBe(413);
      expect(await json.json()).toEqual({ error: expect.any(String) });
    });

    test('malformed JSON is a 400 with a JSON error', async () => {
      const b = browser();
      const token = ((await (await b.get('/api/csrf/')).json()) as { csrfToken: string }).csrfToken;
      const response = await b.post('/api/login/', {
        body: '{"username": "alice",',
        headers: { 'content-type': 'application/json', 'x-csrftoken': token },
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: expect.any(String) });
    });

    test('invalid UTF-8 in a form body is a 400', async () => {
      const b = browser();
      await b.get('/accounts/login/');
      const response = await t.fixture.request(
        new Request(new URL('/accounts/login/', t.fixture.origin), {
          method: 'POST',
          body: new Uint8Array([0x75, 0x3d, 0xff, 0xfe]),
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            cookie: `csrftoken=${b.cookie('csrftoken')}`,
          },
        }),
      );
      expect(response.status).toBe(400);
    });

    test('a Host outside ALLOWED_HOSTS gets 400', async () => {
      const response = await t.fixture.request(new Request('http://evil.example/accounts/login/'));
      expect(response.status).toBe(400);
    });
  });
}
