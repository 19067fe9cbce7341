/**
 * Login required by default (issue 13, item 4; Django 5.1's LoginRequiredMiddleware): the reference
 * app runs with it, so every route needs a logged-in user unless it is marked public. Anonymous
 * page requests go to LOGIN_URL?next=…, API calls get a 401 JSON error. Runs on every stack of the
 * HTTP matrix.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import type { Browser } from '../support/browser.js';

const PASSWORD = 'correct horse battery';
let t: TestApp;
beforeEach(async () => {
  t = await startTestApp();
  await t.createUser('alice', PASSWORD);
});
afterEach(() => t.close());

async function csrfHeader(browser: Browser): Promise<Record<string, string>> {
  const { csrfToken } = (await (await browser.get('/api/csrf/')).json()) as { csrfToken: string };
  return { 'x-csrftoken': csrfToken };
}

/** Private pages of the app (and one that does not exist: no route is revealed to anonymous users). */
const PRIVATE_PAGES = [
  '/dashboard/',
  '/accounts/sessions/',
  '/accounts/password_change/',
  '/accounts/password_change/done/',
  '/accounts/reauthenticate/',
  '/no/such/page/',
];

describe('anonymous requests', () => {
  test('a private page redirects to LOGIN_URL with next', async () => {
    for (const path of PRIVATE_PAGES) {
      const response = await t.browser().get(path);
      expect(response.status, path).toBe(302);
      expect(response.headers.get('location'), path).toBe(`/accounts/login/?next=${path}`);
    }
    const withQuery = await t.browser().get('/accounts/sessions/?tab=devices');
    expect(withQuery.headers.get('location')).toBe(
      '/accounts/login/?next=/accounts/sessions/%3Ftab%3Ddevices',
    );
  });

  test('a route that forgot to check the login is private all the same', async () => {
    // The point of the default (Django 5.1): a new view is safe without remembering loginRequired.
    t.app.get('/reports/secret/', (c) => c.text('the quarterly numbers'));
    const anonymous = await t.browser().get('/reports/secret/');
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get('location')).toBe('/accounts/login/?next=/reports/secret/');
    const browser = t.browser();
    await browser.login('alice', PASSWORD);
    expect(await (await browser.get('/reports/secret/')).text()).toBe('the quarterly numbers');
  });

  test('a private page is refused before its view runs: a POST changes nothing', async () => {
    const browser = t.browser();
    const headers = await csrfHeader(browser);
    const response = await browser.post('/accounts/sessions/logout-others/', { headers });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/accounts/login/?next=/accounts/sessions/logout-others/');
  });

  test('an API call gets a 401 JSON error', async () => {
    const browser = t.browser();
    const me = await browser.get('/api/me/');
    expect(me.status).toBe(401);
    expect(me.headers.get('content-type')).toMatch(/application\/json/);
    expect(await me.json()).toEqual({ error: 'Authentication credentials were not provided.' });
    const tokens = await browser.post('/api/tokens/', { headers: await csrfHeader(browser) });
    expect(tokens.status).toBe(401);
    const reauth = await browser.post('/api/reauthenticate/', {
      json: { password: PASSWORD },
      headers: await csrfHeader(browser),
    });
    expect(reauth.status).toBe(401);
  });

  test('the public routes work without a login: home, login, logout, cart, CSRF, JSON login and logout, static', async () => {
    const browser = t.browser();
    for (const path of ['/', '/accounts/login/', '/accounts/logout/', '/cart/', '/static/style.css']) {
      expect((await browser.get(path)).status, path).toBe(200);
    }
    expect((await browser.get('/api/csrf/')).status).toBe(200);
    const added = await browser.submit('/cart/', '/cart/add/', { item: 'apple' });
    expect(added.headers.get('location')).toBe('/cart/');
    expect(await (await browser.get('/cart/')).text()).toContain('apple');
    const headers = await csrfHeader(browser);
    const badLogin = await browser.post('/api/login/', {
      json: { username: 'alice', password: 'no' },
      headers,
    });
    expect(badLogin.status).toBe(401);
    expect(await badLogin.json()).toEqual({ error: 'Invalid username or password.' });
    expect((await browser.post('/api/logout/', { headers })).status).toBe(200);
    expect((await browser.logout()).status).toBe(302);
  });

  test('the password reset routes are public', async () => {
    for (const path of [
      '/accounts/password_reset/',
      '/accounts/password_reset/done/',
      '/accounts/reset/MQ/x-y/',
    ]) {
      const response = await t.browser().get(path);
      // Whatever the route answers (a form, a page, or 404 where it is not built yet), never a login redirect.
      expect(response.headers.get('location') ?? '', path).not.toMatch(/^\/accounts\/login\//);
    }
  });
});

describe('logged-in requests', () => {
  test('every page and API call works as before', async () => {
    const browser = t.browser();
    expect((await browser.login('alice', PASSWORD)).status).toBe(302);
    for (const path of PRIVATE_PAGES.filter((p) => p !== '/no/such/page/')) {
      expect((await browser.get(path)).status, path).toBe(200);
    }
    expect((await browser.get('/no/such/page/')).status).toBe(404);
    expect((await browser.get('/api/me/')).status).toBe(200);
  });

  test('an API token counts as logged in', async () => {
    const browser = t.browser();
    await browser.login('alice', PASSWORD);
    const created = await browser.post('/api/tokens/', { headers: await csrfHeader(browser) });
    const { token } = (await created.json()) as { token: string };
    const me = await t.browser().get('/api/me/', { headers: { authorization: `Token ${token}` } });
    expect(me.status).toBe(200);
  });

  test('a remembered browser without a live session passes, restored', async () => {
    const browser = t.browser();
    await browser.submit('/accounts/login/', '/accounts/login/', {
      username: 'alice',
      password: PASSWORD,
      remember: 'on',
    });
    browser.cookies.delete('sessionid');
    expect((await browser.get('/accounts/sessions/')).status).toBe(200);
  });
});
