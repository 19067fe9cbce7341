import { describe, expect, test } from 'vitest';
import { delayAfter, MemoryThrottleStore, type ThrottleSchedule } from './throttle-store.js';

const SECOND = 1000;
const schedule = (freeAttempts: number): ThrottleSchedule => ({
  freeAttempts,
  baseDelayMs: SECOND,
  maxDelayMs: 900 * SECOND,
  windowMs: 3600 * SECOND,
});

describe('delayAfter', () => {
  test('free attempts, then 1 s, 2 s, 4 s … doubling up to the cap', () => {
    const s = schedule(5);
    expect([0, 4, 5, 6, 7, 8].map((n) => delayAfter(n, s))).toEqual([0, 0, 1000, 2000, 4000, 8000]);
    expect(delayAfter(15, s)).toBe(900_000);
    expect(delayAfter(10_000, s)).toBe(900_000);
  });
});

describe('MemoryThrottleStore', () => {
  test('stays within maxEntries, forgetting the least recently attempted key', async () => {
    const store = new MemoryThrottleStore({ maxEntries: 10 });
    const s = schedule(1);
    for (let i = 0; i < 25; i++) await store.claim(`k${i}`, s, 0);
    expect(store.size).toBe(10);
    expect(await store.get('k0', 0)).toBeNull();
    expect(await store.get('k24', 0)).toEqual({ attempts: 1, lastAttemptAt: 0 });
  });

  test('expired entries are swept as new ones arrive', async () => {
    const store = new MemoryThrottleStore();
    const s = schedule(1);
    for (let i = 0; i < 5; i++) await store.claim(`k${i}`, s, 0);
    await store.claim('late', s, s.windowMs);
    expect(store.size).toBe(1);
  });

  test('claim counts only when the key allows an attempt, and says when it will', async () => {
    const store = new MemoryThrottleStore();
    const s = schedule(1);
    expect(await store.claim('k', s, 0)).toEqual({ claimed: true, attempts: 1 });
    expect(await store.claim('k', s, 500)).toEqual({ claimed: false, allowedAt: 1000 });
    expect(await store.claim('k', s, 1000)).toEqual({ claimed: true, attempts: 2 });
    await store.release('k');
    expect(await store.get('k', 1000)).toEqual({ attempts: 1, lastAttemptAt: 1000 });
    await store.reset('k');
    expect(await store.get('k', 1000)).toBeNull();
  });
});
