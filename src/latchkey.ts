/**
 * @module The app-wide Latchkey instance: settings, the session engine, users, hashers and events
 * bound together, and the one request pipeline every adapter maps onto (`latchkey.pipeline`:
 * host check → CSRF → guards → route → error mapping → commit).
 */
import { AuthEventEmitter } from './auth/events.js';
import { defaultPasswordService } from './auth/password-service.js';
import type { RememberTokenSource } from './auth/remember/repository.js';
import { type AuthServices, createAuthServices } from './auth/services.js';
import { createLoginThrottle, type LoginThrottle } from './auth/throttle.js';
import type { AuthUser, PasswordService, TokenSource, UserSource } from './auth/types.js';
import { type PasswordValidator, passwordValidatorsFrom } from './auth/users/password-validators.js';
import { type Clock, systemClock } from './core/clock.js';
import { consoleLogger, type Logger } from './core/logger.js';
import type { Settings } from './core/settings.js';
import type { ErrorRenderer, RequestContext } from './http/context.js';
import { defaultRenderError } from './http/error-response.js';
import { Pipeline } from './http/pipeline.js';
import type { HttpRequest } from './http/request.js';
import type { Guard, RouteOptionsOf } from './http/routes.js';
import type { MessageCookieSigning } from './messages/cookie-storage.js';
import { createSignedCodec, type SessionCodec } from './sessions/codec.js';
import {
  createSessionEngine,
  type Session,
  type SessionEngine,
  sessionPolicyOf,
} from './sessions/session.js';
import type { SessionStore } from './sessions/store.js';

export { wantsJson } from './http/error-response.js';

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
  /**
   * Throttling of password reset requests, reset links and new passwords: the login policy with
   * counters of its own, so resets never use up the logins' allowance. `null` turns it off.
   */
  readonly resetThrottle?: LoginThrottle | null;
  /** The rules new passwords must pass; built from `AUTH_PASSWORD_VALIDATORS` when omitted. */
  readonly passwordValidators?: readonly PasswordValidator[];
  /** Renders an error page or JSON body for a status; a plain page or `{"error"}` JSON by default. */
  readonly renderError?: ErrorRenderer;
  /** Per-route options (`csrfExempt`, `public`) by request; see `routeTable`. */
  readonly routes?: RouteOptionsOf;
  /** Checks run after CSRF and before every route, in order. */
  readonly guards?: readonly Guard<User>[];
  /**
   * Another session encoding (Django's, from `latchkey/django`); Latchkey's signed JSON by default.
   * With the next two options it makes sessions, auth hashes and messages Django's own.
   */
  readonly codec?: SessionCodec;
  /** The key salt of the session auth hash; Latchkey's own by default, Django's in Django mode. */
  readonly sessionAuthHashSalt?: string;
  /** The `messages` cookie's format; Latchkey's own by default. */
  readonly messageCookieSigning?: MessageCookieSigning;
}

/**
 * The app-wide instance. Adapters map their framework onto its request pipeline.
 * @example
 * const latchkey = createLatchkey({ settings, sessionStore, users });
 */
export class Latchkey<User extends AuthUser = AuthUser> {
  readonly settings: Settings;
  /** @internal The session engine the pipeline opens sessions with. */
  readonly engine: SessionEngine;
  readonly users: UserSource<User>;
  readonly passwords: PasswordService;
  readonly tokens: TokenSource | null;
  /** Encodes and decodes session payloads. */
  readonly codec: SessionCodec;
  readonly events = new AuthEventEmitter<User>();
  readonly clock: Clock;
  readonly logger: Logger;
  readonly loginThrottle: LoginThrottle | null;
  /** Throttling of the password reset pages (see {@link LatchkeyConfig.resetThrottle}). */
  readonly resetThrottle: LoginThrottle | null;
  /** The rules new passwords must pass (password change, password reset). */
  readonly passwordValidators: readonly PasswordValidator[];
  /** What authentication needs at run time; every request's context carries it as `ctx.auth`. */
  readonly auth: AuthServices<User>;
  /**
   * @internal The request pipeline the adapters map onto; apps use an adapter, or
   * {@link Latchkey.begin}/{@link Latchkey.finish} outside one.
   */
  readonly pipeline: Pipeline<User>;
  readonly #renderError: ErrorRenderer;

  constructor(config: LatchkeyConfig<User>) {
    this.settings = config.settings;
    this.users = config.users;
    this.passwords = config.passwords ?? defaultPasswordService;
    this.tokens = config.tokens ?? null;
    this.clock = config.clock ?? systemClock;
    this.logger = config.logger ?? consoleLogger;
    this.#renderError = config.renderError ?? defaultRenderError;
    this.loginThrottle =
      config.loginThrottle === undefined
        ? createLoginThrottle({ settings: this.settings, clock: this.clock, logger: this.logger })
        : config.loginThrottle;
    this.resetThrottle =
      config.resetThrottle === undefined
        ? createLoginThrottle({ settings: this.settings, clock: this.clock, logger: this.logger })
        : config.resetThrottle;
    this.passwordValidators =
      config.passwordValidators ?? passwordValidatorsFrom(this.settings.AUTH_PASSWORD_VALIDATORS);
    const { SECRET_KEY, SECRET_KEY_FALLBACKS } = this.settings;
    this.codec =
      config.codec ??
      createSignedCodec({
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
    this.auth = createAuthServices<User>({
      users: this.users,
      passwords: this.passwords,
      tokens: this.tokens,
      events: this.events,
      loginThrottle: this.loginThrottle,
      resetThrottle: this.resetThrottle,
      passwordValidators: this.passwordValidators,
      passwordResetTimeout: this.settings.PASSWORD_RESET_TIMEOUT,
      loginByEmail: this.settings.LOGIN_BY_EMAIL,
      store: config.sessionStore,
      codec: this.codec,
      keys: {
        secret: SECRET_KEY,
        fallbacks: SECRET_KEY_FALLBACKS,
        ...(config.sessionAuthHashSalt === undefined ? {} : { salt: config.sessionAuthHashSalt }),
      },
      clock: this.clock,
      logger: this.logger,
      remember: config.rememberTokens
        ? {
            tokens: config.rememberTokens,
            ageSeconds: this.settings.REMEMBER_ME_AGE,
            graceSeconds: this.settings.REMEMBER_ME_GRACE_SECONDS,
          }
        : null,
      reauthMaxAge: this.settings.REAUTH_MAX_AGE,
    });
    this.pipeline = new Pipeline<User>({
      settings: this.settings,
      engine: this.engine,
      codec: this.codec,
      auth: this.auth,
      clock: this.clock,
      logger: this.logger,
      renderError: this.#renderError,
      ...(config.routes ? { routes: config.routes } : {}),
      ...(config.guards ? { guards: config.guards } : {}),
      ...(config.messageCookieSigning ? { messageCookieSigning: config.messageCookieSigning } : {}),
    });
  }

  /** The session auth hash of `user` under the current secret. */
  sessionAuthHash(user: Pick<AuthUser, 'password'>): string {
    return this.auth.sessionAuthHash(user);
  }

  /** Whether the request's `Host` is in `ALLOWED_HOSTS` (Django's `get_host`). */
  hostAllowed(request: HttpRequest): boolean {
    return this.pipeline.hostAllowed(request);
  }

  /**
   * Builds a request's context outside the pipeline (tests, scripts). Costs no store round trip.
   * Commit it with {@link Latchkey.finish}.
   */
  begin(request: HttpRequest): RequestContext<User> {
    return this.pipeline.open(request);
  }

  /** The session cookie's value after a save: the key, or a client-side store's signed record. */
  sessionCookieValue(session: Session): string | null {
    return this.pipeline.contexts.cookieValue(session);
  }

  /** An error page or JSON body for `status`. */
  errorResponse(request: HttpRequest, status: number, message: string): Response {
    return this.#renderError(request, status, message);
  }

  /**
   * Maps a thrown error to a response when it is one Latchkey knows (400/413 bad body, 400
   * interrupted session, 503 store down: INVARIANTS 10); `null` for anything else.
   */
  responseForError(request: HttpRequest, error: unknown): Response | null {
    return this.pipeline.recover(request, error);
  }

  /**
   * Commits a context built by {@link Latchkey.begin}: messages, session, cookies, caching
   * headers. Returns the response to send (a 400 after a concurrent logout, a 503 when the store
   * is down).
   */
  finish(ctx: RequestContext<User>, response: Response): Promise<Response> {
    return this.pipeline.commit(ctx, response);
  }
}

/** Creates the app-wide {@link Latchkey} instance. */
export function createLatchkey<User extends AuthUser = AuthUser>(
  config: LatchkeyConfig<User>,
): Latchkey<User> {
  return new Latchkey<User>(config);
}
