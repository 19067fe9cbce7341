/**
 * @module The `signed_cookies` session store (Django's `signed_cookies` backend, made revocable):
 * the session record travels in the cookie, signed, and the server keeps no session data — only
 * revocation state in a {@link RevocationRegistry}.
 *
 * The cookie is `<key>.<signed payload>`: the key stays a random 32-character id (so public ids and
 * audit hashes work as with every store), and the payload binds that key to the record (data,
 * expiry, user) and to the user's revocation epoch at issue time, under a salt of its own.
 *
 * What it CAN revoke, including a copied cookie replayed from another machine:
 * - one session (logout, revoking it, `cycleKey`'s old key at login): its key is denied until the
 *   cookie's own expiry (denylist);
 * - every session of a user ("log out everywhere", "log out other sessions", a password change):
 *   the user's epoch is bumped and every cookie issued under an older epoch is dead (the current
 *   session can be spared); a password change also fails the session auth hash check of
 *   `http/context.ts` on the next request, which holds even without the registry.
 *
 * What it CANNOT do:
 * - list a user's sessions or devices: `listUserSessions` returns `[]` (the sessions page shows
 *   none) and `deleteUserSessions` returns 0 (it cannot know how many cookies it killed);
 * - hide the data: the payload is signed, not encrypted — the client can read it, so never put a
 *   secret in the session;
 * - revoke anything once the registry is lost (a memory registry after a restart, a truncated
 *   table): copied cookies then live until their expiry, except after a password change;
 * - hold much: a cookie over `maxCookieBytes` (4,096 by default, RFC 6265 section 6.1's minimum)
 *   is refused with a 413 ({@link SessionCookieTooLargeError}), never silently truncated;
 * - tell two clients' keys apart: a key collision is not detected server-side (keys have 165 bits).
 */
import { type Clock, systemClock } from '../core/clock.js';
import { LatchkeyError } from '../core/errors.js';
import type { SigningKeys } from '../core/signing.js';
import { BadRequestError } from '../http/request.js';
import type {
  DeleteUserSessionsOptions,
  RequestSessionStore,
  SessionRecord,
  SessionStore,
  StoredSession,
} from '../sessions/store.js';
import type { RevocationRegistry } from './revocation.js';
import {
  type CookiePayloadCodec,
  createCookiePayloadCodec,
  parseCookieKey,
} from './signed-cookie-payload.js';
import { SignedCookieRequestStore } from './signed-cookie-view.js';

/** Options of {@link SignedCookieSessionStore}. */
export interface SignedCookieSessionStoreOptions extends SigningKeys {
  readonly registry: RevocationRegistry;
  /** Largest cookie value accepted, in bytes. Default 4,096. */
  readonly maxCookieBytes?: number;
  /** How long a key deleted without a known expiry stays denied, in seconds. Default 366 days. */
  readonly unknownExpiry?: number;
  readonly clock?: Clock;
}

/** The session would not fit in a cookie: answered with 413, never a 500 or a truncated cookie. */
export class SessionCookieTooLargeError extends BadRequestError {
  constructor(bytes: number, limit: number) {
    super(413, `The session is too large for a cookie (${bytes} bytes > ${limit}); store less in it.`);
  }
}

/**
 * Client-side sessions, revocable through `registry`.
 * @example
 * const store = new SignedCookieSessionStore({ secret, registry: new SqlRevocationRegistry({ db }) });
 */
export class SignedCookieSessionStore implements SessionStore {
  readonly #registry: RevocationRegistry;
  readonly #codec: CookiePayloadCodec;
  readonly #clock: Clock;
  readonly #maxCookieBytes: number;
  readonly #unknownExpiry: number;

  constructor(options: SignedCookieSessionStoreOptions) {
    if (typeof options.secret !== 'string' || options.secret === '')
      throw new TypeError('SignedCookieSessionStore: a secret is required');
    this.#registry = options.registry;
    this.#clock = options.clock ?? systemClock;
    this.#maxCookieBytes = options.maxCookieBytes ?? 4096;
    this.#unknownExpiry = options.unknownExpiry ?? 366 * 24 * 3600;
    this.#codec = createCookiePayloadCodec({
      secret: options.secret,
      fallbacks: options.fallbacks ?? [],
      clock: this.#clock,
      maxInflated: this.#maxCookieBytes * 64,
    });
  }

  /** A view of one request, primed with its cookie value (verified now, revocation checked on load). */
  forRequest(cookie: string | null): RequestSessionStore {
    return new SignedCookieRequestStore({
      cookie: cookie === null ? null : this.#codec.decode(cookie),
      codec: this.#codec,
      registry: this.#registry,
      clock: this.#clock,
      maxCookieBytes: this.#maxCookieBytes,
      unknownExpiry: this.#unknownExpiry,
      tooLarge: (bytes, limit) => new SessionCookieTooLargeError(bytes, limit),
    });
  }

  /** The record a full cookie value carries, when it verifies and is neither expired nor revoked. */
  async load(cookie: string): Promise<SessionRecord | null> {
    const view = this.forRequest(cookie);
    return view.key === null ? null : view.load(view.key);
  }

  /** Whether a full cookie value is live: verified, unexpired and not revoked. */
  async exists(cookie: string): Promise<boolean> {
    return (await this.load(cookie)) !== null;
  }

  /** Refused: a client-side record only exists in a cookie, so it is created through {@link forRequest}. */
  async create(_key: string, _record: SessionRecord): Promise<void> {
    throw new LatchkeyError('LATCHKEY_CLIENT_SIDE_STORE', 'signed_cookies: create through forRequest()');
  }

  /** Refused, like {@link create}. */
  async save(_key: string, _record: SessionRecord): Promise<void> {
    throw new LatchkeyError('LATCHKEY_CLIENT_SIDE_STORE', 'signed_cookies: save through forRequest()');
  }

  /** Denies a session key, or the key of a full cookie value (until that cookie's expiry). */
  async delete(keyOrCookie: string): Promise<void> {
    const key = parseCookieKey(keyOrCookie);
    if (key === null) return;
    const view = this.forRequest(keyOrCookie === key ? null : keyOrCookie);
    await view.delete(key);
  }

  /** Prunes denials whose cookies have expired on their own; returns how many. */
  async clearExpired(): Promise<number> {
    return this.#registry.clearExpired();
  }

  /** Always `[]`: the server does not know which cookies exist. */
  async listUserSessions(_userId: string): Promise<StoredSession[]> {
    return [];
  }

  /** Bumps the user's epoch: every cookie of theirs but `except` dies. Returns 0 (the count is unknown). */
  async deleteUserSessions(userId: string, options?: DeleteUserSessionsOptions): Promise<number> {
    return this.forRequest(null).deleteUserSessions(userId, options);
  }

  async close(): Promise<void> {
    await this.#registry.close();
  }
}
