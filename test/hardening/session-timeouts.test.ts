import { afterEach, describe, expect, test } from 'vitest';
import { createManualClock, type ManualClock } from '../../src/core/clock.js';
import { createMemoryLogger } from '../../src/core/logger.js';
import { createSignedCodec } from '../../src/sessions/codec.js';
import { createSessionEngine, type SessionEngine, type SessionPolicy } from '../../src/sessions/session.js';
import type { SessionRecord } from '../../src/sessions/store.js';
import { ACTIVITY_KEY, activityInterval, CREATED_KEY } from '../../src/sessions/timeouts.js';
import { MemorySessionStore } from '../../src/stores/memory.js';
import { TEST_SECRET } from '../support/app.js';
import { type Harness, startHarness } from './harness.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** A real memory store that counts writes. */
class CountingStore extends MemorySessionStore {
  saves = 0;
  override async save(key: string, record: SessionRecord): Promise<void> {
    this.saves++;
    return super.save(key, record);
  }
}

function engineWith(policy: Partial<SessionPolicy>): {
  engine: SessionEngine;
  store: CountingStore;
  clock: ManualClock;
} {
  const clock = createManualClock();
  const store = new CountingStore({ clock });
  const codec = createSignedCodec({ secret: TEST_SECRET, clock, logger: createMemoryLogger() });
  const engine = createSessionEngine({
    store,
    codec,
    clock,
    policy: { cookieAge: 1_209_600, expireAtBrowserClose: false, ...policy },
  });
  return { engine, store, clock };
}

/** One request that reads the session and saves it when it changed, as the HTTP layer does. */
async function visit(engine: SessionEngine, key: string | null): Promise<string | null> {
  const session = engine.open(key);
  await session.load();
  if (session.modified && !session.isEmpty) await session.save();
  return session.key;
}

async function newSession(engine: SessionEngine): Promise<string> {
  const session = engine.open(null);
  await session.set('cart', ['apple']);
  await session.save();
  return session.key as string;
}

describe('absolute timeout (SESSION_ABSOLUTE_TIMEOUT)', () => {
  test('ends a session at its cap however active it is: it loads empty and its record is deleted', async () => {
    const { engine, store, clock } = engineWith({ absoluteTimeout: 3600 });
    const key = await newSession(engine);
    for (let minute = 1; minute < 60; minute++) {
      clock.advance(MINUTE);
      expect(await visit(engine, key)).toBe(key);
    }
    clock.advance(MINUTE);
    const session = engine.open(key);
    expect(await session.entries()).toEqual({});
    expect(session.key).toBeNull();
    expect(await store.exists(key)).toBe(false);
  });

  test('the record and the cookie expiry never reach past the cap', async () => {
    const { engine, store, clock } = engineWith({ absoluteTimeout: 3600 });
    const key = await newSession(engine);
    expect((await store.load(key))?.expiresAt.getTime()).toBe(clock.now() + 3600 * SECOND);
    clock.advance(1000 * SECOND);
    const session = engine.open(key);
    await session.set('cart', ['apple', 'pear']);
    await session.save();
    expect(await session.getExpiryAge()).toBe(2600);
    expect((await session.getExpiryDate()).getTime()).toBe(clock.now() + 2600 * SECOND);
    expect((await store.load(key))?.expiresAt.getTime()).toBe(clock.now() + 2600 * SECOND);
    await session.setExpiry(new Date(clock.now() + 86_400 * SECOND));
    expect(await session.getExpiryAge()).toBe(2600);
  });

  test('a new key (login) restarts it; clearing the data does not', async () => {
    const { engine, clock } = engineWith({ absoluteTimeout: 3600 });
    const key = await newSession(engine);
    clock.advance(3000 * SECOND);
    const login = engine.open(key);
    await login.cycleKey();
    const loggedIn = login.key as string;
    clock.advance(3000 * SECOND);
    expect(await visit(engine, loggedIn)).toBe(loggedIn);
    const cleared = engine.open(loggedIn);
    await cleared.clear();
    await cleared.save();
    clock.advance(600 * SECOND);
    expect(await visit(engine, loggedIn)).toBeNull();
  });

  test('a session from before the timeout was enabled starts its clock at its first load', async () => {
    const { engine: before, store, clock } = engineWith({});
    const key = await newSession(before);
    const codec = createSignedCodec({ secret: TEST_SECRET, clock, logger: createMemoryLogger() });
    const after = createSessionEngine({
      store,
      codec,
      clock,
      policy: { cookieAge: 1_209_600, expireAtBrowserClose: false, absoluteTimeout: 3600 },
    });
    clock.advance(86_400 * SECOND);
    expect(await visit(after, key)).toBe(key);
    expect(codec.decode((await store.load(key))?.data as string)?.[CREATED_KEY]).toBe(clock.now() / 1000);
    clock.advance(3600 * SECOND);
    expect(await visit(after, key)).toBeNull();
  });
});

describe('changing the policy', () => {
  test('a tightened timeout applies to existing sessions at once, whatever their stored expiry', async () => {
    const { engine: loose, store, clock } = engineWith({ absoluteTimeout: 8 * 3600, idleTimeout: 3600 });
    const key = await newSession(loose);
    expect((await store.load(key))?.expiresAt.getTime()).toBe(clock.now() + 3600 * SECOND);
    const codec = createSignedCodec({ secret: TEST_SECRET, clock, logger: createMemoryLogger() });
    const strict = (policy: Partial<SessionPolicy>): SessionEngine =>
      createSessionEngine({
        store,
        codec,
        clock,
        policy: { cookieAge: 1_209_600, expireAtBrowserClose: false, ...policy },
      });
    clock.advance(20 * MINUTE);
    expect(await visit(strict({ absoluteTimeout: 8 * 3600, idleTimeout: 3600 }), key)).toBe(key);
    clock.advance(20 * MINUTE);
    // The record is still live in the store, but the new idle timeout (15 minutes) has passed.
    expect(await store.exists(key)).toBe(true);
    expect(await visit(strict({ absoluteTimeout: 8 * 3600, idleTimeout: 900 }), key)).toBeNull();
    expect(await store.exists(key)).toBe(false);
  });
});

describe('idle timeout (SESSION_IDLE_TIMEOUT)', () => {
  test('a session used more often than the timeout lives on; one left alone for it ends', async () => {
    const { engine, clock } = engineWith({ idleTimeout: 900 });
    const key = await newSession(engine);
    for (let i = 0; i < 20; i++) {
      clock.advance(800 * SECOND);
      expect(await visit(engine, key)).toBe(key);
    }
    clock.advance(900 * SECOND);
    expect(await visit(engine, key)).toBeNull();
  });

  test('INVARIANTS 12: activity is written at most once per interval, so idle reads stay write-free', async () => {
    const { engine, store, clock } = engineWith({ idleTimeout: 900 });
    expect(activityInterval(900)).toBe(60);
    const key = await newSession(engine);
    for (let i = 0; i < 10; i++) {
      clock.advance(5 * SECOND);
      await visit(engine, key);
    }
    expect(store.saves).toBe(0);
    clock.advance(10 * SECOND);
    await visit(engine, key);
    expect(store.saves).toBe(1);
  });

  test('the trade-off, bounded: a session may end up to one interval early, never late', async () => {
    const { engine, clock } = engineWith({ idleTimeout: 900 });
    const key = await newSession(engine);
    clock.advance(59 * SECOND);
    await visit(engine, key); // within the interval: the stamp stays at 0
    clock.advance((900 - 59) * SECOND);
    expect(await visit(engine, key)).toBeNull();
    const other = await newSession(engine);
    clock.advance(899 * SECOND);
    expect(await visit(engine, other)).toBe(other);
  });

  test('the record expires with the idle deadline, so stores drop idle sessions themselves', async () => {
    const { engine, store, clock } = engineWith({ idleTimeout: 900 });
    const key = await newSession(engine);
    expect((await store.load(key))?.expiresAt.getTime()).toBe(clock.now() + 900 * SECOND);
    const session = engine.open(key);
    expect((await session.entries())[ACTIVITY_KEY]).toBe(clock.now() / 1000);
  });
});

describe('through the HTTP app', () => {
  let h: Harness;
  afterEach(() => h.close());

  test('logged in, then past the absolute cap: logged out, cookie deleted, even with SAVE_EVERY_REQUEST', async () => {
    h = await startHarness({
      settings: { SESSION_ABSOLUTE_TIMEOUT: 8 * 3600, SESSION_SAVE_EVERY_REQUEST: true },
    });
    await h.createUser('alice', 'correct horse battery');
    const browser = h.browser();
    await browser.login('alice', 'correct horse battery');
    const key = browser.cookie('sessionid') as string;
    expect(browser.cookies.get('sessionid')?.attributes).toMatch(/Max-Age=28800\b/);
    for (let hour = 1; hour < 8; hour++) {
      h.clock.advance(3600 * SECOND);
      const page = await browser.get('/dashboard/');
      expect(page.status).toBe(200);
      // SAVE_EVERY_REQUEST re-sends the cookie each time, counting down to the cap.
      expect(browser.cookies.get('sessionid')?.attributes).toMatch(
        new RegExp(`Max-Age=${(8 - hour) * 3600}\\b`),
      );
    }
    h.clock.advance(3600 * SECOND);
    const page = await browser.get('/dashboard/');
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe('/accounts/login/?next=/dashboard/');
    expect(browser.cookie('sessionid')).toBeNull();
    expect(await h.runtime.latchkey.engine.store.exists(key)).toBe(false);
  });

  test('idle: a user who stays away longer than SESSION_IDLE_TIMEOUT must log in again', async () => {
    h = await startHarness({ settings: { SESSION_IDLE_TIMEOUT: 1800 } });
    await h.createUser('alice', 'correct horse battery');
    const browser = h.browser();
    await browser.login('alice', 'correct horse battery');
    expect(browser.cookies.get('sessionid')?.attributes).toMatch(/Max-Age=1800\b/);
    h.clock.advance(1700 * SECOND);
    expect((await browser.get('/dashboard/')).status).toBe(200);
    h.clock.advance(1700 * SECOND);
    expect((await browser.get('/dashboard/')).status).toBe(200);
    h.clock.advance(1800 * SECOND);
    expect((await browser.get('/dashboard/')).status).toBe(302);
  });
});
