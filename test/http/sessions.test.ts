import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { logoutAll } from '../../src/auth/logout-everywhere.js';
import { hashSessionKey } from '../../src/sessions/public-id.js';
import { startTestApp, type TestApp } from '../support/app.js';
import type { Browser } from '../support/browser.js';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp();
  await t.createUser('alice', 'correct horse battery');
  await t.createUser('bob', 'another good password');
});
afterEach(() => t.close());

async function device(
  userAgent: string,
  username = 'alice',
  password = 'correct horse battery',
): Promise<Browser> {
  const browser = t.browser();
  const login = await browser.get('/accounts/login/', { headers: { 'user-agent': userAgent } });
  const token = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(await login.text())?.[1] as string;
  await browser.post('/accounts/login/', {
    form: { csrfmiddlewaretoken: token, username, password },
    headers: { 'user-agent': userAgent },
  });
  return browser;
}

describe('GET /accounts/sessions/', () => {
  test('requires login', async () => {
    const response = await t.browser().get('/accounts/sessions/');
    expect(response.headers.get('location')).toBe('/accounts/login/?next=/accounts/sessions/');
  });

  test('lists the user’s sessions with device, created, last seen and "this session", by public id only', async () => {
    const laptop = await device('Laptop Browser/1.0');
    t.clock.advance(5 * 60_000);
    const phone = await device('Phone Browser/2.0');
    await device('Bob Browser', 'bob', 'another good password');
    const response = await laptop.get('/accounts/sessions/');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toMatch(/no-store/);
    const html = await response.text();
    expect(html).toContain('Laptop Browser/1.0');
    expect(html).toContain('Phone Browser/2.0');
    expect(html).not.toContain('Bob Browser');
    expect(html).toContain('This session');
    expect(html.match(/data-session="/g)?.length).toBe(2);
    for (const key of [laptop.cookie('sessionid'), phone.cookie('sessionid')] as string[]) {
      expect(html).not.toContain(key);
      expect(html).toContain(hashSessionKey(key));
    }
  });
});

describe('issue 15 item 7: the sessions page as a person reads it', () => {
  test('names devices ("Chrome on Linux"), says "5 minutes ago" with the full time in <time datetime>, marks this session', async () => {
    const chrome =
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';
    const signedIn = new Date(t.clock.now()).toISOString();
    await device(chrome);
    t.clock.advance(5 * 60_000);
    const phone = await device(
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) Version/18.5 Mobile/15E148 Safari/604.1',
    );
    const html = await (await phone.get('/accounts/sessions/')).text();
    expect(html).toContain('>Chrome on Linux<');
    expect(html).toContain('>Safari on iOS<');
    expect(html).not.toContain(`>${chrome}<`); // the raw string is only the title
    expect(html).toContain(`<time datetime="${signedIn}" title="1 May 2026, 10:00 UTC">5 minutes ago</time>`);
    expect(html.match(/aria-current="true"/g)?.length).toBe(1);
    expect(html).toMatch(
      /aria-current="true"><div><span class="device"[^>]*>Safari on iOS<\/span><span class="badge">This session<\/span>/,
    );
  });

  test('the dashboard says when this login happened, relative and in full', async () => {
    const browser = await device('Laptop');
    t.clock.advance(2 * 60_000);
    const html = await (await browser.get('/dashboard/')).text();
    expect(html).toContain('title="1 May 2026, 10:00 UTC">2 minutes ago</time>');
    expect(html).toContain('<span data-local-time="2026-05-01T10:00:00.000Z">1 May 2026, 10:00 UTC</span>');
    expect(html).not.toContain('2026-05-01T10:00:00.000Z<');
  });
});

describe('POST /accounts/sessions/revoke/', () => {
  test('ends another session by its public id; that device is logged out at once', async () => {
    const laptop = await device('Laptop');
    const phone = await device('Phone');
    const response = await laptop.submit('/accounts/sessions/', '/accounts/sessions/revoke/', {
      session: hashSessionKey(phone.cookie('sessionid') as string),
    });
    expect(response.status).toBe(302);
    expect((await phone.get('/dashboard/')).status).toBe(302);
    expect((await laptop.get('/dashboard/')).status).toBe(200);
  });

  test('cannot end another user’s session, and never accepts a raw key', async () => {
    const alice = await device('Alice');
    const bob = await device('Bob', 'bob', 'another good password');
    const bobKey = bob.cookie('sessionid') as string;
    for (const session of [hashSessionKey(bobKey), bobKey, '']) {
      const response = await alice.submit('/accounts/sessions/', '/accounts/sessions/revoke/', { session });
      expect(response.status).toBe(404);
    }
    expect((await bob.get('/dashboard/')).status).toBe(200);
  });

  test('ending this session is a logout', async () => {
    const laptop = await device('Laptop');
    const response = await laptop.submit('/accounts/sessions/', '/accounts/sessions/revoke/', {
      session: hashSessionKey(laptop.cookie('sessionid') as string),
    });
    expect(response.status).toBe(302);
    expect(laptop.cookie('sessionid')).toBeNull();
  });

  test('needs a CSRF token', async () => {
    const laptop = await device('Laptop');
    const phone = await device('Phone');
    const response = await laptop.post('/accounts/sessions/revoke/', {
      form: { session: hashSessionKey(phone.cookie('sessionid') as string) },
    });
    expect(response.status).toBe(403);
    expect((await phone.get('/dashboard/')).status).toBe(200);
  });
});

describe('log out everywhere', () => {
  test('POST /accounts/sessions/logout-others/ ends every other session and keeps this one', async () => {
    const laptop = await device('Laptop');
    const others = [await device('Phone'), await device('Tablet')];
    const bob = await device('Bob', 'bob', 'another good password');
    const response = await laptop.submit('/accounts/sessions/', '/accounts/sessions/logout-others/', {});
    expect(response.status).toBe(302);
    for (const other of others) expect((await other.get('/dashboard/')).status).toBe(302);
    expect((await laptop.get('/dashboard/')).status).toBe(200);
    expect((await bob.get('/dashboard/')).status).toBe(200);
    const page = await (await laptop.get('/accounts/sessions/')).text();
    expect(page.match(/data-session="/g)?.length).toBe(1);
    expect((await t.runtime.audit.list({ user: 'alice' })).map((r) => r.event)).toContain('sessions_revoked');
  });

  test('logoutAll ends every session and token of the user, and nobody else’s', async () => {
    const devices = [await device('A'), await device('B'), await device('C')];
    const bob = await device('Bob', 'bob', 'another good password');
    const alice = await t.runtime.users.getByUsername('alice');
    const token = await t.runtime.tokens.create(alice?.id as string);
    const revoked = await logoutAll(t.runtime.latchkey, alice as NonNullable<typeof alice>);
    expect(revoked).toEqual({ sessions: 3, tokens: 1, remembered: 0 });
    for (const d of devices) expect((await d.get('/dashboard/')).status).toBe(302);
    expect((await bob.get('/dashboard/')).status).toBe(200);
    const me = await t.browser().get('/api/me/', { headers: { authorization: `Token ${token}` } });
    expect(me.status).toBe(401);
  });
});
