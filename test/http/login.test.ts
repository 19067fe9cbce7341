import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { csrfFieldOf } from '../support/browser.js';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp();
  await t.createUser('alice', 'correct horse battery');
  await t.createUser('bob', 'another good password');
});
afterEach(() => t.close());

const NEVER_CACHE = /max-age=0.*no-cache.*no-store.*must-revalidate.*private/;

describe('GET /accounts/login/', () => {
  test('shows the form with a CSRF token, sets the csrftoken cookie, and is never cached', async () => {
    const browser = t.browser();
    const response = await browser.get('/accounts/login/?next=/cart/');
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('name="username"');
    expect(html).toContain('name="password"');
    expect(csrfFieldOf(html)).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(html).toContain('name="next" value="/cart/"');
    expect(browser.cookie('csrftoken')).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(response.headers.get('cache-control')).toMatch(NEVER_CACHE);
  });

  test('every render masks the token differently (BREACH) while the secret stays', async () => {
    const browser = t.browser();
    const first = csrfFieldOf(await (await browser.get('/accounts/login/')).text());
    const secret = browser.cookie('csrftoken');
    const second = csrfFieldOf(await (await browser.get('/accounts/login/')).text());
    expect(first).not.toBe(second);
    expect(browser.cookie('csrftoken')).toBe(secret);
  });
});

describe('POST /accounts/login/', () => {
  test('logs in and redirects to LOGIN_REDIRECT_URL; the dashboard shows the username', async () => {
    const browser = t.browser();
    const response = await browser.login('alice', 'correct horse battery');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/dashboard/');
    expect(browser.cookie('sessionid')).toMatch(/^[a-z0-9]{32}$/);
    const dashboard = await browser.get('/dashboard/');
    expect(dashboard.status).toBe(200);
    expect(await dashboard.text()).toContain('alice');
  });

  test('INVARIANTS 4: the session key and the CSRF secret change at login', async () => {
    const browser = t.browser();
    await browser.submit('/cart/', '/cart/add/', { item: 'apple' });
    const anonymousKey = browser.cookie('sessionid');
    const anonymousSecret = browser.cookie('csrftoken');
    expect(anonymousKey).not.toBeNull();
    await browser.login('alice', 'correct horse battery');
    expect(browser.cookie('sessionid')).not.toBe(anonymousKey);
    expect(browser.cookie('csrftoken')).not.toBe(anonymousSecret);
    expect(await t.runtime.latchkey.engine.store.exists(anonymousKey as string)).toBe(false);
    // The anonymous cart is carried into the logged-in session (Django keeps data on cycle_key).
    expect(await (await browser.get('/cart/')).text()).toContain('apple');
  });

  test('INVARIANTS 4: logging in as another user flushes the previous user’s session data', async () => {
    const browser = t.browser();
    await browser.login('alice', 'correct horse battery');
    await browser.submit('/cart/', '/cart/add/', { item: 'alice-secret-item' });
    const aliceKey = browser.cookie('sessionid');
    await browser.login('bob', 'another good password');
    expect(browser.cookie('sessionid')).not.toBe(aliceKey);
    expect(await t.runtime.latchkey.engine.store.exists(aliceKey as string)).toBe(false);
    expect(await (await browser.get('/cart/')).text()).not.toContain('alice-secret-item');
  });

  test('logging in again as the same user still rotates the key', async () => {
    const browser = t.browser();
    await browser.login('alice', 'correct horse battery');
    const first = browser.cookie('sessionid');
    await browser.login('alice', 'correct horse battery');
    expect(browser.cookie('sessionid')).not.toBe(first);
    expect(await t.runtime.latchkey.engine.store.exists(first as string)).toBe(false);
  });

  test('redirects to a safe next, from the body before the query', async () => {
    const browser = t.browser();
    const page = await browser.get('/accounts/login/');
    const token = csrfFieldOf(await page.text()) as string;
    const response = await browser.post('/accounts/login/?next=/from-query/', {
      form: {
        csrfmiddlewaretoken: token,
        username: 'alice',
        password: 'correct horse battery',
        next: '/cart/',
      },
    });
    expect(response.headers.get('location')).toBe('/cart/');
    const other = t.browser();
    const response2 = await other.submit('/accounts/login/', '/accounts/login/?next=/cart/', {
      username: 'alice',
      password: 'correct horse battery',
    });
    expect(response2.headers.get('location')).toBe('/cart/');
  });

  test('unknown user, wrong password and inactive account fail with the same page', async () => {
    await t.createUser('carol', 'a fine password here', { isActive: false });
    const bodies: string[] = [];
    for (const [username, password] of [
      ['nobody', 'correct horse battery'],
      ['alice', 'wrong password'],
      ['carol', 'a fine password here'],
    ] as const) {
      const browser = t.browser();
      const response = await browser.login(username, password);
      expect(response.status).toBe(200);
      expect(browser.cookie('sessionid')).toBeNull();
      const html = await response.text();
      expect(html).toContain('Please enter a correct username and password');
      // Tokens and the CSP nonce differ per response by design; nothing else may.
      bodies.push(html.replace(/(value|nonce)="[^"]*"/g, ''));
    }
    expect(new Set(bodies).size).toBe(1);
  });

  test('a failed login is audited with the username typed and never the password', async () => {
    await t.browser().login('alice', 'wrong password 123');
    const rows = await t.runtime.audit.list({ limit: 10 });
    const failed = rows.find((r) => r.event === 'user_login_failed');
    expect(failed?.username).toBe('alice');
    expect(JSON.stringify(rows)).not.toContain('wrong password 123');
  });

  test('a successful login is audited with a hash of the session key, never the key', async () => {
    const browser = t.browser();
    await browser.login('alice', 'correct horse battery');
    const rows = await t.runtime.audit.list({ user: 'alice' });
    const loggedIn = rows.find((r) => r.event === 'user_logged_in');
    expect(loggedIn?.sessionHash).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.stringify(rows)).not.toContain(browser.cookie('sessionid') as string);
  });

  test('lastLogin is set at login', async () => {
    await t.browser().login('alice', 'correct horse battery');
    const alice = await t.runtime.users.getByUsername('alice');
    expect(alice?.lastLogin?.getTime()).toBe(t.clock.now());
  });

  test('usernames are NFKC-normalised at login as at creation', async () => {
    await t.createUser('ｆｕｌｌ', 'fullwidth password');
    const response = await t.browser().login('full', 'fullwidth password');
    expect(response.status).toBe(302);
  });
});

describe('GET /dashboard/', () => {
  test('redirects anonymous users to LOGIN_URL?next=/dashboard/', async () => {
    const response = await t.browser().get('/dashboard/');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/accounts/login/?next=/dashboard/');
  });

  test('INVARIANTS 8: is never cached and varies on Cookie', async () => {
    const browser = t.browser();
    await browser.login('alice', 'correct horse battery');
    const response = await browser.get('/dashboard/');
    expect(response.headers.get('cache-control')).toMatch(NEVER_CACHE);
    expect(response.headers.get('vary')).toMatch(/cookie/i);
  });

  test('INVARIANTS 8: the home page rendered for a user is private and not stored', async () => {
    const browser = t.browser();
    await browser.login('alice', 'correct horse battery');
    const response = await browser.get('/');
    expect(response.headers.get('cache-control')).toMatch(/no-store/);
    expect(response.headers.get('cache-control')).toMatch(/private/);
    expect(await response.text()).toContain('alice');
  });
});
