/**
 * @module The per-request context every view, check and adapter shares: the request, its session,
 * its CSRF state, its messages, and the user, resolved lazily (by `src/auth/resolve-user.ts`) and
 * checked against the session auth hash on every request (INVARIANTS 5). It carries narrow
 * collaborators — the settings, the app's authentication services, an error renderer — never the
 * whole app.
 */
import type { EventOrigin } from '../auth/events.js';
import type { RememberCookieState } from '../auth/remember/cookie-state.js';
import { restoreFromRememberCookie } from '../auth/remember/restore.js';
import { resolveUser } from '../auth/resolve-user.js';
import type { AuthMethod, AuthScope } from '../auth/scope.js';
import type { AuthServices } from '../auth/services.js';
import { type AuthorizationToken, parseAuthorization } from '../auth/tokens/header.js';
import type { AuthUser } from '../auth/types.js';
import type { Settings } from '../core/settings.js';
import type { CsrfState } from '../csrf/state.js';
import type { MessageStore } from '../messages/store.js';
import type { Session } from '../sessions/session.js';
import type { HttpRequest } from './request.js';

export { AUTH_HASH_KEY } from '../auth/session-hash.js';

/** Renders an error page or JSON body for a status (the app's `renderError`). */
export type ErrorRenderer = (request: HttpRequest, status: number, message: string) => Response;

/** What a {@link RequestContext} is built from. */
export interface RequestContextInit<User extends AuthUser> {
  readonly request: HttpRequest;
  readonly session: Session;
  readonly csrf: CsrfState;
  /** Opens the request's message store; called at most once, on first use. */
  openMessages(): MessageStore;
  readonly hadSessionCookie: boolean;
  readonly settings: Settings;
  readonly auth: AuthServices<User>;
  readonly renderError: ErrorRenderer;
  readonly remember: RememberCookieState;
}

/**
 * One request as Latchkey sees it.
 * @example
 * const user = await ctx.user();
 * if (user === null) return redirectToLogin(ctx);
 */
export class RequestContext<User extends AuthUser = AuthUser> implements AuthScope<User> {
  readonly request: HttpRequest;
  readonly session: Session;
  readonly csrf: CsrfState;
  /** Whether the request carried a session cookie (so logout knows to delete it). */
  readonly hadSessionCookie: boolean;
  /** The API token of `Authorization: Token|Bearer`, if any. Such a request has no ambient credential. */
  readonly authorization: AuthorizationToken;
  /** The `remember_token` cookie as the request carried it, and what the response does with it. */
  readonly remember: RememberCookieState;
  /** The app's settings (read-only). */
  readonly settings: Settings;
  /** The app's authentication services: users, passwords, tokens, events, sessions of a user. */
  readonly auth: AuthServices<User>;
  readonly #renderError: ErrorRenderer;
  readonly #openMessages: () => MessageStore;
  #messages: MessageStore | null = null;
  #user: Promise<User | null> | null = null;
  #resolvedUser: User | null = null;
  #authMethod: AuthMethod | null = null;

  constructor(init: RequestContextInit<User>) {
    this.request = init.request;
    this.session = init.session;
    this.csrf = init.csrf;
    this.#openMessages = init.openMessages;
    this.hadSessionCookie = init.hadSessionCookie;
    this.settings = init.settings;
    this.auth = init.auth;
    this.#renderError = init.renderError;
    this.remember = init.remember;
    this.authorization = parseAuthorization(init.request.header('authorization'));
  }

  /** One-time messages (Django's `messages`), opened on first use: most requests never read them. */
  get messages(): MessageStore {
    this.#messages ??= this.#openMessages();
    return this.#messages;
  }

  /** The message store if something opened it in this request, else `null` (nothing to commit). */
  get openedMessages(): MessageStore | null {
    return this.#messages;
  }

  /** How the user was authenticated: by the session cookie, by an API token, or not at all (yet). */
  get authMethod(): AuthMethod | null {
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

  /**
   * The app's error page or JSON body for `status` (`{"error": message}` for API calls).
   * @example
   * return ctx.errorResponse(404, 'That session no longer exists.');
   */
  errorResponse(status: number, message: string): Response {
    return this.#renderError(this.request, status, message);
  }

  async #resolve(): Promise<User | null> {
    let { user, method } = await resolveUser(this.auth, this);
    // No live session, but a remembered browser: a new session (never fresh), and a rotated cookie.
    if (user === null && this.authorization.kind === 'none' && this.remember.presented !== null) {
      user = await restoreFromRememberCookie(this);
      method = user === null ? null : 'session';
    }
    this.#resolvedUser = user;
    this.#authMethod = method;
    return user;
  }
}
