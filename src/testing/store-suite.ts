/**
 * @module The session store conformance suite. Every store runs it; a third-party store that
 * passes it works with the rest of Latchkey. It uses `node:assert` and takes the test runner's
 * functions as an argument, so it runs under Vitest, Jest or `node:test` alike.
 */
import assert from 'node:assert/strict';
import { createManualClock, type ManualClock } from '../core/clock.js';
import { CreateError, UpdateError } from '../core/errors.js';
import { generateSessionKey } from '../sessions/keys.js';
import type { SessionRecord, SessionStore } from '../sessions/store.js';

/** The test runner's functions the suite needs (Vitest's and Jest's fit as they are). */
export interface TestApi {
  describe(name: string, fn: () => void): void;
  test(name: string, fn: () => Promise<void>): void;
  beforeEach(fn: () => Promise<void>): void;
  afterEach(fn: () => Promise<void>): void;
}

/**
 * What a store can do. A client-side store (`signed_cookies`) keeps no per-session rows: it cannot
 * list or count a user's sessions, count expired ones, or see another client's key. Each test that
 * relies on that then asserts the revocation itself (every revoked key loads as `null`).
 */
export interface StoreCapabilities {
  /** The store keeps a record per session (a per-user index, expiry counts, key collisions). Default true. */
  readonly serverSideRecords?: boolean;
}

/** A fresh, empty store for one test, reading time from `clock`. */
export interface StoreFixture {
  readonly store: SessionStore;
  readonly capabilities?: StoreCapabilities;
  /** Drops whatever the store made (tables, key prefixes, files). Called after `store.close()`. */
  readonly teardown?: () => Promise<void>;
}

/** Makes a fresh store for each test. */
export type StoreFactory = (clock: ManualClock) => Promise<StoreFixture>;

const HOUR = 3_600_000;

/**
 * Registers the conformance tests for one store.
 * @example
 * import { describe, test, beforeEach, afterEach } from 'vitest';
 * storeConformanceSuite('memory', async (clock) => ({ store: new MemorySessionStore({ clock }) }),
 *   { describe, test, beforeEach, afterEach });
 */
export function storeConformanceSuite(name: string, factory: StoreFactory, api: TestApi): void {
  const { describe, test, beforeEach, afterEach } = api;

  describe(`session store conformance: ${name}`, () => {
    let clock: ManualClock;
    let store: SessionStore;
    let fixture: StoreFixture;
    /** Whether the store keeps server-side records (see {@link StoreCapabilities}). */
    const indexed = (): boolean => fixture.capabilities?.serverSideRecords !== false;
    /** The user id each live key holds, for stores that cannot list them. */
    const owners = async (keys: readonly string[]): Promise<(string | null)[]> =>
      Promise.all(keys.map(async (key) => (await store.load(key))?.userId ?? null));

    /** A fresh key for a session of `userId`, with the tag the store asks for (see `userKeyTag`). */
    const keyFor = (userId: string): string => generateSessionKey(store.userKeyTag?.(userId) ?? '');
    /**
     * Whether `write` (a record of another user than its key was made for) was refused: only a store
     * with `userKeyTag` may refuse, with a TypeError, and only when the two users' tags differ.
     */
    const refusedForAnotherUser = async (write: Promise<void>): Promise<boolean> => {
      try {
        await write;
        return false;
      } catch (error) {
        assert.ok(store.userKeyTag !== undefined && error instanceof TypeError, String(error));
        return true;
      }
    };

    const record = (overrides: Partial<SessionRecord> = {}): SessionRecord => ({
      data: `payload-${generateSessionKey()}`,
      expiresAt: new Date(clock.now() + HOUR),
      userId: null,
      ...overrides,
    });

    beforeEach(async () => {
      clock = createManualClock(new Date('2026-03-01T12:00:00.000Z'));
      fixture = await factory(clock);
      store = fixture.store;
    });

    afterEach(async () => {
      await store.close();
      await fixture.teardown?.();
    });

    test('create then load returns the same payload, expiry and user', async () => {
      const key = keyFor('42');
      const written = record({ userId: '42' });
      await store.create(key, written);
      const read = await store.load(key);
      assert.ok(read);
      assert.equal(read.data, written.data);
      assert.equal(read.userId, '42');
      assert.equal(read.expiresAt.getTime(), written.expiresAt.getTime());
      assert.equal(await store.exists(key), true);
    });

    test('an unknown key loads as null and does not exist', async () => {
      const key = generateSessionKey();
      assert.equal(await store.load(key), null);
      assert.equal(await store.exists(key), false);
    });

    test('payloads are opaque: unicode and large values round-trip byte for byte', async () => {
      const key = generateSessionKey();
      const data = `{"name":"lètmein \u{1F510} no-nul","pad":"${'x'.repeat(64 * 1024)}"}`;
      await store.create(key, record({ data }));
      assert.equal((await store.load(key))?.data, data);
    });

    test('create refuses a key that exists and leaves the first record intact', async () => {
      const key = generateSessionKey();
      const first = record();
      await store.create(key, first);
      await assert.rejects(store.create(key, record()), CreateError);
      assert.equal((await store.load(key))?.data, first.data);
    });

    test('save updates an existing record', async () => {
      const key = keyFor('7');
      await store.create(key, record());
      const updated = record({ data: 'updated', expiresAt: new Date(clock.now() + 2 * HOUR), userId: '7' });
      await store.save(key, updated);
      const read = await store.load(key);
      assert.equal(read?.data, 'updated');
      assert.equal(read?.userId, '7');
      assert.equal(read?.expiresAt.getTime(), updated.expiresAt.getTime());
    });

    test('INVARIANTS 1: save after delete is refused and never resurrects the record', async () => {
      const key = keyFor('1');
      await store.create(key, record({ userId: '1' }));
      await store.delete(key);
      await assert.rejects(store.save(key, record({ userId: '1' })), UpdateError);
      assert.equal(await store.load(key), null);
      assert.equal(await store.exists(key), false);
      assert.deepEqual(await store.listUserSessions('1'), []);
    });

    test('save of a key that never existed is refused', async () => {
      const key = generateSessionKey();
      await assert.rejects(store.save(key, record()), UpdateError);
      assert.equal(await store.exists(key), false);
    });

    test('delete removes the record; deleting a missing key is not an error', async () => {
      const key = generateSessionKey();
      await store.create(key, record());
      await store.delete(key);
      assert.equal(await store.load(key), null);
      await store.delete(key);
      await store.delete(generateSessionKey());
    });

    test('a record past its expiry is absent, and save to it is refused (injected clock)', async () => {
      const key = keyFor('5');
      await store.create(key, record({ expiresAt: new Date(clock.now() + 60_000), userId: '5' }));
      clock.advance(59_000);
      assert.ok(await store.load(key));
      clock.advance(2_000);
      assert.equal(await store.load(key), null);
      assert.equal(await store.exists(key), false);
      assert.deepEqual(await store.listUserSessions('5'), []);
      await assert.rejects(store.save(key, record()), UpdateError);
    });

    test('create over an expired record under the same key succeeds, and the index follows', async () => {
      const key = keyFor('new');
      const old = record({ expiresAt: new Date(clock.now() + 1_000), userId: 'old' });
      // A store that ties keys to users may refuse another user's record under this key.
      if (await refusedForAnotherUser(store.create(key, old))) {
        assert.equal(await store.exists(key), false);
        return;
      }
      clock.advance(2_000);
      await store.create(key, record({ data: 'fresh', userId: 'new' }));
      assert.equal((await store.load(key))?.data, 'fresh');
      assert.deepEqual(await store.listUserSessions('old'), []);
      if (!indexed()) {
        assert.equal((await store.load(key))?.userId, 'new');
        return;
      }
      assert.deepEqual(
        (await store.listUserSessions('new')).map((s) => s.key),
        [key],
      );
    });

    test('deleteUserSessions counts only live sessions', async () => {
      const expiring = keyFor('erin');
      const live = keyFor('erin');
      await store.create(expiring, record({ expiresAt: new Date(clock.now() + 1_000), userId: 'erin' }));
      await store.create(live, record({ userId: 'erin' }));
      clock.advance(2_000);
      if (indexed()) {
        assert.equal(await store.deleteUserSessions('erin'), 1);
        assert.deepEqual(await store.listUserSessions('erin'), []);
        return;
      }
      assert.equal(await store.exists(live), true);
      await store.deleteUserSessions('erin');
      assert.deepEqual(await owners([expiring, live]), [null, null]);
    });

    test('clearExpired removes exactly the expired records and counts them', async () => {
      const expired = [generateSessionKey(), generateSessionKey(), generateSessionKey()];
      const live = [generateSessionKey(), generateSessionKey()];
      for (const key of expired)
        await store.create(key, record({ expiresAt: new Date(clock.now() + 1_000) }));
      for (const key of live) await store.create(key, record({ expiresAt: new Date(clock.now() + HOUR) }));
      clock.advance(5_000);
      if (indexed()) {
        assert.equal(await store.clearExpired(), 3);
        assert.equal(await store.clearExpired(), 0);
      } else {
        // Nothing of these sessions is kept server-side: there is nothing to clear, nor to count.
        await store.clearExpired();
        for (const key of expired) assert.equal(await store.exists(key), false);
      }
      for (const key of live) assert.equal(await store.exists(key), true);
    });

    test('the per-user index lists exactly the live sessions of one user', async () => {
      const alice = [keyFor('alice'), keyFor('alice'), keyFor('alice')];
      for (const key of alice) await store.create(key, record({ userId: 'alice' }));
      const bob = keyFor('bob');
      await store.create(bob, record({ userId: 'bob' }));
      await store.create(generateSessionKey(), record());
      if (!indexed()) {
        // Documented: a client-side store cannot list sessions; each one still names its user.
        assert.deepEqual(await store.listUserSessions('alice'), []);
        assert.deepEqual(await owners([...alice, bob]), ['alice', 'alice', 'alice', 'bob']);
        return;
      }
      const listed = await store.listUserSessions('alice');
      assert.deepEqual(listed.map((s) => s.key).sort(), [...alice].sort());
      for (const entry of listed) assert.equal(entry.record.userId, 'alice');
      assert.deepEqual(await store.listUserSessions('nobody'), []);
    });

    test('save moves a session between users in the index (anonymous -> alice -> bob)', async () => {
      const key = keyFor('alice');
      await store.create(key, record());
      await store.save(key, record({ userId: 'alice' }));
      if (!indexed()) {
        assert.deepEqual(await owners([key]), ['alice']);
        await store.save(key, record({ userId: 'bob' }));
        // Revoking alice's sessions no longer reaches the session, revoking bob's does.
        await store.deleteUserSessions('alice');
        assert.deepEqual(await owners([key]), ['bob']);
        await store.deleteUserSessions('bob');
        assert.deepEqual(await owners([key]), [null]);
        return;
      }
      assert.deepEqual(
        (await store.listUserSessions('alice')).map((s) => s.key),
        [key],
      );
      // A store that ties keys to users may refuse: login gives bob a key of his own.
      if (await refusedForAnotherUser(store.save(key, record({ userId: 'bob' })))) {
        assert.deepEqual(await store.listUserSessions('bob'), []);
        assert.equal((await store.load(key))?.userId, 'alice');
        return;
      }
      assert.deepEqual(await store.listUserSessions('alice'), []);
      assert.deepEqual(
        (await store.listUserSessions('bob')).map((s) => s.key),
        [key],
      );
    });

    test('deleteUserSessions removes one user’s sessions, optionally but one, and counts them', async () => {
      const keep = keyFor('alice');
      const others = [keyFor('alice'), keyFor('alice')];
      const bob = keyFor('bob');
      await store.create(keep, record({ userId: 'alice' }));
      for (const key of others) await store.create(key, record({ userId: 'alice' }));
      await store.create(bob, record({ userId: 'bob' }));
      if (!indexed()) {
        await store.deleteUserSessions('alice', { except: keep });
        assert.deepEqual(await owners([keep, ...others, bob]), ['alice', null, null, 'bob']);
        await store.deleteUserSessions('alice');
        assert.deepEqual(await owners([keep, bob]), [null, 'bob']);
        return;
      }
      assert.equal(await store.deleteUserSessions('alice', { except: keep }), 2);
      assert.deepEqual(
        (await store.listUserSessions('alice')).map((s) => s.key),
        [keep],
      );
      for (const key of others) assert.equal(await store.exists(key), false);
      assert.equal(await store.exists(bob), true);
      assert.equal(await store.deleteUserSessions('alice'), 1);
      assert.equal(await store.exists(keep), false);
      assert.equal(await store.deleteUserSessions('nobody'), 0);
    });

    test('concurrent creates of one key: exactly one wins', async () => {
      const key = generateSessionKey();
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => store.create(key, record({ data: `writer-${i}` }))),
      );
      if (!indexed()) {
        // A client-side store cannot see a key another client holds (it relies on 165-bit keys):
        // each create either lands or is refused cleanly, and the key holds one writer's record.
        for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof CreateError);
        assert.match((await store.load(key))?.data ?? '', /^writer-\d+$/);
        return;
      }
      const won = results.filter((r) => r.status === 'fulfilled');
      assert.equal(won.length, 1);
      for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof CreateError);
    });

    test('INVARIANTS 13: concurrent logins and logouts of one user leave the index exact', async () => {
      const keys = Array.from({ length: 60 }, () => keyFor('carol'));
      await Promise.all(keys.map((key) => store.create(key, record({ userId: 'carol' }))));
      const gone = keys.filter((_, i) => i % 3 === 0);
      const more = Array.from({ length: 20 }, () => keyFor('carol'));
      await Promise.all([
        ...gone.map((key) => store.delete(key)),
        ...more.map((key) => store.create(key, record({ userId: 'carol' }))),
      ]);
      const expected = [...keys.filter((_, i) => i % 3 !== 0), ...more].sort();
      if (!indexed()) {
        assert.ok((await owners(gone)).every((owner) => owner === null));
        assert.ok((await owners(expected)).every((owner) => owner === 'carol'));
        await store.deleteUserSessions('carol');
        assert.ok((await owners(expected)).every((owner) => owner === null));
        return;
      }
      assert.deepEqual((await store.listUserSessions('carol')).map((s) => s.key).sort(), expected);
      assert.equal(await store.deleteUserSessions('carol'), expected.length);
      assert.deepEqual(await store.listUserSessions('carol'), []);
    });

    test('a save racing a delete either lands before it or is refused: never resurrected', async () => {
      for (let round = 0; round < 10; round++) {
        const key = keyFor('dave');
        await store.create(key, record({ userId: 'dave' }));
        const [saved] = await Promise.allSettled([
          store.save(key, record({ userId: 'dave' })),
          store.delete(key),
        ]);
        if (saved.status === 'rejected') assert.ok(saved.reason instanceof UpdateError);
        assert.equal(await store.exists(key), false);
      }
      assert.deepEqual(await store.listUserSessions('dave'), []);
    });
  });
}
