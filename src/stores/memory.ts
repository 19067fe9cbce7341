/**
 * @module An in-process session store: bounded, with expiry through the injected clock.
 * For tests and single-process development; sessions vanish with the process.
 */
import { type Clock, systemClock } from '../core/clock.js';
import { CreateError, UpdateError } from '../core/errors.js';
import type {
  DeleteUserSessionsOptions,
  SessionRecord,
  SessionStore,
  StoredSession,
} from '../sessions/store.js';

/** Options of {@link MemorySessionStore}. */
export interface MemorySessionStoreOptions {
  /** Most records kept; past it the least recently written one is evicted. Default 100,000. */
  readonly maxEntries?: number;
  readonly clock?: Clock;
}

/**
 * A bounded in-memory store.
 * @example
 * const store = new MemorySessionStore({ maxEntries: 10_000 });
 */
export class MemorySessionStore implements SessionStore {
  // A Map keeps insertion order: re-inserting on write makes the first entry the least recently written.
  readonly #records = new Map<string, SessionRecord>();
  readonly #byUser = new Map<string, Set<string>>();
  readonly #maxEntries: number;
  readonly #clock: Clock;

  constructor(options: MemorySessionStoreOptions = {}) {
    const maxEntries = options.maxEntries ?? 100_000;
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw new TypeError('MemorySessionStore: maxEntries must be a positive whole number');
    }
    this.#maxEntries = maxEntries;
    this.#clock = options.clock ?? systemClock;
  }

  #live(key: string): SessionRecord | null {
    const record = this.#records.get(key);
    if (record === undefined) return null;
    if (record.expiresAt.getTime() <= this.#clock.now()) {
      this.#remove(key);
      return null;
    }
    return record;
  }

  #remove(key: string): boolean {
    const record = this.#records.get(key);
    if (record === undefined) return false;
    this.#records.delete(key);
    if (record.userId !== null) {
      const keys = this.#byUser.get(record.userId);
      keys?.delete(key);
      if (keys?.size === 0) this.#byUser.delete(record.userId);
    }
    return true;
  }

  #write(key: string, record: SessionRecord): void {
    this.#remove(key);
    this.#records.set(key, { ...record, expiresAt: new Date(record.expiresAt) });
    if (record.userId !== null) {
      const keys = this.#byUser.get(record.userId) ?? new Set<string>();
      this.#byUser.set(record.userId, keys.add(key));
    }
    while (this.#records.size > this.#maxEntries) {
      const oldest = this.#records.keys().next().value as string;
      this.#remove(oldest);
    }
  }

  async load(key: string): Promise<SessionRecord | null> {
    return this.#live(key);
  }

  async exists(key: string): Promise<boolean> {
    return this.#live(key) !== null;
  }

  async create(key: string, record: SessionRecord): Promise<void> {
    if (this.#live(key) !== null) throw new CreateError();
    this.#write(key, record);
  }

  async save(key: string, record: SessionRecord): Promise<void> {
    if (this.#live(key) === null) throw new UpdateError();
    this.#write(key, record);
  }

  async delete(key: string): Promise<void> {
    this.#remove(key);
  }

  async clearExpired(): Promise<number> {
    const now = this.#clock.now();
    let removed = 0;
    for (const [key, record] of this.#records) {
      if (record.expiresAt.getTime() <= now && this.#remove(key)) removed++;
    }
    return removed;
  }

  async listUserSessions(userId: string): Promise<StoredSession[]> {
    const sessions: StoredSession[] = [];
    for (const key of [...(this.#byUser.get(userId) ?? [])]) {
      const record = this.#live(key);
      if (record !== null) sessions.push({ key, record });
    }
    return sessions;
  }

  async deleteUserSessions(userId: string, options?: DeleteUserSessionsOptions): Promise<number> {
    let removed = 0;
    for (const key of [...(this.#byUser.get(userId) ?? [])]) {
      // #live drops an expired record on the way, so only live sessions are counted.
      if (key !== options?.except && this.#live(key) !== null && this.#remove(key)) removed++;
    }
    return removed;
  }

  async close(): Promise<void> {
    this.#records.clear();
    this.#byUser.clear();
  }
}
