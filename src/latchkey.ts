/**
 * @module The app-wide Latchkey instance: settings, the session engine, users, hashers and events
 * bound together, and the two ends of every request — `begin` (build the context, check the host
 * and CSRF) and `finish` (messages, session commit, cookies, caching headers).
 */
import { AuthEventEmitter } from './auth/events.js';
import { defaultPasswordService } from './auth/password-service.js';
import { RememberMe } from './auth/remember/remember-me.js';
import type { RememberTokenSource } from './auth/remember/repository.js';
import { REMEMBER_COOKIE_NAME } from './auth/remember/token.js';
import { sessionAuthHash } from './auth/session-hash.js';
import { createLoginThrottle, type LoginThrottle } from './auth/throttle.js';
import type { AuthUser, PasswordService, TokenSource, UserSource } from './auth/types.js';
import { type Clock, systemClock } from './core/clock.js';
import { parseCookies } from './core/cookies.js';
import { LatchkeyError, SessionInterruptedError, StoreUnavailableError } from './core/errors.js';
import { consoleLogger, type Logger } from './core/logger.js';
import type { Settings } from './core/settings.js';
import { checkCsrf } from './csrf/check.js';
import { createCsrfState } from './csrf/state.js';
import { commitResponse } from './http/commit.js';
import { RequestContext } from './http/context.js';
import { allowedHostsOf, isAllowedHost } from './http/hosts.js';
import { BadRequestError, type HttpRequest } from './http/request.js';
import { MESSAGES_COOKIE_NAME, MessageStore } from './messages/store.js';
import { createSignedCodec, type SessionCodec } from './sessions/codec.js';
import { createSessionEngine, Session, type SessionEngine, sessionPolicyOf } from './sessions/session.js';
import type { RequestSessionStore, SessionStore } from './sessions/store.js';

/** What {@link createLatchkey} needs. */
export interface LatchkeyConfig<User extends AuthUser = AuthUser> {
  readonly settings: Settings;
  readonly sessionStore: SessionStore;
  readonly users: UserSource<User>;
  /** API tokens (`Authorization: Token …`); without it, token requests are anonymous. */
  readonly tokens?: TokenSource;
  /** Remember-me series (the login form's "remember me"); without it, the box is ignored. */
  readonly rememberTokens?: RememberTokenSource;
  /** Password hashing; argon2id with OWASP's parameters by default. */
  readonly passwords?: PasswordService;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Login throttling; built from the `LOGIN_THROTTLE_*` settings when omitted, `null` turns it off. */
  readonly loginThrottle?: LoginThrottle | null;
  /** Renders an error page or JSON body for a status; a plain page or `{"error"}` JSON by default. */
  readonly renderError?: (request: HttpRequest, status: number, message: string) => Response;
}

/** Whether a client asked for JSON (an API call) rather than a page. */
export function wantsJson(request: HttpRequest): boolean {
  return (
    request.url.pathname.startsWith('/api/') ||
    (request.header('accept') ?? '').includes('application/json') ||
    (request.header('content-type') ?? '').includes('application/json')
  );
}

function defaultRenderError(request: HttpRequest, status: number, message: string): Response {
  if (wantsJson(request)) {
    return Response.json({ error: message }, { status, headers: { 'Cache-Control': 'no-store' } });
  }
  const escaped = message.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return new Response(`<!doctype html><title>${status}</title><h1>${status}</h1><p>${escaped}</p>`, {
    status,
    headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' },
  });
}

/**
 * The app-wide instance. Adapters call {@link Latchkey.begin}, run the view, then
 * {@link Latchkey.finish}.
 * @example
 * const latchkey = createLatchkey({ settings, sessionStore, users });
 */
export class Latchkey<User extends AuthUser = AuthUser> {
  readonly settings: Settings;
  readonly engine: SessionEngine;
  readonly users: UserSource<User>;
  readonly passwords: PasswordService;
  readonly tokens: TokenSource | null;
  /** Remember me, when a {@link RememberTokenSource} was given; else `null`. */
  readonly rememberMe: RememberMe<User> | null;
  /** Encodes and decodes session payloads (the sessions page reads other sessions' metadata). */
  readonly codec: SessionCodec;
  readonly events = new AuthEventEmitter<User>();
  readonly clock: Clock;
  readonly logger: Logger;
  readonly loginThrottle: LoginThrottle | null;
  readonly #renderError: (request: HttpRequest, status: number, message: string) => Response;
  /** Request views of a client-side store (`signed_cookies`), by the session they serve. */
  readonly #views = new WeakMap<Session, RequestSessionStore>();

  constructor(config: LatchkeyConfig<User>) {
    this.settings = config.settings;
    this.users = config.users;
    this.passwords = config.passwords ?? defaultPasswordService;
    this.tokens = config.tokens ?? null;
    this.rememberMe = config.rememberTokens ? new RememberMe(this, config.rememberTokens) : null;
    this.clock = config.clock ?? systemClock;
    this.logger = config.logger ?? consoleLogger;
    this.#renderError = config.renderError ?? defaultRenderError;
    this.loginThrottle =
      config.loginThrottle === undefined
        ? createLoginThrottle({ settings: this.settings, clock: this.clock, logger: this.logger })
        : config.loginThrottle;
    const { SECRET_KEY, SECRET_KEY_FALLBACKS } = this.settings;
    this.codec = createSignedCodec({
      secret: SECRET_KEY,
      fallbacks: SECRET_KEY_FALLBACKS,
      clock: this.clock,
      logger: this.logger,
    });
    this.engine = createSessionEngine({
      store: config.sessionStore,
      codec: this.codec,
      clock: this.clock,
      policy: sessionPolicyOf(this.settings),
    });
  }

  /** The session auth hash of `user` under the current secret. */
  sessionAuthHash(user: Pick<AuthUser, 'password'>): string {
    return sessionAuthHash(user, this.settings.SECRET_KEY);
  }

  /** Whether the request's `Host` is in `ALLOWED_HOSTS` (Django's `get_host`). */
  hostAllowed(request: HttpRequest): boolean {
    return isAllowedHost(request.url.host, allowedHostsOf(this.settings));
  }

  /** Builds the request's context. Costs no store round trip (everything loads lazily). */
  begin(request: HttpRequest): RequestContext<User> {
    const cookies = parseCookies(request.header('cookie'));
    const sessionCookie = cookies.get(this.settings.SESSION_COOKIE_NAME) ?? null;
    const session = this.#openSession(sessionCookie);
    return new RequestContext<User>({
      app: this,
      request,
      session,
      csrf: createCsrfState(cookies.get(this.settings.CSRF_COOKIE_NAME) ?? null),
      messages: new MessageStore({
        cookie: cookies.get(MESSAGES_COOKIE_NAME) ?? null,
        session,
        keys: { secret: this.settings.SECRET_KEY, fallbacks: this.settings.SECRET_KEY_FALLBACKS },
        clock: this.clock,
        logger: this.logger,
      }),
      hadSessionCookie: sessionCookie !== null,
      rememberCookie: cookies.get(REMEMBER_COOKIE_NAME) ?? null,
    });
  }

  /** The request's session; on a client-side store, opened on a view primed with the cookie. */
  #openSession(cookie: string | null): Session {
    const view = this.engine.store.forRequest?.(cookie) ?? null;
    if (view === null) return this.engine.open(cookie);
    const ctx = { store: view, codec: this.codec, clock: this.clock, policy: this.engine.policy };
    const session = new Session(ctx, view.key);
    this.#views.set(session, view);
    return session;
  }

  /**
   * The session cookie's value after a save: the key, or on a client-side store the signed
   * record (`signed_cookies`). `null` when there is no key.
   * @example
   * serializeCookie(settings.SESSION_COOKIE_NAME, latchkey.sessionCookieValue(ctx.session) ?? '', options);
   */
  sessionCookieValue(session: Session): string | null {
    const key = session.key;
    if (key === null) return null;
    const view = this.#views.get(session);
    return view === undefined ? key : view.cookieValue(key);
  }

  /**
   * Checks an unsafe request's origin and CSRF token (INVARIANTS 6); returns `null` to proceed or
   * the 403 response. Routes exempt from CSRF must not call it.
   */
  async checkCsrf(ctx: RequestContext<User>): Promise<Response | null> {
    const { request } = ctx;
    // An API token is not an ambient credential: a browser cannot attach it cross-site (CORS
    // preflight), so token requests need no CSRF token (Django REST framework's TokenAuthentication).
    if (ctx.authorization.kind !== 'none') return null;
    let field: string | null = null;
    if (!['GET', 'HEAD', 'OPTIONS', 'TRACE'].includes(request.method)) {
      field = (await request.form())?.get(this.settings.CSRF_FIELD_NAME) ?? null;
    }
    const rejection = checkCsrf({
      method: request.method,
      url: request.url,
      header: (name) => request.header(name),
      cookie: parseCookies(request.header('cookie')).get(this.settings.CSRF_COOKIE_NAME) ?? null,
      formToken: field,
      settings: this.settings,
      logger: this.logger,
    });
    if (rejection === null) return null;
    // Django logs the reason and shows a generic page: the reason helps attackers more than users.
    return this.errorResponse(request, 403, 'CSRF verification failed. Request aborted.');
  }

  /** An error page or JSON body for `status`. */
  errorResponse(request: HttpRequest, status: number, message: string): Response {
    return this.#renderError(request, status, message);
  }

  /**
   * Maps a thrown error to a response when it is one Latchkey knows: 400/413 for bad bodies,
   * 400 for an interrupted session, 503 for an unavailable store (fail closed, INVARIANTS 10).
   * Returns `null` for anything else (a real bug: the framework's 500 handler takes it).
   */
  responseForError(request: HttpRequest, error: unknown): Response | null {
    if (error instanceof BadRequestError) return this.errorResponse(request, error.status, error.message);
    if (error instanceof SessionInterruptedError) return this.errorResponse(request, 400, error.message);
    if (error instanceof StoreUnavailableError) {
      this.logger.log('error', 'store.unavailable', { code: error.code, message: error.message });
      return this.errorResponse(request, 503, 'Service temporarily unavailable. Please try again shortly.');
    }
    if (error instanceof LatchkeyError && error.code === 'LATCHKEY_BAD_SIGNATURE') {
      return this.errorResponse(request, 400, 'Bad request.');
    }
    return null;
  }

  /**
   * Ends the request: stores messages, saves the session when it changed, sets or deletes cookies,
   * and makes authenticated responses private. Returns the response to send (a 400 when the
   * session was deleted by a concurrent request, a 503 when the store is down).
   */
  async finish(ctx: RequestContext<User>, response: Response): Promise<Response> {
    try {
      return await commitResponse(ctx, response);
    } catch (error) {
      const mapped = this.responseForError(ctx.request, error);
      if (mapped === null) throw error;
      return mapped;
    }
  }
}

/** Creates the app-wide {@link Latchkey} instance. */
export function createLatchkey<User extends AuthUser = AuthUser>(
  config: LatchkeyConfig<User>,
): Latchkey<User> {
  return new Latchkey<User>(config);
}
