import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { storeConformanceSuite } from '../testing/store-suite.js';
import { MemorySessionStore } from './memory.js';

storeConformanceSuite('memory', async (clock) => ({ store: new MemorySessionStore({ clock }) }), {
  describe,
  test,
  beforeEach,
  afterEach,
});

describe('memory store bounds', () => {
  test('past maxEntries the least recently written session is evicted', async () => {
    const store = new MemorySessionStore({ maxEntries: 2 });
    const record = { data: 'x', expiresAt: new Date(Date.now() + 60_000), userId: 'u' };
    await store.create('a'.repeat(32), record);
    await store.create('b'.repeat(32), record);
    await store.save('a'.repeat(32), record);
    await store.create('c'.repeat(32), record);
    expect(await store.exists('b'.repeat(32))).toBe(false);
    expect(await store.exists('a'.repeat(32))).toBe(true);
    expect((await store.listUserSessions('u')).map((s) => s.key).sort()).toEqual([
      'a'.repeat(32),
      'c'.repeat(32),
    ]);
  });

  test('refuses a maxEntries that is not a positive whole number', () => {
    expect(() => new MemorySessionStore({ maxEntries: 0 })).toThrow(/maxEntries/);
  });
});
