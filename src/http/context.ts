/**
 * @module The per-request context every view, check and adapter shares: the request, its session,
 * its CSRF state, its messages, and the user, resolved lazily and checked against the session auth
 * hash on every request (INVARIANTS 5).
 */
import type { EventOrigin } from '../auth/events.js';
import { verifySessionAuthHash } from '../auth/session-hash.js';
import { LAST_SEEN_INTERVAL_MS, readSessionMeta, SESSION_META_KEY } from '../auth/session-meta.js';
import { type AuthorizationToken, parseAuthorization } from '../auth/tokens/header.js';
import type { AuthUser } from '../auth/types.js';
import type { CsrfState } from '../csrf/state.js';
import type { Latchkey } from '../latchkey.js';
import type { MessageStore } from '../messages/store.js';
import { AUTH_USER_ID_KEY, type Session } from '../sessions/session.js';
import type { HttpRequest } from './request.js';

/** Session data key of the session auth hash (Django's `HASH_SESSION_KEY`). */
export const AUTH_HASH_KEY = '_auth_user_hash';

/** A pending change of the `remember_token` cookie: a value to set until `expiresAt`, or deletion (`null`s). */
export type RememberCookieChange =
  | { readonly value: string; readonly expiresAt: Date }
  | { readonly value: null; readonly expiresAt: null };

/**
 * One request as Latchkey sees it.
 * @example
 * const user = await ctx.user();
 * if (user === null) return redirectToLogin(ctx);
 */
export class RequestContext<User extends AuthUser = AuthUser> {
  readonly app: Latchkey<User>;
  readonly request: HttpRequest;
  readonly session: Session;
  readonly csrf: CsrfState;
  readonly messages: MessageStore;
  /** Whether the request carried a session cookie (so logout knows to delete it). */
  readonly hadSessionCookie: boolean;
  /** The API token of `Authorization: Token|Bearer`, if any. Such a request has no ambient credential. */
  readonly authorization: AuthorizationToken;
  /** The `remember_token` cookie as the request carried it, or `null`. */
  readonly rememberCookie: string | null;
  #rememberCookieChange: RememberCookieChange | null = null;
  #user: Promise<User | null> | null = null;
  #resolvedUser: User | null = null;
  #authMethod: 'session' | 'token' | null = null;

  constructor(init: {
    app: Latchkey<User>;
    request: HttpRequest;
    session: Session;
    csrf: CsrfState;
    messages: MessageStore;
    hadSessionCookie: boolean;
    rememberCookie?: string | null;
  }) {
    this.app = init.app;
    this.request = init.request;
    this.session = init.session;
    this.csrf = init.csrf;
    this.messages = init.messages;
    this.hadSessionCookie = init.hadSessionCookie;
    this.authorization = parseAuthorization(init.request.header('authorization'));
    this.rememberCookie = init.rememberCookie ?? null;
  }

  /** What the response must do with the `remember_token` cookie, or `null` for nothing. */
  get rememberCookieChange(): RememberCookieChange | null {
    return this.#rememberCookieChange;
  }

  /** Sends a new `remember_token` cookie with this response (login with the box ticked, rotation). */
  setRememberCookie(value: string, expiresAt: Date): void {
    this.#rememberCookieChange = { value, expiresAt };
  }

  /** Deletes the `remember_token` cookie with this response (logout, a dead or stolen token). */
  deleteRememberCookie(): void {
    this.#rememberCookieChange = { value: null, expiresAt: null };
  }

  /** How the user was authenticated: by the session cookie, by an API token, or not at all (yet). */
  get authMethod(): 'session' | 'token' | null {
    return this.#authMethod;
  }

  /** The logged-in user, or `null`. Costs nothing without a session cookie. */
  user(): Promise<User | null> {
    this.#user ??= this.#resolve();
    return this.#user;
  }

  /** Whether a logged-in user was resolved in this request (its responses are then private). */
  get isAuthenticated(): boolean {
    return this.#resolvedUser !== null;
  }

  /** Replaces the request's user; `login` and `logout` call it. */
  setUser(user: User | null): void {
    this.#resolvedUser = user;
    this.#authMethod = user === null ? null : 'session';
    this.#user = Promise.resolve(user);
  }

  /** Where this request came from, for events and audit rows. */
  origin(): EventOrigin {
    return {
      ip: this.request.clientIp,
      userAgent: this.request.header('user-agent'),
      sessionKey: this.session.key,
      path: this.request.url.pathname,
    };
  }

  async #resolve(): Promise<User | null> {
    let user = this.authorization.kind === 'none' ? await this.#fromSession() : await this.#fromToken();
    // No live session, but a remembered browser: a new session (never fresh), and a rotated cookie.
    if (user === null && this.authorization.kind === 'none' && this.rememberCookie !== null) {
      user = (await this.app.rememberMe?.restore(this)) ?? null;
    }
    this.#resolvedUser = user;
    return user;
  }

  async #fromToken(): Promise<User | null> {
    // A malformed or unknown token is no user: never a fallback to the session cookie.
    if (this.authorization.kind !== 'token' || this.app.tokens === null) return null;
    const id = await this.app.tokens.authenticate(this.authorization.token);
    const user = id === null ? null : await this.app.users.getById(id);
    if (user === null || !user.isActive) return null;
    this.#authMethod = 'token';
    return user;
  }

  async #fromSession(): Promise<User | null> {
    if (this.session.key === null) return null;
    const id = await this.session.get(AUTH_USER_ID_KEY);
    if (typeof id !== 'string') return null;
    const user = await this.app.users.getById(id);
    if (user === null || !user.isActive) return null;
    const { SECRET_KEY, SECRET_KEY_FALLBACKS } = this.app.settings;
    const match = verifySessionAuthHash(await this.session.get(AUTH_HASH_KEY), user, {
      secret: SECRET_KEY,
      fallbacks: SECRET_KEY_FALLBACKS,
    });
    if (match === 'mismatch') {
      // The password changed since this session logged in (or the hash was forged): end it.
      this.app.logger.log('info', 'auth.session_hash_mismatch', { userId: user.id });
      await this.session.flush();
      return null;
    }
    if (match === 'fallback') {
      // Signed with a key that is being rotated out: move the session to the current key.
      await this.session.cycleKey();
      await this.session.set(AUTH_HASH_KEY, this.app.sessionAuthHash(user));
    }
    await this.#touch();
    this.#authMethod = 'session';
    return user;
  }

  /** Refreshes "last seen" for the sessions page, at most once a minute (INVARIANTS 12 stays cheap). */
  async #touch(): Promise<void> {
    const data = await this.session.load();
    const meta = readSessionMeta(data);
    const now = this.app.clock.now();
    if (meta !== null && now - meta.seen >= LAST_SEEN_INTERVAL_MS) {
      await this.session.set(SESSION_META_KEY, { ...meta, seen: now });
    }
  }
}
