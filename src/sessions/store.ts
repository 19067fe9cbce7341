/**
 * @module The session store contract: a handful of promise-only primitives that every store
 * implements, and above which the generic session behaviour is written once (see `session.ts`).
 *
 * Stores keep opaque payloads: encoding and signing happen in the core. Errors are the protocol:
 * `create` throws {@link CreateError} when the key is taken; `save` throws {@link UpdateError}
 * when the record is gone (so a save racing a logout never resurrects a session, INVARIANTS 1);
 * a store that cannot answer throws {@link StoreUnavailableError} (fail closed, INVARIANTS 10).
 */
export { CreateError, StoreUnavailableError, UpdateError } from '../core/errors.js';

/** What a store keeps for one session. */
export interface SessionRecord {
  /** The encoded, signed payload. Opaque to the store. */
  readonly data: string;
  /** When the record stops being valid. Stores treat an expired record as absent. */
  readonly expiresAt: Date;
  /** The user the session is logged in as, for the per-user index; `null` while anonymous. */
  readonly userId: string | null;
}

/** A record together with its key, as listed by the per-user index. */
export interface StoredSession {
  readonly key: string;
  readonly record: SessionRecord;
}

/** Options of {@link SessionStore.deleteUserSessions}. */
export interface DeleteUserSessionsOptions {
  /** A session key to keep (the current session, for "log out other sessions"). */
  readonly except?: string;
}

/** Options of {@link SessionStore.clearExpired}; stores that need no batching may ignore them. */
export interface ClearExpiredOptions {
  /** Records deleted per statement, so no statement holds a lock for long. */
  readonly batchSize?: number;
  /** Called after each batch with the running total (the CLI's progress line). */
  readonly onProgress?: (deletedSoFar: number) => void;
}

/**
 * The contract every session store fulfils; `latchkey/testing` holds the conformance suite that
 * proves it.
 * @example
 * const store: SessionStore = new MemorySessionStore();
 * await store.create(key, { data, expiresAt, userId: null });
 */
export interface SessionStore {
  /** The record under `key`, or `null` when there is none or it has expired. */
  load(key: string): Promise<SessionRecord | null>;
  /** Whether a live (unexpired) record exists under `key`. */
  exists(key: string): Promise<boolean>;
  /** Inserts a record atomically; throws `CreateError` when `key` already holds a live record. */
  create(key: string, record: SessionRecord): Promise<void>;
  /** Updates an existing live record; throws `UpdateError` when there is none. Never inserts. */
  save(key: string, record: SessionRecord): Promise<void>;
  /** Deletes the record under `key`; deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Deletes every expired record and returns how many were removed. */
  clearExpired(options?: ClearExpiredOptions): Promise<number>;
  /** The live sessions of one user, at a cost of O(that user's sessions). */
  listUserSessions(userId: string): Promise<StoredSession[]>;
  /** Deletes every session of one user (optionally but one) and returns how many were removed. */
  deleteUserSessions(userId: string, options?: DeleteUserSessionsOptions): Promise<number>;
  /** Releases connections and timers. */
  close(): Promise<void>;
  /**
   * Optional capability of stores that keep a user's sessions together (Redis Cluster: a session and
   * its user's index must share a hash slot). The first characters (`[a-z0-9]`, at most 8) that the key
   * of a session logged in as `userId` must start with; the core draws the rest at random. Such a store may refuse (`TypeError`)
   * a logged-in record under a key that does not fit; login cycles the key once the user is set, so its new key fits.
   */
  userKeyTag?(userId: string): string;
  /**
   * Optional capability of client-side stores (`signed_cookies`), whose records travel in the
   * cookie: a request-scoped view primed with the request's cookie value. The pipeline opens the
   * request's session on the view and writes {@link RequestSessionStore.cookieValue} as the cookie.
   */
  forRequest?(cookie: string | null): RequestSessionStore;
}

/**
 * One request's view of a client-side store: the store primitives, answering for the session the
 * request's cookie carries and for those created in this request.
 */
export interface RequestSessionStore extends SessionStore {
  /** The session key the request's cookie carries, once its signature verified; else `null`. */
  readonly key: string | null;
  /** The cookie value to send for `key` after a create or save in this request; else `null`. */
  cookieValue(key: string): string | null;
}
