/**
 * @module What the functions of `src/auth/` need of one request: its session, its CSRF secret,
 * its `Authorization` token, its user and where it came from, plus the app's {@link AuthServices}.
 * `RequestContext` (src/http/) implements it; `src/auth/` never imports the HTTP layer, so the two
 * cannot form an import cycle.
 */
import type { Session } from '../sessions/session.js';
import type { EventOrigin } from './events.js';
import type { RememberCookieState } from './remember/cookie-state.js';
import type { AuthServices } from './services.js';
import type { AuthorizationToken } from './tokens/header.js';
import type { AuthUser } from './types.js';

/** How a request's user was authenticated. */
export type AuthMethod = 'session' | 'token';

/** One request, as authentication sees it. */
export interface AuthScope<User extends AuthUser = AuthUser> {
  readonly auth: AuthServices<User>;
  readonly session: Session;
  /**
   * The CSRF secret: `login` rotates it (Django's `rotate_token`); a remember-me restore does
   * too, unless a token of it was already handed out in this request (`cookieNeedsUpdate`).
   */
  readonly csrf: { rotate(): void; readonly cookieNeedsUpdate: boolean };
  /** The request's `remember_token` cookie and what the response does with it. */
  readonly remember: RememberCookieState;
  /** The API token of `Authorization: Token|Bearer`, if any. */
  readonly authorization: AuthorizationToken;
  /** How the user was authenticated, once resolved. */
  readonly authMethod: AuthMethod | null;
  /** The logged-in user, or `null` (resolved once per request). */
  user(): Promise<User | null>;
  /** Replaces the request's user (`login` and `logout`). */
  setUser(user: User | null): void;
  /** Where the request came from, for events and audit rows. */
  origin(): EventOrigin;
}
