import { beforeEach, describe, expect, test } from 'vitest';
import { createManualClock, type ManualClock } from '../core/clock.js';
import {
  CreateError,
  LatchkeyError,
  SessionInterruptedError,
  StoreUnavailableError,
  UpdateError,
} from '../core/errors.js';
import { createMemoryLogger, type MemoryLogger } from '../core/logger.js';
import { MemorySessionStore } from '../stores/memory.js';
import { createSignedCodec } from './codec.js';
import {
  AUTH_USER_ID_KEY,
  createSessionEngine,
  EXPIRY_KEY,
  type SessionEngine,
  type SessionPolicy,
} from './session.js';
import type { DeleteUserSessionsOptions, SessionRecord, SessionStore, StoredSession } from './store.js';

const SECRET = 'session-test-secret-0123456789-0123456789-01234567';
const AGE = 1_209_600;
const DAY = 86_400_000;

/** A real store, counted: each primitive delegates to `inner` and records its name. */
class CountingStore implements SessionStore {
  readonly calls: string[] = [];
  /** Set to make every call fail as a database that cannot answer would. */
  down = false;
  /** How many of the next `create` calls report a taken key. */
  collisions = 0;
  constructor(readonly inner: SessionStore) {}
  #call(name: string): void {
    this.calls.push(name);
    if (this.down) throw new StoreUnavailableError('database unreachable');
  }
  async load(key: string): Promise<SessionRecord | null> {
    this.#call('load');
    return this.inner.load(key);
  }
  async exists(key: string): Promise<boolean> {
    this.#call('exists');
    return this.inner.exists(key);
  }
  async create(key: string, record: SessionRecord): Promise<void> {
    this.#call('create');
    if (this.collisions > 0 && this.collisions--) throw new CreateError();
    return this.inner.create(key, record);
  }
  async save(key: string, record: SessionRecord): Promise<void> {
    this.#call('save');
    return this.inner.save(key, record);
  }
  async delete(key: string): Promise<void> {
    this.#call('delete');
    return this.inner.delete(key);
  }
  async clearExpired(): Promise<number> {
    this.#call('clearExpired');
    return this.inner.clearExpired();
  }
  async listUserSessions(userId: string): Promise<StoredSession[]> {
    this.#call('listUserSessions');
    return this.inner.listUserSessions(userId);
  }
  async deleteUserSessions(userId: string, options?: DeleteUserSessionsOptions): Promise<number> {
    this.#call('deleteUserSessions');
    return this.inner.deleteUserSessions(userId, options);
  }
  async close(): Promise<void> {
    return this.inner.close();
  }
}

let clock: ManualClock;
let memory: MemorySessionStore;
let store: CountingStore;
let logger: MemoryLogger;
let engine: SessionEngine;

function makeEngine(policy: Partial<SessionPolicy> = {}, storeClock: ManualClock = clock): void {
  memory = new MemorySessionStore({ clock: storeClock });
  store = new CountingStore(memory);
  engine = createSessionEngine({
    store,
    codec: createSignedCodec({ secret: SECRET, clock, logger }),
    clock,
    policy: { cookieAge: AGE, expireAtBrowserClose: false, ...policy },
  });
}

/** Saves a new session holding `data` and returns its key, with the call log cleared. */
async function seed(data: Record<string, unknown>): Promise<string> {
  const session = engine.open(null);
  for (const [name, value] of Object.entries(data)) await session.set(name, value);
  await session.save();
  store.calls.length = 0;
  return session.key as string;
}

beforeEach(() => {
  clock = createManualClock(new Date('2026-03-01T12:00:00Z'));
  logger = createMemoryLogger();
  makeEngine();
});

describe('lazy loading (INVARIANTS 12)', () => {
  test('a request without a cookie makes no store call', async () => {
    const session = engine.open(undefined);
    expect(await session.get('cart')).toBeUndefined();
    expect(await session.has('cart')).toBe(false);
    expect(await session.entries()).toEqual({});
    expect(session.isEmpty).toBe(true);
    expect(store.calls).toEqual([]);
  });

  test('nothing is loaded before the data is used, then exactly once', async () => {
    const key = await seed({ cart: ['apple'] });
    const session = engine.open(key);
    expect(session.key).toBe(key);
    expect(session.loaded).toBe(false);
    expect(store.calls).toEqual([]);
    const [a, b] = await Promise.all([session.get('cart'), session.has('cart')]);
    expect([a, b]).toEqual([['apple'], true]);
    await session.get('cart');
    expect(store.calls).toEqual(['load']);
    expect(session.loaded).toBe(true);
  });

  test('a malformed cookie value is never sent to the store', async () => {
    for (const value of ['../etc/passwd', 'A'.repeat(32), 'x', `${'a'.repeat(32)}\n`]) {
      const session = engine.open(value);
      expect(session.key).toBeNull();
      await session.get('x');
    }
    expect(store.calls).toEqual([]);
  });
});

describe('data and flags', () => {
  test('get/set/pop/delete/has/clear and the modified/accessed flags', async () => {
    const key = await seed({ a: 1, b: 2 });
    const session = engine.open(key);
    expect([session.accessed, session.modified]).toEqual([false, false]);
    expect(await session.get('a')).toBe(1);
    expect([session.accessed, session.modified]).toEqual([true, false]);
    expect(await session.pop('missing')).toBeUndefined();
    await session.delete('missing');
    expect(session.modified).toBe(false);
    await session.set('c', 3);
    expect(session.modified).toBe(true);
    expect(await session.pop('a')).toBe(1);
    await session.delete('b');
    expect(await session.has('a')).toBe(false);
    expect(await session.entries()).toEqual({ c: 3 });
    await session.save();
    expect(await engine.open(key).entries()).toEqual({ c: 3 });
  });

  test('clear empties the data but keeps the key and the record', async () => {
    const key = await seed({ a: 1 });
    const session = engine.open(key);
    await session.clear();
    expect(session.modified).toBe(true);
    expect(session.key).toBe(key);
    await session.save();
    expect(await engine.open(key).entries()).toEqual({});
    expect(await memory.exists(key)).toBe(true);
  });

  test('markModified flags an in-place change for saving', async () => {
    const key = await seed({ cart: ['apple'] });
    const session = engine.open(key);
    ((await session.get('cart')) as string[]).push('pear');
    expect(session.modified).toBe(false);
    session.markModified();
    expect(session.modified).toBe(true);
    await session.save();
    expect(await engine.open(key).get('cart')).toEqual(['apple', 'pear']);
  });

  test('names of Object.prototype are plain keys, never inherited values', async () => {
    const session = engine.open(null);
    expect(await session.get('constructor')).toBeUndefined();
    expect(await session.has('toString')).toBe(false);
    expect(await session.pop('hasOwnProperty')).toBeUndefined();
    await session.set('__proto__', { isAdmin: true });
    expect(await session.get('isAdmin')).toBeUndefined();
    expect(await session.get('__proto__')).toEqual({ isAdmin: true });
    await session.save();
    const again = engine.open(session.key);
    expect(await again.get('__proto__')).toEqual({ isAdmin: true });
    expect(await again.get('isAdmin')).toBeUndefined();
  });
});

describe('expiry (Django semantics)', () => {
  test('without setExpiry: the policy age, at the cookie age from now', async () => {
    const session = engine.open(null);
    expect(await session.getExpiryAge()).toBe(AGE);
    expect((await session.getExpiryDate()).getTime()).toBe(clock.now() + AGE * 1000);
    expect(await session.getExpireAtBrowserClose()).toBe(false);
  });

  test('seconds: age is the seconds, date counts from now or from `modification`', async () => {
    const session = engine.open(null);
    await session.setExpiry(300);
    expect(await session.get(EXPIRY_KEY)).toBe(300);
    expect(await session.getExpiryAge()).toBe(300);
    expect((await session.getExpiryDate()).getTime()).toBe(clock.now() + 300_000);
    expect((await session.getExpiryDate({ modification: 0 })).getTime()).toBe(300_000);
    expect(await session.getExpireAtBrowserClose()).toBe(false);
  });

  test('a Date: stored as ISO text, age counts down to it', async () => {
    const session = engine.open(null);
    const at = new Date(clock.now() + 3_600_500);
    await session.setExpiry(at);
    expect(await session.get(EXPIRY_KEY)).toBe(at.toISOString());
    expect(await session.getExpiryAge()).toBe(3600);
    expect((await session.getExpiryDate()).getTime()).toBe(at.getTime());
    clock.advance(1_800_000);
    expect(await session.getExpiryAge()).toBe(1800);
    expect(await session.getExpiryAge({ modification: at.getTime() - 10_000 })).toBe(10);
  });

  test('0: the cookie ends with the browser, the record keeps the cookie age', async () => {
    const session = engine.open(null);
    await session.setExpiry(0);
    expect(await session.getExpireAtBrowserClose()).toBe(true);
    expect(await session.getExpiryAge()).toBe(AGE);
    await session.save();
    const record = await memory.load(session.key as string);
    expect(record?.expiresAt.getTime()).toBe(clock.now() + AGE * 1000);
  });

  test('null: back to the policy, and a no-op when nothing was set', async () => {
    makeEngine({ expireAtBrowserClose: true });
    const session = engine.open(null);
    expect(await session.getExpireAtBrowserClose()).toBe(true);
    await session.setExpiry(null);
    expect(session.modified).toBe(false);
    await session.setExpiry(60);
    expect(await session.getExpireAtBrowserClose()).toBe(false);
    await session.setExpiry(null);
    expect(session.modified).toBe(true);
    expect(await session.has(EXPIRY_KEY)).toBe(false);
    expect(await session.getExpireAtBrowserClose()).toBe(true);
    expect(await session.getExpiryAge()).toBe(AGE);
  });

  test('refuses negative, infinite and invalid expiries', async () => {
    const session = engine.open(null);
    for (const bad of [-1, Number.POSITIVE_INFINITY, Number.NaN, new Date('nope')]) {
      await expect(session.setExpiry(bad)).rejects.toThrow(TypeError);
    }
  });

  test('sliding renewal: each save moves the record`s expiry forward with the clock', async () => {
    const key = await seed({ a: 1 });
    const first = (await memory.load(key))?.expiresAt.getTime();
    expect(first).toBe(clock.now() + AGE * 1000);
    clock.advance(DAY);
    const session = engine.open(key);
    await session.set('a', 2);
    await session.save();
    expect((await memory.load(key))?.expiresAt.getTime()).toBe((first as number) + DAY);
  });

  test('relative expiry slides with activity and lapses without it', async () => {
    const key = await seed({ [EXPIRY_KEY]: 300 });
    clock.advance(200_000);
    const active = engine.open(key);
    active.markModified();
    await active.save();
    expect((await memory.load(key))?.expiresAt.getTime()).toBe(clock.now() + 300_000);
    clock.advance(300_001);
    const late = engine.open(key);
    expect(await late.entries()).toEqual({});
    expect(late.key).toBeNull();
  });
});

describe('INVARIANTS 2: no adoption', () => {
  test('keys are 32 characters of [a-z0-9] and distinct', async () => {
    const keys = new Set<string>();
    for (let i = 0; i < 50; i++) keys.add(await seed({ i }));
    expect(keys.size).toBe(50);
    for (const key of keys) expect(key).toMatch(/^[a-z0-9]{32}$/);
  });

  test('a well-formed key the server never issued is dropped and replaced on save', async () => {
    const chosen = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
    const session = engine.open(chosen);
    await session.set('a', 1);
    expect(session.key).toBeNull();
    await session.save();
    expect(session.key).not.toBeNull();
    expect(session.key).not.toBe(chosen);
    expect(await memory.exists(chosen)).toBe(false);
  });

  test('an expired key is dropped and replaced on save', async () => {
    const key = await seed({ a: 1 });
    clock.advance(AGE * 1000);
    const session = engine.open(key);
    expect(await session.get('a')).toBeUndefined();
    expect(session.key).toBeNull();
    await session.set('b', 2);
    await session.save();
    expect(session.key).not.toBe(key);
    expect(await memory.exists(key)).toBe(false);
  });

  test('a record the store still returns after its expiry (clock skew) is not adopted', async () => {
    makeEngine({}, createManualClock(clock.now()));
    const key = await seed({ a: 1 });
    clock.advance(AGE * 1000 + 1);
    const session = engine.open(key);
    expect(await session.entries()).toEqual({});
    expect(session.key).toBeNull();
  });
});

describe('cycleKey and flush', () => {
  test('cycleKey moves the data to a new key and deletes the old record', async () => {
    const key = await seed({ cart: ['apple'] });
    const session = engine.open(key);
    await session.cycleKey();
    expect(session.key).not.toBe(key);
    expect(session.key).toMatch(/^[a-z0-9]{32}$/);
    expect(await session.get('cart')).toEqual(['apple']);
    expect(await memory.exists(key)).toBe(false);
    expect(await engine.open(session.key).get('cart')).toEqual(['apple']);
  });

  test('flush clears the data, deletes the record and drops the key', async () => {
    const key = await seed({ [AUTH_USER_ID_KEY]: '7' });
    const session = engine.open(key);
    await session.flush();
    expect(session.key).toBeNull();
    expect(session.isEmpty).toBe(true);
    expect(session.modified).toBe(true);
    expect(await session.entries()).toEqual({});
    expect(await memory.exists(key)).toBe(false);
    expect(await memory.listUserSessions('7')).toEqual([]);
  });
});

describe('INVARIANTS 1: no resurrection', () => {
  test('a save after a concurrent flush throws SessionInterruptedError and the record stays gone', async () => {
    const key = await seed({ a: 1 });
    const request = engine.open(key);
    await request.get('a');
    await engine.open(key).flush(); // a logout in a concurrent request
    await request.set('a', 2);
    const error = await request.save().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionInterruptedError);
    expect((error as SessionInterruptedError).status).toBe(400);
    expect((error as Error).cause).toBeInstanceOf(UpdateError);
    expect(await memory.exists(key)).toBe(false);
  });

  test('a save after "log out everywhere" deleted the record throws too', async () => {
    const key = await seed({ [AUTH_USER_ID_KEY]: 9 });
    const request = engine.open(key);
    await request.get(AUTH_USER_ID_KEY);
    expect(await memory.deleteUserSessions('9')).toBe(1);
    await request.set('a', 1);
    await expect(request.save()).rejects.toBeInstanceOf(SessionInterruptedError);
    expect(await memory.exists(key)).toBe(false);
  });
});

describe('corrupt data and failing stores', () => {
  test('a tampered payload gives an empty session and a security log without key or payload', async () => {
    const key = await seed({ [AUTH_USER_ID_KEY]: '1' });
    const record = (await memory.load(key)) as SessionRecord;
    const tampered = `x${record.data.slice(1)}`;
    await memory.save(key, { ...record, data: tampered });
    const session = engine.open(key);
    expect(await session.entries()).toEqual({});
    const events = logger.events.filter((e) => e.event === 'security.session_corrupted');
    expect(events).toHaveLength(1);
    expect(events[0]?.level).toBe('warn');
    const logged = JSON.stringify(logger.events);
    expect(logged).not.toContain(key);
    expect(logged).not.toContain(tampered);
    expect(logged).not.toContain(record.data);
  });

  test('INVARIANTS 10: an unavailable store makes load reject, never an empty session', async () => {
    const key = await seed({ [AUTH_USER_ID_KEY]: '1' });
    store.down = true;
    const session = engine.open(key);
    await expect(session.get(AUTH_USER_ID_KEY)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(session.load()).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(session.loaded).toBe(false);
    await expect(session.save()).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(logger.events).toEqual([]);
  });

  test('a key collision is retried with a fresh key; endless collisions fail loudly', async () => {
    store.collisions = 2;
    const session = engine.open(null);
    await session.set('a', 1);
    await session.save();
    expect(store.calls.filter((c) => c === 'create')).toHaveLength(3);
    expect(await memory.exists(session.key as string)).toBe(true);
    store.collisions = 100;
    const unlucky = engine.open(null);
    const error = await unlucky.save().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LatchkeyError);
    expect((error as LatchkeyError).code).toBe('LATCHKEY_KEY_SPACE');
    expect(unlucky.key).toBeNull();
  });
});

describe('the per-user index follows _auth_user_id', () => {
  test('on save: anonymous -> user -> another user -> anonymous', async () => {
    const session = engine.open(null);
    await session.set('a', 1);
    await session.save();
    const key = session.key as string;
    expect(await memory.listUserSessions('42')).toEqual([]);
    await session.set(AUTH_USER_ID_KEY, 42);
    await session.save();
    expect((await memory.listUserSessions('42')).map((s) => s.key)).toEqual([key]);
    await session.set(AUTH_USER_ID_KEY, 'bob');
    await session.save();
    expect(await memory.listUserSessions('42')).toEqual([]);
    expect((await memory.listUserSessions('bob')).map((s) => s.key)).toEqual([key]);
    await session.pop(AUTH_USER_ID_KEY);
    await session.save();
    expect(await memory.listUserSessions('bob')).toEqual([]);
  });

  test('cycleKey moves the index entry to the new key', async () => {
    const key = await seed({ [AUTH_USER_ID_KEY]: '5' });
    const session = engine.open(key);
    await session.cycleKey();
    expect((await memory.listUserSessions('5')).map((s) => s.key)).toEqual([session.key]);
  });
});
