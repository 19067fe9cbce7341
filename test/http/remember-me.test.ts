/**
 * Remember me through the reference app (issue 13, item 5): the cookie, restoring a session after
 * it expired, rotation, theft detection with its grace window for parallel tabs, and everything
 * that must end the token. Runs on every stack of the HTTP matrix.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { hashRememberPart, parseRememberCookie } from '../../src/auth/remember/token.js';
import { startTestApp, TEST_SESSION_ENGINE, type TestApp } from '../support/app.js';
import type { Browser } from '../support/browser.js';

const PASSWORD = 'correct horse battery';
let t: TestApp;
beforeEach(async () => {
  t = await startTestApp();
  await t.createUser('alice', PASSWORD);
  await t.createUser('bob', 'another good password');
});
afterEach(() => t.close());

/** Logs in through the form, ticking "remember me" unless told not to. */
async function login(browser: Browser, options: { remember?: boolean; username?: string } = {}) {
  const username = options.username ?? 'alice';
  const response = await browser.submit('/accounts/login/', '/accounts/login/', {
    username,
    password: username === 'alice' ? PASSWORD : 'another good password',
    ...(options.remember === false ? {} : { remember: 'on' }),
  });
  expect(response.status).toBe(302);
  return response;
}

/** The browser after a restart: the session cookie is gone, persistent cookies stay. */
function restart(browser: Browser): void {
  browser.cookies.delete('sessionid');
}

/** A second client holding a copy of `browser`'s cookies right now (another tab, or a thief). */
function copyOf(browser: Browser): Browser {
  return t.browser({ jar: new Map(browser.cookies) });
}

async function dashboardUser(browser: Browser): Promise<string | null> {
  const response = await browser.get('/dashboard/');
  if (response.status !== 200) return null;
  return /data-testid="dashboard-user">([^<]+)</.exec(await response.text())?.[1] ?? null;
}

async function auditEvents(): Promise<string[]> {
  return (await t.runtime.audit.list({ limit: 200 })).map((row) => row.event);
}

const setCookie = (response: Response, name: string): string | undefined =>
  response.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));

describe('the remember_token cookie', () => {
  test('a ticked box sets an HttpOnly, SameSite=Lax cookie for REMEMBER_ME_AGE; no box sets none', async () => {
    const ticked = await login(t.browser());
    const cookie = setCookie(ticked, 'remember_token') as string;
    expect(cookie).toMatch(/^remember_token=[A-Za-z0-9]{24}\.[A-Za-z0-9]{40};/);
    expect(cookie).toContain('Max-Age=2592000');
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toContain('Path=/');
    expect(cookie).not.toContain('Secure');
    const unticked = await login(t.browser(), { remember: false });
    expect(setCookie(unticked, 'remember_token')).toBeUndefined();
  });

  test('the cookie is Secure when the session cookie is', async () => {
    const secure = await startTestApp({ SESSION_COOKIE_SECURE: true, CSRF_COOKIE_SECURE: true });
    try {
      await secure.createUser('carol', PASSWORD);
      const browser = secure.browser({ origin: 'https://localhost' });
      const page = await browser.get('/accounts/login/');
      const token = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(await page.text())?.[1] as string;
      const response = await browser.post('/accounts/login/', {
        form: { csrfmiddlewaretoken: token, username: 'carol', password: PASSWORD, remember: 'on' },
        headers: { origin: 'https://localhost', referer: 'https://localhost/accounts/login/' },
      });
      expect(response.status).toBe(302);
      expect(setCookie(response, 'remember_token')).toContain('Secure');
    } finally {
      await secure.close();
    }
  });

  test('INVARIANTS 14: the series and its secret are stored only as SHA-256 hashes', async () => {
    const browser = t.browser();
    await login(browser);
    const token = parseRememberCookie(browser.cookie('remember_token'));
    const rows = await t.runtime.db.selectFrom('latchkey_remember_token').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.series_hash).toBe(hashRememberPart(token?.series as string));
    expect(rows[0]?.secret_hash).toBe(hashRememberPart(token?.secret as string));
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain(token?.series);
    expect(stored).not.toContain(token?.secret);
  });

  test('the JSON login takes "remember": true; anything but a boolean is a 400', async () => {
    const browser = t.browser();
    const { csrfToken } = (await (await browser.get('/api/csrf/')).json()) as { csrfToken: string };
    const headers = { 'x-csrftoken': csrfToken };
    const bad = await browser.post('/api/login/', {
      json: { username: 'alice', password: PASSWORD, remember: 'yes' },
      headers,
    });
    expect(bad.status).toBe(400);
    expect(browser.cookie('remember_token')).toBeNull();
    const ok = await browser.post('/api/login/', {
      json: { username: 'alice', password: PASSWORD, remember: true },
      headers,
    });
    expect(ok.status).toBe(200);
    expect(parseRememberCookie(browser.cookie('remember_token'))).not.toBeNull();
  });

  test('with SESSION_EXPIRE_AT_BROWSER_CLOSE the session cookie ends with the browser, the remember cookie does not', async () => {
    const closing = await startTestApp({ SESSION_EXPIRE_AT_BROWSER_CLOSE: true });
    try {
      await closing.createUser('alice', PASSWORD);
      const browser = closing.browser();
      const response = await browser.submit('/accounts/login/', '/accounts/login/', {
        username: 'alice',
        password: PASSWORD,
        remember: 'on',
      });
      expect(setCookie(response, 'sessionid')).not.toMatch(/Max-Age|Expires/i);
      expect(setCookie(response, 'remember_token')).toMatch(/Max-Age=2592000/);
    } finally {
      await closing.close();
    }
  });
});

describe('restoring a session', () => {
  test('after the session expired, the remembered browser is logged in again with a new key and a rotated secret', async () => {
    const browser = t.browser();
    await login(browser);
    const firstKey = browser.cookie('sessionid') as string;
    const first = parseRememberCookie(browser.cookie('remember_token'));
    // Past SESSION_COOKIE_AGE (two weeks), within REMEMBER_ME_AGE (30 days).
    t.clock.advance((t.settings.SESSION_COOKIE_AGE + 60) * 1000);
    expect(await t.runtime.latchkey.engine.store.exists(firstKey)).toBe(false);

    expect(await dashboardUser(browser)).toBe('alice');
    const second = parseRememberCookie(browser.cookie('remember_token'));
    expect(browser.cookie('sessionid')).not.toBe(firstKey);
    expect(second?.series).toBe(first?.series);
    expect(second?.secret).not.toBe(first?.secret);
    expect(await auditEvents()).toContain('session_restored');

    // The restored session is an ordinary one: the next request uses it and leaves the token alone.
    const restoredKey = browser.cookie('sessionid');
    const again = await browser.get('/dashboard/');
    expect(again.status).toBe(200);
    expect(setCookie(again, 'remember_token')).toBeUndefined();
    expect(browser.cookie('sessionid')).toBe(restoredKey);
  });

  test('without the box, an expired session stays logged out', async () => {
    const browser = t.browser();
    await login(browser, { remember: false });
    t.clock.advance((t.settings.SESSION_COOKIE_AGE + 60) * 1000);
    expect(await dashboardUser(browser)).toBeNull();
  });

  test('a series past REMEMBER_ME_AGE restores nothing, and its cookie is deleted', async () => {
    const browser = t.browser();
    await login(browser);
    t.clock.advance((t.settings.REMEMBER_ME_AGE + 60) * 1000);
    expect(await dashboardUser(browser)).toBeNull();
    expect(browser.cookie('remember_token')).toBeNull();
  });

  test('forged, truncated, unknown and odd remember cookies: anonymous, cookie deleted, never a 500', async () => {
    const browser = t.browser();
    await login(browser);
    const real = browser.cookie('remember_token') as string;
    const [series, secret] = real.split('.') as [string, string];
    const forged = [
      'garbage',
      real.slice(0, -1),
      `${series}.${'A'.repeat(40)}x`,
      `${'B'.repeat(24)}.${secret}`,
      `${series}${secret}`,
      `${series}.${secret}.${secret}`,
      '%00%0d%0a',
      'x'.repeat(4000),
    ];
    for (const value of forged) {
      const client = t.browser();
      client.cookies.set('remember_token', { value, attributes: '' });
      const response = await client.get('/dashboard/');
      expect(response.status, value).toBe(302);
      expect(client.cookie('remember_token'), value).toBeNull();
    }
    // None of them touched the real series (an unknown series is never a theft report).
    restart(browser);
    expect(await dashboardUser(browser)).toBe('alice');
    expect(await auditEvents()).not.toContain('remember_token_theft');
  });

  test('an inactive user is not restored, and the series ends', async () => {
    const browser = t.browser();
    await login(browser);
    const alice = await t.runtime.users.getByUsername('alice');
    await t.runtime.db
      .updateTable('latchkey_user')
      .set({ is_active: 0 })
      .where('id', '=', Number(alice?.id))
      .execute();
    restart(browser);
    expect(await dashboardUser(browser)).toBeNull();
    expect(await t.runtime.db.selectFrom('latchkey_remember_token').selectAll().execute()).toHaveLength(0);
  });
});

describe('theft detection', () => {
  test('an old secret after the grace window ends every session and remember token of the user, with an audit row', async () => {
    const laptop = t.browser();
    await login(laptop);
    const phone = t.browser();
    await login(phone, { remember: false });
    const bob = t.browser();
    await login(bob, { username: 'bob' });
    const stolen = laptop.cookie('remember_token') as string;

    // The thief copies the remember cookie and uses it first: it is restored and rotated.
    const thief = t.browser();
    thief.cookies.set('remember_token', { value: stolen, attributes: '' });
    expect(await dashboardUser(thief)).toBe('alice');

    // Later, the owner's browser comes back with the old secret: two parties used one series.
    t.clock.advance((t.settings.REMEMBER_ME_GRACE_SECONDS + 1) * 1000);
    restart(laptop);
    expect(await dashboardUser(laptop)).toBeNull();
    expect(laptop.cookie('remember_token')).toBeNull();

    expect(await dashboardUser(thief)).toBeNull();
    expect(await dashboardUser(phone)).toBeNull();
    expect(await dashboardUser(bob)).toBe('bob');
    const remaining = await t.runtime.db.selectFrom('latchkey_remember_token').select('user_id').execute();
    const aliceId = (await t.runtime.users.getByUsername('alice'))?.id;
    expect(remaining.map((r) => r.user_id)).not.toContain(aliceId);
    expect(remaining).toHaveLength(1);

    const rows = await t.runtime.audit.list({ user: 'alice', limit: 50 });
    expect(rows.map((r) => r.event)).toContain('remember_token_theft');
    expect(JSON.stringify(rows)).not.toContain(stolen.split('.')[1]);
    const warning = t.logger.events.find((e) => e.event === 'security.remember_token_theft');
    expect(warning?.level).toBe('warn');
    expect(JSON.stringify(t.logger.events)).not.toContain(stolen.split('.')[1]);
  });

  test('parallel tabs: the secret replaced less than REMEMBER_ME_GRACE_SECONDS ago is still accepted', async () => {
    const browser = t.browser();
    await login(browser);
    t.clock.advance((t.settings.SESSION_COOKIE_AGE + 60) * 1000);
    const tabB = copyOf(browser);
    // Tab A restores first and rotates; tab B's request left with the old secret.
    expect(await dashboardUser(browser)).toBe('alice');
    t.clock.advance((t.settings.REMEMBER_ME_GRACE_SECONDS - 2) * 1000);
    expect(await dashboardUser(tabB)).toBe('alice');
    expect(await auditEvents()).not.toContain('remember_token_theft');
    // The browser keeps the newest cookie, which still works; tab A's session is untouched.
    expect(await dashboardUser(browser)).toBe('alice');
    restart(browser);
    t.clock.advance(60_000);
    expect(await dashboardUser(browser)).toBe('alice');
    expect(await auditEvents()).not.toContain('remember_token_theft');
  });

  test('parallel tabs at the same instant: both are restored, one rotation wins, no theft', async () => {
    const browser = t.browser();
    await login(browser);
    t.clock.advance((t.settings.SESSION_COOKIE_AGE + 60) * 1000);
    const original = browser.cookie('remember_token');
    const tabs = [copyOf(browser), copyOf(browser), copyOf(browser)];
    const users = await Promise.all(tabs.map(dashboardUser));
    expect(users).toEqual(['alice', 'alice', 'alice']);
    // Only the request that won the rotation got a new cookie; the others kept the old one.
    const rotated = tabs.map((tab) => tab.cookie('remember_token')).filter((c) => c !== original);
    expect(rotated).toHaveLength(1);
    expect(await auditEvents()).not.toContain('remember_token_theft');
    // The winner's cookie is the one that lasts.
    const survivor = tabs.find((tab) => tab.cookie('remember_token') === rotated[0]) as Browser;
    restart(survivor);
    t.clock.advance((t.settings.REMEMBER_ME_GRACE_SECONDS + 1) * 1000);
    expect(await dashboardUser(survivor)).toBe('alice');
  });
});

describe('what ends remember-me tokens', () => {
  test('logout deletes the series and its cookie; replaying the old cookie restores nothing', async () => {
    const browser = t.browser();
    await login(browser);
    const cookie = browser.cookie('remember_token') as string;
    const response = await browser.logout();
    expect(setCookie(response, 'remember_token')).toMatch(/Max-Age=0/);
    expect(browser.cookie('remember_token')).toBeNull();
    expect(await t.runtime.db.selectFrom('latchkey_remember_token').selectAll().execute()).toHaveLength(0);
    const replay = t.browser();
    replay.cookies.set('remember_token', { value: cookie, attributes: '' });
    expect(await dashboardUser(replay)).toBeNull();
  });

  test('INVARIANTS 14: a password change deletes every remember token of the user, this browser’s too', async () => {
    const laptop = t.browser();
    await login(laptop);
    const phone = t.browser();
    await login(phone);
    const response = await laptop.submit('/accounts/password_change/', '/accounts/password_change/', {
      old_password: PASSWORD,
      new_password1: 'a brand new secret',
      new_password2: 'a brand new secret',
    });
    expect(response.status).toBe(302);
    expect(laptop.cookie('remember_token')).toBeNull();
    expect(await t.runtime.db.selectFrom('latchkey_remember_token').selectAll().execute()).toHaveLength(0);
    restart(phone);
    expect(await dashboardUser(phone)).toBeNull();
    expect(await dashboardUser(laptop)).toBe('alice');
  });

  test('INVARIANTS 14: log out everywhere deletes every remember token of the user', async () => {
    const laptop = t.browser();
    await login(laptop);
    const bob = t.browser();
    await login(bob, { username: 'bob' });
    const { logoutAll } = await import('../../src/auth/logout-everywhere.js');
    const alice = await t.runtime.users.getByUsername('alice');
    const revoked = await logoutAll(t.runtime.latchkey, alice as NonNullable<typeof alice>);
    expect(revoked.remembered).toBe(1);
    restart(laptop);
    expect(await dashboardUser(laptop)).toBeNull();
    restart(bob);
    expect(await dashboardUser(bob)).toBe('bob');
  });

  test('"log out other sessions" forgets the other remembered devices and keeps this one', async () => {
    const laptop = t.browser();
    await login(laptop);
    const phone = t.browser();
    await login(phone);
    const done = await laptop.submit('/accounts/sessions/', '/accounts/sessions/logout-others/', {});
    expect(done.status).toBe(302);
    expect(done.headers.get('location')).toBe('/accounts/sessions/');
    restart(phone);
    expect(await dashboardUser(phone)).toBeNull();
    restart(laptop);
    expect(await dashboardUser(laptop)).toBe('alice');
  });

  test('the sessions page lists remembered devices; forgetting one stops it logging back in', async () => {
    const laptop = t.browser();
    await login(laptop);
    const phone = t.browser();
    const page = await phone.get('/accounts/login/', { headers: { 'user-agent': 'Phone Browser/2.0' } });
    const token = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(await page.text())?.[1] as string;
    await phone.post('/accounts/login/', {
      form: { csrfmiddlewaretoken: token, username: 'alice', password: PASSWORD, remember: 'on' },
      headers: { 'user-agent': 'Phone Browser/2.0' },
    });
    const html = await (await laptop.get('/accounts/sessions/')).text();
    expect(html).toContain('Remembered devices');
    expect(html).toContain('Phone Browser/2.0');
    expect(html).toContain('This device');
    const ids = [...html.matchAll(/data-device="([0-9a-f]{32})"/g)].map((m) => m[1] as string);
    expect(ids).toHaveLength(2);
    for (const c of [laptop.cookie('remember_token'), phone.cookie('remember_token')] as string[]) {
      expect(html).not.toContain(c.split('.')[0]);
    }
    // Each row names its device in a span whose title is the raw User-Agent.
    const phoneRow =
      /data-device="([0-9a-f]{32})"[^>]*><div><span class="device" title="Phone Browser\/2.0"/.exec(
        html,
      )?.[1];
    expect(phoneRow).toBeDefined();
    const forget = await laptop.submit('/accounts/sessions/', '/accounts/sessions/forget/', {
      device: phoneRow as string,
    });
    expect(forget.status).toBe(302);
    restart(phone);
    expect(await dashboardUser(phone)).toBeNull();
    const unknown = await laptop.submit('/accounts/sessions/', '/accounts/sessions/forget/', {
      device: phoneRow as string,
    });
    expect(unknown.status).toBe(404);
  });
});

describe.runIf(TEST_SESSION_ENGINE === 'db')('every session engine', () => {
  for (const engine of ['memory', 'signed_cookies'] as const) {
    test(`SESSION_ENGINE=${engine}: remember me restores an expired session, and theft ends everything`, async () => {
      const other = await startTestApp({ SESSION_ENGINE: engine });
      try {
        await other.createUser('alice', PASSWORD);
        const browser = other.browser();
        await browser.submit('/accounts/login/', '/accounts/login/', {
          username: 'alice',
          password: PASSWORD,
          remember: 'on',
        });
        const stolen = browser.cookie('remember_token') as string;
        other.clock.advance((other.settings.SESSION_COOKIE_AGE + 60) * 1000);
        expect((await browser.get('/dashboard/')).status).toBe(200);
        other.clock.advance((other.settings.REMEMBER_ME_GRACE_SECONDS + 1) * 1000);
        const thief = other.browser();
        thief.cookies.set('remember_token', { value: stolen, attributes: '' });
        expect((await thief.get('/dashboard/')).status).toBe(302);
        expect((await browser.get('/dashboard/')).status).toBe(302);
      } finally {
        await other.close();
      }
    });
  }
});
