import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { DJANGO_BAD_URLS, DJANGO_VIEW_BAD_NEXT_URLS } from '../../src/http/safe-url.vectors.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { csrfFieldOf } from '../support/browser.js';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp();
  await t.createUser('alice', 'correct horse battery');
});
afterEach(() => t.close());

const badNexts = [
  ...new Set([...DJANGO_BAD_URLS, ...DJANGO_VIEW_BAD_NEXT_URLS, '/\r\nSet-Cookie: x=1', '//evil.example/']),
];

describe('INVARIANTS 7: redirects stay home', () => {
  test('login refuses every URL of Django’s bad-redirect lists and goes to LOGIN_REDIRECT_URL', async () => {
    for (const next of badNexts) {
      const browser = t.browser();
      const response = await browser.login('alice', 'correct horse battery', next);
      expect(response.status, JSON.stringify(next)).toBe(302);
      expect(response.headers.get('location'), JSON.stringify(next)).toBe('/dashboard/');
    }
  });

  test('login refuses bad next values in the query string too, and never renders them into the form', async () => {
    for (const next of badNexts) {
      const browser = t.browser();
      const page = await browser.get(`/accounts/login/?next=${encodeURIComponent(next)}`);
      expect(page.status).toBe(200);
      expect(await page.text()).not.toContain('name="next"');
    }
  });

  test('logout refuses every URL of Django’s bad-redirect lists and goes to LOGOUT_REDIRECT_URL', async () => {
    for (const next of badNexts) {
      const browser = t.browser();
      await browser.login('alice', 'correct horse battery');
      const response = await browser.logout({ next });
      expect(response.status, JSON.stringify(next)).toBe(302);
      expect(response.headers.get('location'), JSON.stringify(next)).toBe('/accounts/login/');
      expect((await browser.get('/dashboard/')).status).toBe(302);
    }
  });
});

describe('INVARIANTS 6: unsafe methods need proof of origin', () => {
  test('a login POST without the CSRF cookie and token is refused with 403', async () => {
    const response = await t.browser().post('/accounts/login/', {
      form: { username: 'alice', password: 'correct horse battery' },
    });
    expect(response.status).toBe(403);
    expect(await response.text()).not.toMatch(/cookie not set|token missing/i);
  });

  test('a cross-site Origin is refused even with a valid token', async () => {
    const browser = t.browser();
    const token = csrfFieldOf(await (await browser.get('/accounts/login/')).text()) as string;
    const response = await browser.post('/accounts/login/', {
      form: { csrfmiddlewaretoken: token, username: 'alice', password: 'correct horse battery' },
      headers: { origin: 'http://evil.example' },
    });
    expect(response.status).toBe(403);
    expect(browser.cookie('sessionid')).toBeNull();
  });

  test('Sec-Fetch-Site: cross-site is refused before the token check', async () => {
    const browser = t.browser();
    await browser.login('alice', 'correct horse battery');
    const token = csrfFieldOf(await (await browser.get('/accounts/logout/')).text()) as string;
    const response = await browser.post('/accounts/logout/', {
      form: { csrfmiddlewaretoken: token },
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    expect(response.status).toBe(403);
    expect((await browser.get('/dashboard/')).status).toBe(200);
  });

  test('a same-origin Origin with a valid token passes', async () => {
    const browser = t.browser();
    const token = csrfFieldOf(await (await browser.get('/accounts/login/')).text()) as string;
    const response = await browser.post('/accounts/login/', {
      form: { csrfmiddlewaretoken: token, username: 'alice', password: 'correct horse battery' },
      headers: { origin: 'http://localhost', 'sec-fetch-site': 'same-origin' },
    });
    expect(response.status).toBe(302);
  });

  test('garbage and forged tokens are refused with 403, never a 5xx', async () => {
    const browser = t.browser();
    await browser.get('/accounts/login/');
    for (const token of [
      '',
      'x',
      '\u0000'.repeat(64),
      'é'.repeat(64),
      'A'.repeat(63),
      'A'.repeat(64),
      '<script>',
    ]) {
      const response = await browser.post('/accounts/login/', {
        form: { csrfmiddlewaretoken: token, username: 'alice', password: 'correct horse battery' },
      });
      expect(response.status, JSON.stringify(token)).toBe(403);
    }
  });

  test('a rejection is logged with its reason, never the token or the secret', async () => {
    const browser = t.browser();
    await browser.get('/accounts/login/');
    await browser.post('/accounts/login/', { form: { csrfmiddlewaretoken: 'B'.repeat(64) } });
    const event = t.logger.events.find((e) => e.event === 'security.csrf_rejected');
    expect(event).toBeDefined();
    const logged = JSON.stringify(t.logger.events);
    expect(logged).not.toContain('B'.repeat(64));
    expect(logged).not.toContain(browser.cookie('csrftoken') as string);
  });

  test('the CSRF secret rotates at login: a token from before login no longer works', async () => {
    const browser = t.browser();
    const before = csrfFieldOf(await (await browser.get('/cart/')).text()) as string;
    await browser.login('alice', 'correct horse battery');
    const response = await browser.post('/cart/add/', { form: { csrfmiddlewaretoken: before, item: 'x' } });
    expect(response.status).toBe(403);
  });
});

describe('bad input never crashes', () => {
  test('a huge body gets 413', async () => {
    const browser = t.browser();
    const token = csrfFieldOf(await (await browser.get('/accounts/login/')).text()) as string;
    const response = await browser.post('/accounts/login/', {
      form: { csrfmiddlewaretoken: token, username: 'alice', password: 'x'.repeat(3 * 1024 * 1024) },
    });
    expect(response.status).toBe(413);
  });

  test('a malformed form body is a 4xx, not a 5xx', async () => {
    const browser = t.browser();
    await browser.get('/accounts/login/');
    const response = await browser.post('/accounts/login/', {
      body: '%E0%A4%A=&&==%%%',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  });

  test('invalid UTF-8 in a form body is a 400', async () => {
    const browser = t.browser();
    await browser.get('/accounts/login/');
    const response = await t.app.request('/accounts/login/', {
      method: 'POST',
      body: new Uint8Array([0x75, 0x3d, 0xff, 0xfe]),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: `csrftoken=${browser.cookie('csrftoken')}`,
      },
    });
    expect(response.status).toBe(400);
  });

  test('NUL bytes and odd Unicode in usernames and passwords fail the login cleanly', async () => {
    for (const [username, password] of [
      ['ali\u0000ce', 'correct horse battery'],
      ['alice', 'correct\u0000horse'],
      ['\u202Ealice', '\uD800broken surrogate'],
      ['🔐'.repeat(200), 'p'],
      ['alice', 'x'.repeat(5000)],
    ]) {
      const response = await t.browser().login(username as string, password as string);
      expect(response.status, JSON.stringify(username)).toBe(200);
      expect(await response.text()).toContain('Please enter');
    }
  });

  test('malformed, oversized and forged session cookies are no session', async () => {
    for (const cookie of [
      'sessionid=',
      'sessionid=short',
      `sessionid=${'a'.repeat(32)}`,
      `sessionid=${'A'.repeat(32)}`,
      `sessionid=${'x'.repeat(20_000)}`,
      'sessionid="\\u0000"',
      'sessionid=%00%0d%0a',
    ]) {
      const response = await t.app.request('/dashboard/', { headers: { cookie } });
      expect(response.status, cookie.slice(0, 40)).toBe(302);
    }
  });

  test('duplicate session cookies: the first is used and nothing crashes', async () => {
    const browser = t.browser();
    await browser.login('alice', 'correct horse battery');
    const key = browser.cookie('sessionid');
    const first = await t.app.request('/dashboard/', {
      headers: { cookie: `sessionid=${key}; sessionid=garbage` },
    });
    expect(first.status).toBe(200);
    const second = await t.app.request('/dashboard/', {
      headers: { cookie: `sessionid=garbage; sessionid=${key}` },
    });
    expect(second.status).toBe(302);
  });

  test('a Host outside ALLOWED_HOSTS gets 400', async () => {
    const response = await t.app.request('http://evil.example/accounts/login/');
    expect(response.status).toBe(400);
  });

  test('no CR or LF from a request ever reaches a header', async () => {
    const browser = t.browser();
    const response = await browser.login('alice', 'correct horse battery', '/ok\r\nX-Injected: 1');
    expect(response.headers.get('x-injected')).toBeNull();
    expect(response.headers.get('location')).not.toMatch(/[\r\n]/);
  });
});
