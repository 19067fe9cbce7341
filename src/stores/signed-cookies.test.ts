import { randomBytes } from 'node:crypto';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { describe, expect, test } from 'vitest';
import { createManualClock } from '../core/clock.js';
import { parseCookies } from '../core/cookies.js';
import { ConfigurationError, LatchkeyError, UpdateError } from '../core/errors.js';
import { createMemoryLogger } from '../core/logger.js';
import { defineSettings } from '../core/settings.js';
import { migrateToLatest } from '../db/migrate.js';
import type { Database } from '../db/schema.js';
import { fromWebRequest } from '../http/request.js';
import { createLatchkey } from '../latchkey.js';
import { generateSessionKey } from '../sessions/keys.js';
import type { SessionRecord } from '../sessions/store.js';
import { openSessionStore } from './from-settings.js';
import { MemoryRevocationRegistry } from './revocation.js';
import { SessionCookieTooLargeError, SignedCookieSessionStore } from './signed-cookies.js';

const SECRET = 'signed-cookie-test-secret-that-is-long-enough-0123456789abcdef';
const HOUR = 3_600_000;

function setup(options: { secret?: string; fallbacks?: string[] } = {}) {
  const clock = createManualClock(new Date('2026-03-01T12:00:00.000Z'));
  const registry = new MemoryRevocationRegistry({ clock });
  const store = new SignedCookieSessionStore({
    secret: options.secret ?? SECRET,
    fallbacks: options.fallbacks ?? [],
    registry,
    clock,
  });
  const record = (overrides: Partial<SessionRecord> = {}): SessionRecord => ({
    data: 'payload',
    expiresAt: new Date(clock.now() + HOUR),
    userId: 'alice',
    ...overrides,
  });
  /** Creates a session as a request would and returns the cookie value the browser receives. */
  async function issue(r: SessionRecord = record()): Promise<{ key: string; cookie: string }> {
    const key = generateSessionKey();
    const view = store.forRequest(null);
    await view.create(key, r);
    return { key, cookie: view.cookieValue(key) as string };
  }
  return { clock, registry, store, record, issue };
}

describe('SignedCookieSessionStore: the cookie', () => {
  test('carries the key and the whole record; the server needs nothing else to load it', async () => {
    const { store, issue, record } = setup();
    const { key, cookie } = await issue(record({ data: 'cart=apple' }));
    expect(cookie.startsWith(`${key}.`)).toBe(true);
    const loaded = await store.load(cookie);
    expect(loaded).toMatchObject({ data: 'cart=apple', userId: 'alice' });
    expect(store.forRequest(cookie).key).toBe(key);
  });

  test('INVARIANTS 2: a tampered, re-keyed or foreign-secret cookie carries no session', async () => {
    const { store, issue } = setup();
    const { cookie } = await issue();
    const dot = cookie.indexOf('.');
    const flipped = `${cookie.slice(0, -1)}${cookie.endsWith('A') ? 'B' : 'A'}`;
    const rekeyed = `${generateSessionKey()}${cookie.slice(dot)}`;
    const other = await setup({ secret: 'another-secret-that-is-also-long-enough-0123456789' }).issue();
    for (const forged of [flipped, rekeyed, other.cookie, 'not-a-cookie', cookie.slice(0, dot)]) {
      expect(store.forRequest(forged).key).toBeNull();
      expect(await store.exists(forged)).toBe(false);
    }
  });

  test('a cookie signed with a secret now in SECRET_KEY_FALLBACKS still loads (key rotation)', async () => {
    const old = setup({ secret: 'the-old-secret-that-is-long-enough-for-rotation-0123' });
    const { cookie } = await old.issue();
    const rotated = setup({ fallbacks: ['the-old-secret-that-is-long-enough-for-rotation-0123'] });
    expect(await rotated.store.exists(cookie)).toBe(true);
  });

  test('a session too large for a cookie is refused with a 413, never truncated', async () => {
    const { store, record } = setup();
    const view = store.forRequest(null);
    const key = generateSessionKey();
    // Random data does not compress: 5,000 bytes of it cannot fit in 4,096.
    const data = randomBytes(3750).toString('base64');
    const error = await view.create(key, record({ data })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionCookieTooLargeError);
    expect((error as SessionCookieTooLargeError).status).toBe(413);
    expect(view.cookieValue(key)).toBeNull();
  });
});

describe('SignedCookieSessionStore: revocation of copied cookies', () => {
  test('ASVS 7.4.1: after logout a copy of the cookie loads as nothing', async () => {
    const { store, issue } = setup();
    const { key, cookie } = await issue();
    const copy = cookie;
    const view = store.forRequest(cookie);
    await view.delete(key);
    expect(await store.load(copy)).toBeNull();
    await expect(
      store.forRequest(copy).save(key, { data: 'x', expiresAt: new Date(), userId: null }),
    ).rejects.toBeInstanceOf(UpdateError);
  });

  test('INVARIANTS 5: log out everywhere kills every cookie of the user, spares `except`, not others', async () => {
    const { store, issue, record } = setup();
    const laptop = await issue();
    const phone = await issue();
    const bob = await issue(record({ userId: 'bob' }));
    expect(await store.deleteUserSessions('alice', { except: laptop.key })).toBe(0);
    expect(await store.exists(phone.cookie)).toBe(false);
    expect(await store.exists(laptop.cookie)).toBe(true);
    expect(await store.exists(bob.cookie)).toBe(true);
    await store.deleteUserSessions('alice');
    expect(await store.exists(laptop.cookie)).toBe(false);
    expect(await store.listUserSessions('alice')).toEqual([]);
  });

  test('INVARIANTS 1: a request that loaded its session before a log-out-everywhere cannot save it back', async () => {
    const { store, issue, record } = setup();
    const { key, cookie } = await issue();
    const request = store.forRequest(cookie);
    expect(await request.load(key)).not.toBeNull();
    await store.deleteUserSessions('alice');
    await expect(request.save(key, record({ data: 'late write' }))).rejects.toBeInstanceOf(UpdateError);
  });

  test('a session saved later keeps its issue epoch: a new login after the bump is unaffected', async () => {
    const { store, issue } = setup();
    await store.deleteUserSessions('alice');
    const { cookie } = await issue();
    expect(await store.exists(cookie)).toBe(true);
  });

  test('app-wide create and save are refused: a client-side record only exists in a cookie', async () => {
    const { store, record } = setup();
    await expect(store.create(generateSessionKey(), record())).rejects.toBeInstanceOf(LatchkeyError);
    await expect(store.save(generateSessionKey(), record())).rejects.toBeInstanceOf(LatchkeyError);
  });
});

describe('SignedCookieSessionStore in the request pipeline', () => {
  const users = {
    getById: async () => null,
    getByUsername: async () => null,
    setPassword: async () => undefined,
    updateLastLogin: async () => undefined,
    hasPerm: async () => false,
  };

  function app() {
    const { store, clock } = setup();
    const settings = defineSettings({ DEBUG: true, ALLOWED_HOSTS: ['localhost'], SECRET_KEY: SECRET });
    const latchkey = createLatchkey({
      settings,
      sessionStore: store,
      users,
      clock,
      logger: createMemoryLogger(),
    });
    async function request(
      cookie: string | null,
      view: (s: ReturnType<typeof latchkey.begin>['session']) => Promise<void>,
    ) {
      const headers: Record<string, string> = cookie === null ? {} : { cookie: `sessionid=${cookie}` };
      const ctx = latchkey.begin(
        fromWebRequest(new Request('http://localhost/', { headers }), { maxBodySize: 1024 }),
      );
      await view(ctx.session);
      const response = await latchkey.finish(ctx, new Response('ok'));
      const set = response.headers.getSetCookie().find((c) => c.startsWith('sessionid='));
      return {
        response,
        cookie: set === undefined ? null : (parseCookies(set.split(';')[0]).get('sessionid') ?? ''),
      };
    }
    return { latchkey, store, request };
  }

  test('the session travels in the cookie and comes back on the next request', async () => {
    const { request } = app();
    const first = await request(null, (s) => s.set('cart', ['apple']));
    expect(first.cookie).toMatch(/^[a-z0-9]{32}\..+/);
    let cart: unknown;
    await request(first.cookie, async (s) => {
      cart = await s.get('cart');
    });
    expect(cart).toEqual(['apple']);
  });

  test('after flush (logout) a replayed copy of the cookie is an empty session and is deleted', async () => {
    const { request } = app();
    const { cookie } = await request(null, (s) => s.set('cart', ['apple']));
    const loggedOut = await request(cookie, (s) => s.flush());
    expect(loggedOut.cookie).toBe('');
    let replayed: unknown;
    const again = await request(cookie, async (s) => {
      replayed = await s.entries();
    });
    expect(replayed).toEqual({});
    expect(again.cookie).toBe('');
  });

  test('a session too large for a cookie answers 413, not a 500', async () => {
    const { request } = app();
    const big = randomBytes(4500).toString('base64');
    const { response } = await request(null, (s) => s.set('blob', big));
    expect(response.status).toBe(413);
  });
});

describe('SESSION_ENGINE=signed_cookies', () => {
  test('opens the store with the SQL revocation registry on the app’s database, and needs the secret', async () => {
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
    await migrateToLatest(db);
    const clock = createManualClock(new Date('2026-03-01T12:00:00.000Z'));
    const options = { engine: 'signed_cookies' as const, db, redisUrl: 'redis://unused', clock };
    await expect(openSessionStore(options)).rejects.toBeInstanceOf(ConfigurationError);
    const store = await openSessionStore({ ...options, signing: { secret: SECRET } });
    expect(store).toBeInstanceOf(SignedCookieSessionStore);
    const view = (store as SignedCookieSessionStore).forRequest(null);
    const key = generateSessionKey();
    await view.create(key, { data: 'd', expiresAt: new Date(clock.now() + HOUR), userId: 'alice' });
    const cookie = view.cookieValue(key) as string;
    await store.delete(cookie);
    // The denial is a row in the app's database: another store instance refuses the copy too.
    const again = await openSessionStore({ ...options, signing: { secret: SECRET } });
    expect(await again.exists(cookie)).toBe(false);
    await db.destroy();
  });
});
