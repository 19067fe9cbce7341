/**
 * Secret rotation end to end (Django's SECRET_KEY_FALLBACKS): the app is restarted on one
 * database with key A, then B with A as a fallback, then B alone. What A signed keeps working
 * while A is a fallback and stops when it is removed; what was touched in between has moved to B.
 * CSRF secrets are random per browser and never signed (Django's design), so a rotation does
 * not touch them: what rotates them is every login (rotate_token).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sessionAuthHash } from '../../src/auth/session-hash.js';
import { createManualClock } from '../../src/core/clock.js';
import { createMemoryLogger } from '../../src/core/logger.js';
import { AUTH_HASH_KEY } from '../../src/http/context.js';
import { createSignedCodec } from '../../src/sessions/codec.js';
import { Browser, csrfFieldOf } from '../support/browser.js';
import { type Harness, startHarness } from './harness.js';

const KEY_A = 'rotation-key-A-0123456789-0123456789-0123456789-0123456789';
const KEY_B = 'rotation-key-B-9876543210-9876543210-9876543210-9876543210';

let dir: string;
const clock = createManualClock(new Date('2026-05-01T10:00:00Z'));
let current: Harness;

/** Restarts the app on the same database and clock with other keys. */
async function restart(secret: string, fallbacks: string[]): Promise<void> {
  await current?.close();
  current = await startHarness({
    dir,
    clock,
    settings: { SECRET_KEY: secret, SECRET_KEY_FALLBACKS: fallbacks },
  });
}

/** A browser that follows the app across restarts, as a real one follows a server. */
function browser(): Browser {
  return new Browser((request) => current.app.request(request));
}

/** The session data stored under `key`, verified with `secret` only (`null` when it does not verify). */
async function storedWith(secret: string, key: string): Promise<Record<string, unknown> | null> {
  const record = await current.runtime.latchkey.engine.store.load(key);
  if (record === null) return null;
  return createSignedCodec({ secret, clock, logger: createMemoryLogger() }).decode(record.data);
}

async function loggedIn(b: Browser): Promise<boolean> {
  const response = await b.get('/dashboard/');
  return response.status === 200;
}

/** Logs out through the form; the "logged out" message waits in the messages cookie (no redirect followed). */
async function logoutKeepingMessage(b: Browser): Promise<void> {
  const response = await b.logout();
  expect(response.status).toBe(302);
  expect(b.cookie('messages')).not.toBeNull();
}

async function showsLoggedOutMessage(b: Browser): Promise<boolean> {
  return /logged out/i.test(await (await b.get('/accounts/login/')).text());
}

// Browsers made under key A: some come back while A is a fallback, some only after it is gone.
const during = { session: browser(), message: browser(), csrf: browser() };
const after = { session: browser(), message: browser(), csrf: browser() };
const csrfTokens = new Map<Browser, string>();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'latchkey-rotation-'));
  await restart(KEY_A, []);
  await current.createUser('alice', 'correct horse battery');
  for (const group of [during, after]) {
    await group.session.login('alice', 'correct horse battery');
    await group.session.submit('/cart/', '/cart/add/', { item: 'signed with A' });
    await group.message.login('alice', 'correct horse battery');
    await logoutKeepingMessage(group.message);
    csrfTokens.set(
      group.csrf,
      csrfFieldOf(await (await group.csrf.get('/accounts/login/')).text()) as string,
    );
  }
});
afterAll(async () => {
  await current.close();
  await rm(dir, { recursive: true, force: true });
});

describe('rotation: A, then B with fallback A, then B alone', () => {
  test('with A as a fallback: still logged in, the session moves to a new key signed with B, auth hash re-hashed to B', async () => {
    await restart(KEY_B, [KEY_A]);
    const before = during.session.cookie('sessionid') as string;
    expect(await storedWith(KEY_B, before)).toBeNull();
    expect(await storedWith(KEY_A, before)).not.toBeNull();
    expect(await loggedIn(during.session)).toBe(true);
    const moved = during.session.cookie('sessionid') as string;
    expect(moved).not.toBe(before);
    expect(await current.runtime.latchkey.engine.store.exists(before)).toBe(false);
    const data = await storedWith(KEY_B, moved);
    const alice = await current.runtime.users.getByUsername('alice');
    expect(data?.[AUTH_HASH_KEY]).toBe(sessionAuthHash(alice as NonNullable<typeof alice>, KEY_B));
    expect(await (await during.session.get('/cart/')).text()).toContain('signed with A');
  });

  test('with A as a fallback: a message signed with A is still shown', async () => {
    expect(await showsLoggedOutMessage(during.message)).toBe(true);
  });

  test('with A as a fallback: a CSRF token issued under A passes', async () => {
    const response = await during.csrf.post('/accounts/login/', {
      form: {
        csrfmiddlewaretoken: csrfTokens.get(during.csrf) as string,
        username: 'alice',
        password: 'correct horse battery',
      },
    });
    expect(response.status).toBe(302);
  });

  test('with B alone: the session re-signed during the overlap lives on', async () => {
    await restart(KEY_B, []);
    expect(await loggedIn(during.session)).toBe(true);
  });

  test('with B alone: a session last signed with A is over — logged out, cookie deleted, logged as corrupted', async () => {
    const key = after.session.cookie('sessionid') as string;
    const response = await after.session.get('/dashboard/');
    expect(response.status).toBe(302);
    expect(after.session.cookie('sessionid')).toBeNull();
    expect(await current.runtime.latchkey.engine.store.exists(key)).toBe(false);
    expect(current.logger.events.some((e) => e.event === 'security.session_corrupted')).toBe(true);
    expect(JSON.stringify(current.logger.events)).not.toContain(key);
  });

  test('with B alone: a message signed with A is dropped', async () => {
    expect(await showsLoggedOutMessage(after.message)).toBe(false);
  });

  test('with B alone: a CSRF token from the A era still passes — CSRF secrets are not signed, a login rotates them', async () => {
    const token = csrfTokens.get(after.csrf) as string;
    const secret = after.csrf.cookie('csrftoken');
    const response = await after.csrf.post('/accounts/login/', {
      form: { csrfmiddlewaretoken: token, username: 'alice', password: 'correct horse battery' },
    });
    expect(response.status).toBe(302);
    expect(after.csrf.cookie('csrftoken')).not.toBe(secret);
  });
});
