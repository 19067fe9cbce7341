import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { hashToken } from '../../src/auth/tokens/repository.js';
import { startTestApp, type TestApp } from '../support/app.js';
import type { Browser } from '../support/browser.js';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp();
  await t.createUser('alice', 'correct horse battery');
});
afterEach(() => t.close());

async function csrfHeader(browser: Browser): Promise<Record<string, string>> {
  const { csrfToken } = (await (await browser.get('/api/csrf/')).json()) as { csrfToken: string };
  return { 'x-csrftoken': csrfToken };
}

async function newToken(): Promise<{ browser: Browser; token: string }> {
  const browser = t.browser();
  await browser.login('alice', 'correct horse battery');
  const response = await browser.post('/api/tokens/', { headers: await csrfHeader(browser) });
  expect(response.status).toBe(201);
  const { token } = (await response.json()) as { token: string };
  return { browser, token };
}

const auth = (token: string, scheme = 'Token') => ({ headers: { authorization: `${scheme} ${token}` } });

describe('API tokens', () => {
  test('POST /api/tokens/ needs a logged-in user and the CSRF header', async () => {
    const anonymous = t.browser();
    expect((await anonymous.post('/api/tokens/', { headers: await csrfHeader(anonymous) })).status).toBe(401);
    const browser = t.browser();
    await browser.login('alice', 'correct horse battery');
    expect((await browser.post('/api/tokens/')).status).toBe(403);
  });

  test('a token authenticates with Token or Bearer, without cookies or CSRF', async () => {
    const { token } = await newToken();
    expect(token).toMatch(/^[A-Za-z0-9]{40}$/);
    for (const scheme of ['Token', 'Bearer', 'token']) {
      const me = await t.browser().get('/api/me/', auth(token, scheme));
      expect(me.status).toBe(200);
      expect(((await me.json()) as { user: { username: string } }).user.username).toBe('alice');
    }
  });

  test('INVARIANTS 9: the token is stored only as a hash', async () => {
    const { token } = await newToken();
    const rows = await t.runtime.db.selectFrom('latchkey_token').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.key_hash).toBe(hashToken(token));
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  test('a malformed or unknown token is 401, never a fallback to the session cookie', async () => {
    const { browser } = await newToken();
    for (const value of ['Token nope', `Token ${'A'.repeat(40)}`, 'Bearer ', 'Token a b']) {
      const me = await browser.get('/api/me/', { headers: { authorization: value } });
      expect(me.status, value).toBe(401);
    }
  });

  test('POST /api/logout/ with a token revokes that token only', async () => {
    const { token } = await newToken();
    const { token: other } = await newToken();
    const response = await t.browser().post('/api/logout/', auth(token));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ message: 'Logged out successfully' });
    expect((await t.browser().get('/api/me/', auth(token))).status).toBe(401);
    expect((await t.browser().get('/api/me/', auth(other))).status).toBe(200);
  });

  test('a password change revokes every token', async () => {
    const { browser, token } = await newToken();
    await browser.submit('/accounts/password_change/', '/accounts/password_change/', {
      old_password: 'correct horse battery',
      new_password1: 'a brand new secret',
      new_password2: 'a brand new secret',
    });
    expect((await t.browser().get('/api/me/', auth(token))).status).toBe(401);
  });

  test('log out other sessions revokes tokens too', async () => {
    const { browser, token } = await newToken();
    await browser.submit('/accounts/sessions/', '/accounts/sessions/logout-others/', {});
    expect((await t.browser().get('/api/me/', auth(token))).status).toBe(401);
    expect((await browser.get('/api/me/')).status).toBe(200);
  });

  test('a token of a deactivated user stops working', async () => {
    const { token } = await newToken();
    const alice = await t.runtime.users.getByUsername('alice');
    await t.runtime.users.setFlags(alice?.id as string, { isActive: false });
    expect((await t.browser().get('/api/me/', auth(token))).status).toBe(401);
  });
});
