/**
 * Re-authentication for sensitive actions through the reference app (issue 13, item 6): password
 * change, API token creation and ending other sessions need a password login (or re-entry at
 * `/accounts/reauthenticate/`) within REAUTH_MAX_AGE; a session restored by remember me never is
 * fresh. Runs on every stack of the HTTP matrix.
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

async function loggedIn(options: { remember?: boolean } = {}): Promise<Browser> {
  const browser = t.browser();
  const response = await browser.submit('/accounts/login/', '/accounts/login/', {
    username: 'alice',
    password: PASSWORD,
    ...(options.remember ? { remember: 'on' } : {}),
  });
  expect(response.status).toBe(302);
  return browser;
}

/** Moves past REAUTH_MAX_AGE (the session itself stays alive). */
function goStale(): void {
  t.clock.advance((t.settings.REAUTH_MAX_AGE + 1) * 1000);
}

async function csrfHeader(browser: Browser): Promise<Record<string, string>> {
  const { csrfToken } = (await (await browser.get('/api/csrf/')).json()) as { csrfToken: string };
  return { 'x-csrftoken': csrfToken };
}

async function reauthenticate(browser: Browser, password: string, next: string): Promise<Response> {
  return browser.submit(`/accounts/reauthenticate/?next=${next}`, '/accounts/reauthenticate/', {
    password,
    next,
  });
}

async function auditEvents(): Promise<string[]> {
  return (await t.runtime.audit.list({ limit: 100 })).map((row) => row.event);
}

describe('password change', () => {
  test('is open right after a login, and asks for the password again after REAUTH_MAX_AGE', async () => {
    const browser = await loggedIn();
    expect((await browser.get('/accounts/password_change/')).status).toBe(200);
    t.clock.advance((t.settings.REAUTH_MAX_AGE - 5) * 1000);
    expect((await browser.get('/accounts/password_change/')).status).toBe(200);
    t.clock.advance(10_000);
    const stale = await browser.get('/accounts/password_change/');
    expect(stale.status).toBe(302);
    expect(stale.headers.get('location')).toBe('/accounts/reauthenticate/?next=/accounts/password_change/');
  });

  test('a stale POST changes nothing', async () => {
    const browser = await loggedIn();
    const page = await browser.get('/accounts/password_change/');
    const token = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(await page.text())?.[1] as string;
    goStale();
    const response = await browser.post('/accounts/password_change/', {
      form: {
        csrfmiddlewaretoken: token,
        old_password: PASSWORD,
        new_password1: 'a brand new secret',
        new_password2: 'a brand new secret',
      },
    });
    expect(response.headers.get('location')).toMatch(/^\/accounts\/reauthenticate\/\?next=/);
    expect((await t.browser().login('alice', PASSWORD)).status).toBe(302);
  });

  test('re-entering the password at /accounts/reauthenticate/ opens it again, with a new session key', async () => {
    const browser = await loggedIn();
    goStale();
    const form = await browser.get('/accounts/reauthenticate/?next=/accounts/password_change/');
    expect(form.status).toBe(200);
    expect(form.headers.get('cache-control')).toMatch(/no-store/);
    const html = await form.text();
    expect(html).toContain('name="password"');
    expect(html).toContain('name="next" value="/accounts/password_change/"');

    const wrong = await reauthenticate(browser, 'not my password', '/accounts/password_change/');
    expect(wrong.status).toBe(200);
    expect(await wrong.text()).toContain('Your password was entered incorrectly');
    expect((await browser.get('/accounts/password_change/')).status).toBe(302);

    const key = browser.cookie('sessionid');
    const right = await reauthenticate(browser, PASSWORD, '/accounts/password_change/');
    expect(right.status).toBe(302);
    expect(right.headers.get('location')).toBe('/accounts/password_change/');
    expect(browser.cookie('sessionid')).not.toBe(key);
    expect((await browser.get('/accounts/password_change/')).status).toBe(200);
    const events = await auditEvents();
    expect(events).toContain('reauthenticated');
    expect(events).toContain('user_login_failed');
  });

  test('an unsafe next is ignored: LOGIN_REDIRECT_URL instead', async () => {
    const browser = await loggedIn();
    goStale();
    const response = await reauthenticate(browser, PASSWORD, 'https://evil.example/steal');
    expect(response.headers.get('location')).toBe('/dashboard/');
  });

  test('the page needs a login; anonymous visitors go to LOGIN_URL', async () => {
    const response = await t.browser().get('/accounts/reauthenticate/?next=/accounts/password_change/');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toMatch(
      /^\/accounts\/login\/\?next=\/accounts\/reauthenticate\//,
    );
  });
});

describe('a session restored by remember me', () => {
  test('is never fresh, even right after the restore', async () => {
    const browser = await loggedIn({ remember: true });
    t.clock.advance((t.settings.SESSION_COOKIE_AGE + 60) * 1000);
    expect((await browser.get('/dashboard/')).status).toBe(200);
    const response = await browser.get('/accounts/password_change/');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(
      '/accounts/reauthenticate/?next=/accounts/password_change/',
    );
    expect((await reauthenticate(browser, PASSWORD, '/accounts/password_change/')).status).toBe(302);
    expect((await browser.get('/accounts/password_change/')).status).toBe(200);
  });
});

describe('API token creation', () => {
  test('a stale session gets a clear 403 JSON error; POST /api/reauthenticate/ opens it again', async () => {
    const browser = await loggedIn();
    const headers = await csrfHeader(browser);
    expect((await browser.post('/api/tokens/', { headers })).status).toBe(201);
    goStale();
    const refused = await browser.post('/api/tokens/', { headers });
    expect(refused.status).toBe(403);
    const body = (await refused.json()) as { error: string; code: string };
    expect(body.code).toBe('reauthentication_required');
    expect(body.error).toMatch(/^Re-authentication required/);

    const wrong = await browser.post('/api/reauthenticate/', { json: { password: 'nope' }, headers });
    expect(wrong.status).toBe(401);
    const missing = await browser.post('/api/reauthenticate/', { json: {}, headers });
    expect(missing.status).toBe(400);
    const ok = await browser.post('/api/reauthenticate/', { json: { password: PASSWORD }, headers });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ reauthenticated: true });
    expect((await browser.post('/api/tokens/', { headers })).status).toBe(201);
  });

  test('logging in again through /api/login/ makes the session fresh', async () => {
    const browser = await loggedIn();
    goStale();
    const headers = await csrfHeader(browser);
    expect((await browser.post('/api/tokens/', { headers })).status).toBe(403);
    const login = await browser.post('/api/login/', {
      json: { username: 'alice', password: PASSWORD },
      headers,
    });
    expect(login.status).toBe(200);
    expect((await browser.post('/api/tokens/', { headers: await csrfHeader(browser) })).status).toBe(201);
  });

  test('an API token cannot mint another one', async () => {
    const browser = await loggedIn();
    const created = await browser.post('/api/tokens/', { headers: await csrfHeader(browser) });
    const { token } = (await created.json()) as { token: string };
    const response = await t.browser().post('/api/tokens/', { headers: { authorization: `Token ${token}` } });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { code: string }).code).toBe('reauthentication_required');
    const reauth = await t.browser().post('/api/reauthenticate/', {
      json: { password: PASSWORD },
      headers: { authorization: `Token ${token}` },
    });
    expect(reauth.status).toBe(401);
  });
});

describe('ending other sessions', () => {
  async function otherSessionId(browser: Browser): Promise<string> {
    const html = await (await browser.get('/accounts/sessions/')).text();
    const rows = [...html.matchAll(/<li[^>]*data-session="([0-9a-f]+)"[^>]*>(.*?)<\/li>/gs)];
    const other = rows.find((row) => !(row[2] as string).includes('This session'));
    return other?.[1] as string;
  }

  test('revoking another session asks for the password when stale; revoking this one (logout) does not', async () => {
    const laptop = await loggedIn();
    const phone = await loggedIn();
    goStale();
    const target = await otherSessionId(laptop);
    const refused = await laptop.submit('/accounts/sessions/', '/accounts/sessions/revoke/', {
      session: target,
    });
    expect(refused.status).toBe(302);
    expect(refused.headers.get('location')).toBe('/accounts/reauthenticate/?next=/accounts/sessions/');
    expect((await phone.get('/dashboard/')).status).toBe(200);

    expect((await reauthenticate(laptop, PASSWORD, '/accounts/sessions/')).status).toBe(302);
    const done = await laptop.submit('/accounts/sessions/', '/accounts/sessions/revoke/', {
      session: await otherSessionId(laptop),
    });
    expect(done.headers.get('location')).toBe('/accounts/sessions/');
    expect((await phone.get('/dashboard/')).status).toBe(302);

    goStale();
    const html = await (await laptop.get('/accounts/sessions/')).text();
    const mine = /<li[^>]*data-session="([0-9a-f]+)"[^>]*>(?:(?!<\/li>).)*This session/s.exec(
      html,
    )?.[1] as string;
    const logout = await laptop.submit('/accounts/sessions/', '/accounts/sessions/revoke/', {
      session: mine,
    });
    expect(logout.headers.get('location')).toBe('/accounts/login/');
  });

  test('"log out other sessions" asks for the password when stale', async () => {
    const laptop = await loggedIn();
    const phone = await loggedIn();
    goStale();
    const refused = await laptop.submit('/accounts/sessions/', '/accounts/sessions/logout-others/', {});
    expect(refused.headers.get('location')).toBe('/accounts/reauthenticate/?next=/accounts/sessions/');
    expect((await phone.get('/dashboard/')).status).toBe(200);
    await reauthenticate(laptop, PASSWORD, '/accounts/sessions/');
    await laptop.submit('/accounts/sessions/', '/accounts/sessions/logout-others/', {});
    expect((await phone.get('/dashboard/')).status).toBe(302);
    expect((await laptop.get('/dashboard/')).status).toBe(200);
  });
});
