import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { fromWebRequest } from '../../src/http/request.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { csrfFieldOf } from '../support/browser.js';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp();
  await t.createUser('alice', 'correct horse battery');
});
afterEach(() => t.close());

describe('issue 15 item 7: pages that look finished', () => {
  test('the logout confirmation says what will happen, for the user it will log out', async () => {
    const browser = t.browser();
    await browser.login('alice', 'correct horse battery');
    const html = await (await browser.get('/accounts/logout/')).text();
    expect(html).toContain('<h1>Log out?</h1>');
    expect(html).toContain('You are logged in as <strong>alice</strong> on this browser.');
    expect(html).toContain('Logging out ends this session: the server forgets it');
    expect(html).toContain('Your sessions on other devices stay logged in');
    const anonymous = await (await t.browser().get('/accounts/logout/')).text();
    expect(anonymous).toContain('You are not logged in on this browser');
  });

  test('a favicon: linked from every page, served at /static/favicon.svg and /favicon.ico', async () => {
    const browser = t.browser();
    expect(await (await browser.get('/')).text()).toContain(
      '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml"/>',
    );
    for (const path of ['/static/favicon.svg', '/favicon.ico']) {
      const response = await browser.get(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type'), path).toBe('image/svg+xml');
      expect(await response.text(), path).toMatch(/^<svg /);
    }
  });

  test("error pages use the app's frame, with a heading a person understands; API errors stay JSON", async () => {
    // Logged in: an anonymous visitor is sent to the login page instead (login required by default).
    const browser = t.browser();
    await browser.login('alice', 'correct horse battery');
    const page = await browser.get('/no/such/page/');
    expect(page.status).toBe(404);
    const html = await page.text();
    expect(html).toContain('<title>Page not found · Latchkey</title>');
    expect(html).toContain('<a href="/">Back to the home page</a>');
    const api = await browser.get('/api/no/such/');
    expect(await api.json()).toEqual({ error: 'Not found.' });
  });
});

describe('home and cart', () => {
  test('the home page is public; logged in it shows the username and a POST logout button', async () => {
    const anonymous = await t.browser().get('/');
    expect(anonymous.status).toBe(200);
    expect(await anonymous.text()).toContain('Log in');
    const browser = t.browser();
    await browser.login('alice', 'correct horse battery');
    const html = await (await browser.get('/')).text();
    expect(html).toContain('alice');
    expect(html).toMatch(/<form method="post" action="\/accounts\/logout\/"/);
    expect(csrfFieldOf(html)).not.toBeNull();
  });

  test('INVARIANTS 12: a request without a session cookie creates no session', async () => {
    const response = await t.browser().get('/');
    expect(response.headers.getSetCookie().some((c) => c.startsWith('sessionid='))).toBe(false);
  });

  test('cart items live in the session', async () => {
    const browser = t.browser();
    const added = await browser.submit('/cart/', '/cart/add/', { item: 'pear' });
    expect(added.status).toBe(302);
    expect(added.headers.get('location')).toBe('/cart/');
    await browser.submit('/cart/', '/cart/add/', { item: '<b>plum</b>' });
    const html = await (await browser.get('/cart/')).text();
    expect(html).toContain('pear');
    expect(html).toContain('&lt;b&gt;plum&lt;/b&gt;');
  });

  test('an empty cart item is a 400', async () => {
    const response = await t.browser().submit('/cart/', '/cart/add/', { item: '   ' });
    expect(response.status).toBe(400);
  });

  test('security headers forbid framing of every page (no clickjacking of the logout button)', async () => {
    const response = await t.browser().get('/accounts/logout/');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  test('unknown pages are 404 once logged in; anonymous visitors are sent to log in first', async () => {
    // Login required by default: an anonymous visitor is not told which routes exist.
    expect((await t.browser().get('/nope/')).headers.get('location')).toBe('/accounts/login/?next=/nope/');
    expect((await t.browser().get('/static/nope.css')).status).toBe(404);
    const browser = t.browser();
    await browser.login('alice', 'correct horse battery');
    expect((await browser.get('/nope/')).status).toBe(404);
  });
});

describe('INVARIANTS 1: no resurrection', () => {
  test('a cart write racing a logout gets 400 and does not bring the session back', async () => {
    const browser = t.browser();
    await browser.login('alice', 'correct horse battery');
    const key = browser.cookie('sessionid') as string;
    const latchkey = t.runtime.latchkey;
    // Request A starts: loads the session (as a slow request would, before the logout lands).
    const slow = latchkey.begin(
      fromWebRequest(new Request('http://localhost/cart/', { headers: { cookie: `sessionid=${key}` } }), {
        maxBodySize: 1024,
      }),
    );
    expect(await slow.user()).not.toBeNull();
    // Request B: the user logs out in another tab.
    await browser.logout();
    // Request A goes on to write the session.
    await slow.session.set('cart', ['resurrected?']);
    const response = await latchkey.finish(slow, new Response('ok'));
    expect(response.status).toBe(400);
    expect(await latchkey.engine.store.exists(key)).toBe(false);
    expect(response.headers.getSetCookie().some((c) => c.startsWith(`sessionid=${key}`))).toBe(false);
  });
});

describe('INVARIANTS 11: one clock', () => {
  test('a session unused for SESSION_COOKIE_AGE expires (injected clock, no sleeping)', async () => {
    const browser = t.browser();
    await browser.login('alice', 'correct horse battery');
    t.clock.advance((t.settings.SESSION_COOKIE_AGE - 60) * 1000);
    const other = t.browser();
    await other.login('alice', 'correct horse battery');
    t.clock.advance(120 * 1000);
    expect((await browser.get('/dashboard/')).status).toBe(302);
    expect((await other.get('/dashboard/')).status).toBe(200);
  });

  test('activity renews the expiry: "last seen" is refreshed at most once a minute and slides it', async () => {
    const browser = t.browser();
    await browser.login('alice', 'correct horse battery');
    const key = browser.cookie('sessionid') as string;
    const store = t.runtime.latchkey.engine.store;
    const first = (await store.load(key))?.expiresAt.getTime();
    t.clock.advance(30_000);
    const quiet = await browser.get('/dashboard/');
    expect(quiet.headers.getSetCookie().some((c) => c.startsWith('sessionid='))).toBe(false);
    expect((await store.load(key))?.expiresAt.getTime()).toBe(first);
    t.clock.advance(60_000);
    await browser.get('/dashboard/');
    expect((await store.load(key))?.expiresAt.getTime()).toBe((first as number) + 90_000);
  });

  test('the session cookie carries Max-Age = SESSION_COOKIE_AGE and the expected attributes', async () => {
    const browser = t.browser();
    const response = await browser.login('alice', 'correct horse battery');
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('sessionid=')) as string;
    expect(cookie).toContain(`Max-Age=${t.settings.SESSION_COOKIE_AGE}`);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toContain('Path=/');
  });
});

describe('finish() on any Response', () => {
  test('a Response with immutable headers (Response.redirect) still gets its cookies', async () => {
    const latchkey = t.runtime.latchkey;
    const ctx = latchkey.begin(fromWebRequest(new Request('http://localhost/x'), { maxBodySize: 1024 }));
    await ctx.session.set('cart', ['x']);
    const response = await latchkey.finish(ctx, Response.redirect('http://localhost/cart/', 302));
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('http://localhost/cart/');
    expect(response.headers.getSetCookie().some((c) => c.startsWith('sessionid='))).toBe(true);
  });

  test('an ordinary Response keeps its body and other headers, Vary included', async () => {
    const latchkey = t.runtime.latchkey;
    const ctx = latchkey.begin(fromWebRequest(new Request('http://localhost/x'), { maxBodySize: 1024 }));
    await ctx.session.set('cart', ['x']);
    const original = new Response('hello', { headers: { Vary: 'Accept', 'X-Mine': '1' } });
    const response = await latchkey.finish(ctx, original);
    expect(await response.text()).toBe('hello');
    expect(response.headers.get('x-mine')).toBe('1');
    expect(response.headers.get('vary')).toBe('Accept, Cookie');
  });
});
