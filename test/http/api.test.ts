import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import type { Browser } from '../support/browser.js';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp();
  await t.createUser('alice', 'correct horse battery');
});
afterEach(() => t.close());

async function csrf(browser: Browser): Promise<string> {
  const response = await browser.get('/api/csrf/');
  expect(response.status).toBe(200);
  const body = (await response.json()) as { csrfToken: string };
  expect(body.csrfToken).toMatch(/^[A-Za-z0-9]{64}$/);
  expect(browser.cookie('csrftoken')).not.toBeNull();
  return body.csrfToken;
}

async function apiLogin(browser: Browser): Promise<Response> {
  const token = await csrf(browser);
  return browser.post('/api/login/', {
    json: { username: 'alice', password: 'correct horse battery' },
    headers: { 'x-csrftoken': token },
  });
}

describe('JSON API', () => {
  test('GET /api/me/ is 401 with an error body when anonymous', async () => {
    const response = await t.browser().get('/api/me/');
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: expect.any(String) });
  });

  test('login with the X-CSRFToken header sets a session; /api/me/ shows the user without secrets', async () => {
    const browser = t.browser();
    const response = await apiLogin(browser);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { user: Record<string, unknown> };
    expect(body.user.username).toBe('alice');
    expect(JSON.stringify(body)).not.toMatch(/pbkdf2|argon2|password/);
    expect(browser.cookie('sessionid')).toMatch(/^[a-z0-9]{32}$/);
    const me = await browser.get('/api/me/');
    expect(me.status).toBe(200);
    expect(((await me.json()) as { user: { username: string } }).user.username).toBe('alice');
    expect(me.headers.get('cache-control')).toMatch(/no-store/);
  });

  test('login without the CSRF header is 403 with a JSON error', async () => {
    const browser = t.browser();
    await csrf(browser);
    const response = await browser.post('/api/login/', {
      json: { username: 'alice', password: 'correct horse battery' },
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: expect.any(String) });
  });

  test('bad credentials are 401; missing fields and malformed JSON are 400', async () => {
    const browser = t.browser();
    const token = await csrf(browser);
    const headers = { 'x-csrftoken': token };
    expect(
      (await browser.post('/api/login/', { json: { username: 'alice', password: 'nope' }, headers })).status,
    ).toBe(401);
    expect((await browser.post('/api/login/', { json: { username: 'alice' }, headers })).status).toBe(400);
    expect((await browser.post('/api/login/', { json: ['alice'], headers })).status).toBe(400);
    const malformed = await browser.post('/api/login/', {
      body: '{"username": "alice",',
      headers: { ...headers, 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({ error: expect.any(String) });
  });

  test('logout with the header flushes the session server-side; the old cookie is dead', async () => {
    const browser = t.browser();
    await apiLogin(browser);
    const key = browser.cookie('sessionid') as string;
    const token = await csrf(browser);
    const response = await browser.post('/api/logout/', { headers: { 'x-csrftoken': token } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ message: 'Logged out successfully' });
    expect(browser.cookie('sessionid')).toBeNull();
    expect(await t.runtime.latchkey.engine.store.exists(key)).toBe(false);
    const replay = await t.browser().get('/api/me/', { headers: { cookie: `sessionid=${key}` } });
    expect(replay.status).toBe(401);
  });

  test('logout without the header is 403 and the session survives', async () => {
    const browser = t.browser();
    await apiLogin(browser);
    expect((await browser.post('/api/logout/')).status).toBe(403);
    expect((await browser.get('/api/me/')).status).toBe(200);
  });
});
