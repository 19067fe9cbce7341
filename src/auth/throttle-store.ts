/**
 * @module Where login-throttle counters live: the store contract (one atomic `claim`, so that
 * parallel requests cannot share a free slot), the delay schedule, and a bounded in-memory store.
 */

/** One key's allowance: free attempts, then delays doubling from `baseDelayMs` to `maxDelayMs`. */
export interface ThrottleSchedule {
  readonly freeAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A key with no attempt for this long is forgotten. */
  readonly windowMs: number;
}

/** What a store keeps per key. */
export interface ThrottleRecord {
  /** Attempts counted and not given back (failures, and attempts still in flight). */
  readonly attempts: number;
  /** When the last attempt was counted, ms since the epoch. */
  readonly lastAttemptAt: number;
}

/** The outcome of {@link ThrottleStore.claim}. */
export type ClaimResult =
  | { readonly claimed: true; readonly attempts: number }
  | { readonly claimed: false; readonly allowedAt: number };

/**
 * Where counters live. `claim` must be atomic (one Lua script in Redis), so that concurrent
 * requests cannot all pass one free slot; the schedule is plain numbers for that reason.
 */
export interface ThrottleStore {
  /** The live record under `key`, or `null`. */
  get(key: string, now: number): Promise<ThrottleRecord | null>;
  /** Counts an attempt when the key allows one at `now` (and says how many are counted); else says when it will. */
  claim(key: string, schedule: ThrottleSchedule, now: number): Promise<ClaimResult>;
  /** Gives one counted attempt back (a success, or a claim abandoned because another key refused). */
  release(key: string): Promise<void>;
  /** Forgets `key`. */
  reset(key: string): Promise<void>;
}

/**
 * Milliseconds to wait after the last attempt, once `attempts` are counted: 0 within the free
 * allowance, then `base`, `2·base`, `4·base` … up to `max`.
 * @example
 * delayAfter(7, { freeAttempts: 5, baseDelayMs: 1000, maxDelayMs: 900_000, windowMs: 3_600_000 }); // 4000
 */
export function delayAfter(attempts: number, schedule: ThrottleSchedule): number {
  if (attempts < schedule.freeAttempts) return 0;
  const doublings = Math.min(attempts - schedule.freeAttempts, 52);
  return Math.min(schedule.maxDelayMs, schedule.baseDelayMs * 2 ** doublings);
}

interface Entry {
  attempts: number;
  lastAttemptAt: number;
  expiresAt: number;
}

/**
 * A bounded in-memory store, for one process. Past `maxEntries` the least recently attempted key
 * is forgotten, so a flood of distinct usernames costs bounded memory (at the price of forgetting
 * old counters; use a shared store across processes or for large deployments).
 * @example
 * const store = new MemoryThrottleStore({ maxEntries: 10_000 });
 */
export class MemoryThrottleStore implements ThrottleStore {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;

  constructor(options: { maxEntries?: number } = {}) {
    this.#maxEntries = options.maxEntries ?? 100_000;
  }

  get size(): number {
    return this.#entries.size;
  }

  async get(key: string, now: number): Promise<ThrottleRecord | null> {
    const entry = this.#entries.get(key);
    return entry === undefined || entry.expiresAt <= now
      ? null
      : { attempts: entry.attempts, lastAttemptAt: entry.lastAttemptAt };
  }

  async claim(key: string, schedule: ThrottleSchedule, now: number): Promise<ClaimResult> {
    this.#sweep(now);
    const live = this.#entries.get(key);
    const entry = live === undefined || live.expiresAt <= now ? { attempts: 0, lastAttemptAt: 0 } : live;
    const allowedAt = entry.lastAttemptAt + delayAfter(entry.attempts, schedule);
    if (allowedAt > now) return { claimed: false, allowedAt };
    const attempts = entry.attempts + 1;
    // Re-inserted at the end: the map stays ordered by last attempt, oldest first.
    this.#entries.delete(key);
    this.#entries.set(key, { attempts, lastAttemptAt: now, expiresAt: now + schedule.windowMs });
    while (this.#entries.size > this.#maxEntries) this.#deleteOldest();
    return { claimed: true, attempts };
  }

  async release(key: string): Promise<void> {
    const entry = this.#entries.get(key);
    if (entry !== undefined) entry.attempts = Math.max(0, entry.attempts - 1);
  }

  async reset(key: string): Promise<void> {
    this.#entries.delete(key);
  }

  /** Drops expired entries from the front (amortised O(1): one window is shared by every key). */
  #sweep(now: number): void {
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt > now) return;
      this.#entries.delete(key);
    }
  }

  #deleteOldest(): void {
    const oldest = this.#entries.keys().next();
    if (!oldest.done) this.#entries.delete(oldest.value);
  }
}
