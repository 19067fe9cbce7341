/** @module The conformance suite, part one: login and the proof of origin every unsafe request needs (INVARIANTS 4 and 6). */
import { describe, expect, test } from 'vitest';
import { csrfFieldOf } from '../support/browser.js';
import { NEVER_CACHE, PASSWORD, type SuiteContext } from './suite-support.js';

/**
 * Registers these tests on the suite's context.
 * @example
 * loginTests(t);
 */
export function loginTests(t: SuiteContext): void {
  const { browser, loggedIn, exists } = t;

  describe('login', () => {
    test('the login page has a CSRF field, sets the csrftoken cookie, and is never cached', async () => {
      const b = browser();
      const response = await b.get('/accounts/login/?next=/cart/');
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(csrfFieldOf(html)).toMatch(/^[A-Za-z0-9]{64}$/);
      expect(html).toContain('name="next" value="/cart/"');
      expect(b.cookie('csrftoken')).toMatch(/^[A-Za-z0-9]{32}$/);
      expect(response.headers.get('cache-control')).toMatch(NEVER_CACHE);
    });

    test('INVARIANTS 4: login rotates the session key and the CSRF secret, and drops the old record', async () => {
      const b = browser();
      expect((await b.submit('/cart/', '/cart/add/', { item: 'apple' })).status).toBe(302);
      const anonymousKey = b.cookie('sessionid');
      const anonymousSecret = b.cookie('csrftoken');
      expect(await exists(anonymousKey)).toBe(true);
      const response = await b.login('alice', PASSWORD);
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe('/dashboard/');
      expect(b.cookie('sessionid')).toMatch(/^[a-z0-9]{32}$/);
      expect(b.cookie('sessionid')).not.toBe(anonymousKey);
      expect(b.cookie('csrftoken')).not.toBe(anonymousSecret);
      expect(await exists(anonymousKey)).toBe(false);
      expect(await (await b.get('/cart/')).text()).toContain('apple');
      expect(await (await b.get('/dashboard/')).text()).toContain('alice');
    });

    test('a failed login shows the generic error and sets no session', async () => {
      const b = browser();
      const response = await b.login('alice', 'wrong password');
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('Please enter a correct username and password');
      expect(b.cookie('sessionid')).toBeNull();
    });

    test('a safe next is followed, from the body before the query', async () => {
      const b = browser();
      const token = csrfFieldOf(await (await b.get('/accounts/login/')).text()) as string;
      const response = await b.post('/accounts/login/?next=/from-query/', {
        form: { csrfmiddlewaretoken: token, username: 'alice', password: PASSWORD, next: '/cart/' },
      });
      expect(response.headers.get('location')).toBe('/cart/');
    });
  });

  describe('INVARIANTS 6: unsafe methods need proof of origin', () => {
    test('a login POST without the CSRF cookie and token is refused with 403', async () => {
      const response = await browser().post('/accounts/login/', {
        form: { username: 'alice', password: PASSWORD },
      });
      expect(response.status).toBe(403);
    });

    test('a logout without a token, or with another browser’s token, is 403 and the session survives', async () => {
      const b = await loggedIn();
      const key = b.cookie('sessionid');
      expect((await b.post('/accounts/logout/', { form: {} })).status).toBe(403);
      const foreign = csrfFieldOf(await (await browser().get('/accounts/login/')).text()) as string;
      expect((await b.post('/accounts/logout/', { form: { csrfmiddlewaretoken: foreign } })).status).toBe(
        403,
      );
      expect(b.cookie('sessionid')).toBe(key);
      expect(await exists(key)).toBe(true);
      expect((await b.get('/dashboard/')).status).toBe(200);
    });

    test('a cross-site Origin is refused even with a valid token', async () => {
      const b = browser();
      const token = csrfFieldOf(await (await b.get('/accounts/login/')).text()) as string;
      const response = await b.post('/accounts/login/', {
        form: { csrfmiddlewaretoken: token, username: 'alice', password: PASSWORD },
        headers: { origin: 'http://evil.example' },
      });
      expect(response.status).toBe(403);
      expect(b.cookie('sessionid')).toBeNull();
    });

    test('Sec-Fetch-Site: cross-site is refused even with a valid token', async () => {
      const b = await loggedIn();
      const token = csrfFieldOf(await (await b.get('/accounts/logout/')).text()) as string;
      const response = await b.post('/accounts/logout/', {
        form: { csrfmiddlewaretoken: token },
        headers: { 'sec-fetch-site': 'cross-site' },
      });
      expect(response.status).toBe(403);
      expect((await b.get('/dashboard/')).status).toBe(200);
    });

    test('a same-origin Origin with a valid token passes', async () => {
      const b = browser();
      const token = csrfFieldOf(await (await b.get('/accounts/login/')).text()) as string;
      const response = await b.post('/accounts/login/', {
        form: { csrfmiddlewaretoken: token, username: 'alice', password: PASSWORD },
        headers: { origin: t.fixture.origin, 'sec-fetch-site': 'same-origin' },
      });
      expect(response.status).toBe(302);
    });

    test('issue 15 item 11: login and logout forms sent as multipart/form-data are read like urlencoded ones', async () => {
      const b = browser();
      const token = csrfFieldOf(await (await b.get('/accounts/login/')).text()) as string;
      const login = new FormData();
      login.append('csrfmiddlewaretoken', token);
      login.append('username', 'alice');
      login.append('password', PASSWORD);
      // A file part is ignored, not an error (no Latchkey view takes a file).
      login.append('avatar', new Blob([new Uint8Array([0, 255, 0xfe])]), 'avatar.png');
      const response = await b.post('/accounts/login/', { multipart: login });
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe('/dashboard/');
      const key = b.cookie('sessionid');
      expect(await exists(key)).toBe(true);
      const logout = new FormData();
      logout.append(
        'csrfmiddlewaretoken',
        csrfFieldOf(await (await b.get('/accounts/logout/')).text()) as string,
      );
      expect((await b.post('/accounts/logout/', { multipart: logout })).status).toBe(302);
      expect(await exists(key)).toBe(false);
      // Without the token, multipart is refused like any form.
      const again = await loggedIn();
      expect((await again.post('/accounts/logout/', { multipart: new FormData() })).status).toBe(403);
    });

    test('issue 15 item 11: huge or malformed multipart bodies are a clean 413 or 400', async () => {
      const b = browser();
      const token = csrfFieldOf(await (await b.get('/accounts/login/')).text()) as string;
      const boundary = 'b0undary';
      const field = (name: string, value: string): string =>
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
      const send = (body: string, type = `multipart/form-data; boundary=${boundary}`) =>
        b.post('/accounts/login/', { body, headers: { 'content-type': type } });
      const huge = await send(
        `${field('csrfmiddlewaretoken', token)}${field('pad', 'x'.repeat(3 * 1024 * 1024))}--${boundary}--\r\n`,
      );
      expect(huge.status).toBe(413);
      expect((await send('not a multipart body at all')).status).toBe(400);
      expect((await send(`${field('csrfmiddlewaretoken', token)}`)).status).toBe(400); // never closed
      expect(
        (await send(`${field('csrfmiddlewaretoken', token)}--${boundary}--\r\n`, 'multipart/form-data'))
          .status,
      ).toBe(400);
      const many = Array.from({ length: 1001 }, (_, i) => field(`f${i}`, 'x')).join('');
      expect((await send(`${field('csrfmiddlewaretoken', token)}${many}--${boundary}--\r\n`)).status).toBe(
        400,
      );
      expect(b.cookie('sessionid')).toBeNull();
    });

    test('INVARIANTS 4: a CSRF token from before login no longer works after it', async () => {
      const b = browser();
      const before = csrfFieldOf(await (await b.get('/cart/')).text()) as string;
      await b.login('alice', PASSWORD);
      const response = await b.post('/cart/add/', { form: { csrfmiddlewaretoken: before, item: 'x' } });
      expect(response.status).toBe(403);
    });

    test('the JSON API: X-CSRFToken login, /api/me/, logout flushes; without the header 403', async () => {
      const b = browser();
      expect((await b.get('/api/me/')).status).toBe(401);
      const csrf = async (): Promise<string> =>
        ((await (await b.get('/api/csrf/')).json()) as { csrfToken: string }).csrfToken;
      const credentials = { username: 'alice', password: PASSWORD };
      expect((await b.post('/api/login/', { json: credentials })).status).toBe(403);
      const login = await b.post('/api/login/', {
        json: credentials,
        headers: { 'x-csrftoken': await csrf() },
      });
      expect(login.status).toBe(200);
      expect(((await login.json()) as { user: { username: string } }).user.username).toBe('alice');
      const key = b.cookie('sessionid');
      const me = await b.get('/api/me/');
      expect(me.status).toBe(200);
      expect(me.headers.get('cache-control')).toMatch(/no-store/);
      expect((await b.post('/api/logout/')).status).toBe(403);
      const logout = await b.post('/api/logout/', { headers: { 'x-csrftoken': await csrf() } });
      expect(await logout.json()).toEqual({ message: 'Logged out successfully' });
      expect(await exists(key)).toBe(false);
      expect((await b.get('/api/me/')).status).toBe(401);
    });
  });
}
