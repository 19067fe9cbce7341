import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { csrfFieldOf } from '../support/browser.js';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp();
  await t.createUser('alice', 'correct horse battery');
});
afterEach(() => t.close());

async function loggedIn() {
  const browser = t.browser();
  await browser.login('alice', 'correct horse battery');
  return browser;
}

describe('GET /accounts/logout/', () => {
  test('INVARIANTS 6: never logs out; shows "Log out?" with a POST form and its CSRF token', async () => {
    const browser = await loggedIn();
    const response = await browser.get('/accounts/logout/');
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('Log out?');
    expect(html).toMatch(/<form method="post" action="\/accounts\/logout\/"/);
    expect(csrfFieldOf(html)).not.toBeNull();
    expect(response.headers.get('cache-control')).toMatch(/no-store/);
    expect((await browser.get('/dashboard/')).status).toBe(200);
  });

  test('an <img>-style GET with a next still does not log out', async () => {
    const browser = await loggedIn();
    await browser.get('/accounts/logout/?next=/');
    expect((await browser.get('/dashboard/')).status).toBe(200);
  });
});

describe('POST /accounts/logout/', () => {
  test('INVARIANTS 6: without a CSRF token it is refused with 403 and the session survives', async () => {
    const browser = await loggedIn();
    const key = browser.cookie('sessionid');
    const response = await browser.post('/accounts/logout/', { form: {} });
    expect(response.status).toBe(403);
    expect(browser.cookie('sessionid')).toBe(key);
    expect((await browser.get('/dashboard/')).status).toBe(200);
  });

  test('with a foreign token it is refused with 403', async () => {
    const browser = await loggedIn();
    const other = t.browser();
    const foreign = csrfFieldOf(await (await other.get('/accounts/login/')).text()) as string;
    const response = await browser.post('/accounts/logout/', { form: { csrfmiddlewaretoken: foreign } });
    expect(response.status).toBe(403);
    expect((await browser.get('/dashboard/')).status).toBe(200);
  });

  test('INVARIANTS 3: logs out, deletes the record and the cookie, clears site data, never caches, redirects', async () => {
    const browser = await loggedIn();
    const key = browser.cookie('sessionid') as string;
    const cookieAttributes = browser.cookies.get('sessionid')?.attributes;
    const response = await browser.logout();
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/accounts/login/');
    expect(await t.runtime.latchkey.engine.store.exists(key)).toBe(false);
    const deletion = response.headers.getSetCookie().find((c) => c.startsWith('sessionid='));
    expect(deletion).toMatch(/^sessionid=; /);
    expect(deletion).toMatch(/Max-Age=0/);
    expect(deletion).toMatch(/Expires=Thu, 01 Jan 1970/);
    expect(deletion).toContain('Path=/');
    expect(cookieAttributes).toContain('Path=/');
    expect(browser.cookie('sessionid')).toBeNull();
    expect(response.headers.get('clear-site-data')).toBe('"cache"');
    expect(response.headers.get('cache-control')).toMatch(/no-store/);
  });

  test('the logged-out message is shown once on the login page', async () => {
    const browser = await loggedIn();
    await browser.logout();
    const first = await (await browser.get('/accounts/login/')).text();
    expect(first).toMatch(/logged out/i);
    const second = await (await browser.get('/accounts/login/')).text();
    expect(second).not.toMatch(/have been logged out/i);
  });

  test('replaying the old session cookie after logout is anonymous', async () => {
    const browser = await loggedIn();
    const key = browser.cookie('sessionid') as string;
    await browser.logout();
    const replay = t.browser();
    const response = await replay.get('/dashboard/', { headers: { cookie: `sessionid=${key}` } });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/accounts/login/?next=/dashboard/');
    const me = await replay.get('/api/me/', { headers: { cookie: `sessionid=${key}` } });
    expect(me.status).toBe(401);
  });

  test('logout clears extra session data (the cart)', async () => {
    const browser = await loggedIn();
    await browser.submit('/cart/', '/cart/add/', { item: 'private-item' });
    await browser.logout();
    expect(await (await browser.get('/cart/')).text()).not.toContain('private-item');
  });

  test('redirects to a safe next from the body, then the query', async () => {
    const browser = await loggedIn();
    const response = await browser.logout({ next: '/cart/' });
    expect(response.headers.get('location')).toBe('/cart/');
  });

  test('INVARIANTS 3: userLoggedOut sees the real user while the session still exists', async () => {
    const browser = await loggedIn();
    const key = browser.cookie('sessionid') as string;
    const seen: { username: string | undefined; existed: boolean }[] = [];
    t.runtime.latchkey.events.on('userLoggedOut', async ({ user }) => {
      seen.push({ username: user?.username, existed: await t.runtime.latchkey.engine.store.exists(key) });
    });
    await browser.logout();
    expect(seen).toEqual([{ username: 'alice', existed: true }]);
    const rows = await t.runtime.audit.list({ user: 'alice' });
    expect(rows.map((r) => r.event)).toContain('user_logged_out');
  });

  test('logging out without a session still answers with the redirect', async () => {
    const browser = t.browser();
    const response = await browser.logout();
    expect(response.status).toBe(302);
  });
});
