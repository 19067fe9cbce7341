/**
 * @module A session store that records every call it gets and, for each write, whether any
 * response in flight had already sent its headers when the write finished: the evidence that an
 * adapter saves the session before the first byte, not alongside it.
 */
import type { ServerResponse } from 'node:http';
import type { SessionRecord, SessionStore, StoredSession } from '../../src/sessions/store.js';

/** One call the store received. */
export interface StoreCall {
  readonly op: 'load' | 'exists' | 'create' | 'save' | 'delete';
  /** For writes: whether a response in flight had sent its headers when the write completed. */
  readonly headersSent: boolean;
}

/** Delegates to a real store and records its calls. */
export class WatchedStore implements SessionStore {
  readonly calls: StoreCall[] = [];
  /** The responses in flight; the app under test adds each one as its request arrives. */
  readonly responses = new Set<ServerResponse>();
  readonly #inner: SessionStore;

  constructor(inner: SessionStore) {
    this.#inner = inner;
  }

  /** Starts watching a response until it closes. */
  track(res: ServerResponse): void {
    this.responses.add(res);
    res.once('close', () => this.responses.delete(res));
  }

  /** The writes (`create`, `save`) recorded so far. */
  writes(): StoreCall[] {
    return this.calls.filter((call) => call.op === 'create' || call.op === 'save');
  }

  async #record<T>(op: StoreCall['op'], run: () => Promise<T>): Promise<T> {
    const result = await run();
    this.calls.push({ op, headersSent: [...this.responses].some((res) => res.headersSent) });
    return result;
  }

  load(key: string): Promise<SessionRecord | null> {
    return this.#record('load', () => this.#inner.load(key));
  }
  exists(key: string): Promise<boolean> {
    return this.#record('exists', () => this.#inner.exists(key));
  }
  create(key: string, record: SessionRecord): Promise<void> {
    return this.#record('create', () => this.#inner.create(key, record));
  }
  save(key: string, record: SessionRecord): Promise<void> {
    return this.#record('save', () => this.#inner.save(key, record));
  }
  delete(key: string): Promise<void> {
    return this.#record('delete', () => this.#inner.delete(key));
  }
  clearExpired(): Promise<number> {
    return this.#inner.clearExpired();
  }
  listUserSessions(userId: string): Promise<StoredSession[]> {
    return this.#inner.listUserSessions(userId);
  }
  deleteUserSessions(
    userId: string,
    options?: Parameters<SessionStore['deleteUserSessions']>[1],
  ): Promise<number> {
    return this.#inner.deleteUserSessions(userId, options);
  }
  close(): Promise<void> {
    return this.#inner.close();
  }
}
