/**
 * @module Builds each request's {@link RequestContext} from its cookies — the session (opened
 * lazily: no store round trip until something reads it, INVARIANTS 12), the CSRF state, the
 * messages — and gives the session cookie's value after a save (the key, or on a client-side
 * store such as `signed_cookies` the signed record).
 */
import { RememberCookieState } from '../auth/remember/cookie-state.js';
import { REMEMBER_COOKIE_NAME } from '../auth/remember/token.js';
import type { AuthServices } from '../auth/services.js';
import type { AuthUser } from '../auth/types.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { Settings } from '../core/settings.js';
import { createCsrfState } from '../csrf/state.js';
import type { MessageCookieSigning } from '../messages/cookie-storage.js';
import { MESSAGES_COOKIE_NAME, MessageStore } from '../messages/store.js';
import type { SessionCodec } from '../sessions/codec.js';
import { Session, type SessionEngine } from '../sessions/session.js';
import type { RequestSessionStore } from '../sessions/store.js';
import { type ErrorRenderer, RequestContext } from './context.js';
import type { HttpRequest } from './request.js';

/** What {@link ContextFactory} binds. */
export interface ContextFactoryInit<User extends AuthUser> {
  readonly settings: Settings;
  readonly engine: SessionEngine;
  readonly codec: SessionCodec;
  readonly auth: AuthServices<User>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly renderError: ErrorRenderer;
  /** The `messages` cookie's format; Latchkey's own by default, Django's in Django mode. */
  readonly messageCookieSigning?: MessageCookieSigning;
}

/**
 * Opens request contexts for one app.
 * @example
 * const ctx = factory.open(request, parseCookies(request.header('cookie')));
 */
export class ContextFactory<User extends AuthUser = AuthUser> {
  readonly #init: ContextFactoryInit<User>;
  /** Request views of a client-side store (`signed_cookies`), by the session they serve. */
  readonly #views = new WeakMap<Session, RequestSessionStore>();
  readonly #keys: { readonly secret: string; readonly fallbacks: readonly string[] };

  constructor(init: ContextFactoryInit<User>) {
    this.#init = init;
    this.#keys = { secret: init.settings.SECRET_KEY, fallbacks: init.settings.SECRET_KEY_FALLBACKS };
  }

  /** Builds the context of `request` from its parsed cookies. */
  open(request: HttpRequest, cookies: ReadonlyMap<string, string>): RequestContext<User> {
    const { settings, auth, clock, logger, renderError } = this.#init;
    const sessionCookie = cookies.get(settings.SESSION_COOKIE_NAME) ?? null;
    const session = this.#openSession(sessionCookie);
    return new RequestContext<User>({
      request,
      session,
      csrf: createCsrfState(cookies.get(settings.CSRF_COOKIE_NAME) ?? null),
      openMessages: () =>
        new MessageStore({
          cookie: cookies.get(MESSAGES_COOKIE_NAME) ?? null,
          session,
          keys: this.#keys,
          clock,
          logger,
          ...(this.#init.messageCookieSigning === undefined
            ? {}
            : { cookieSigning: this.#init.messageCookieSigning }),
        }),
      hadSessionCookie: sessionCookie !== null,
      settings,
      auth,
      renderError,
      remember: new RememberCookieState(cookies.get(REMEMBER_COOKIE_NAME) ?? null),
    });
  }

  /**
   * The session cookie's value after a save: the key, or on a client-side store the signed
   * record. `null` when there is no key.
   */
  cookieValue(session: Session): string | null {
    const key = session.key;
    if (key === null) return null;
    const view = this.#views.get(session);
    return view === undefined ? key : view.cookieValue(key);
  }

  /** The request's session; on a client-side store, opened on a view primed with the cookie. */
  #openSession(cookie: string | null): Session {
    const { engine, codec, clock } = this.#init;
    const view = engine.store.forRequest?.(cookie) ?? null;
    if (view === null) return engine.open(cookie);
    const session = new Session({ store: view, codec, clock, policy: engine.policy }, view.key);
    this.#views.set(session, view);
    return session;
  }
}
