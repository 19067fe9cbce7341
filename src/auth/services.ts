/**
 * @module What authentication needs at run time, bound once per app: users, password hashing,
 * API tokens, events, the login throttle, the per-user session index and the signing keys. Every
 * request's context carries this object (`ctx.auth`) instead of the whole app, so views reach
 * users and sessions only through the functions of `src/auth/`.
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { SessionCodec } from '../sessions/codec.js';
import type { SessionStore } from '../sessions/store.js';
import type { AuthEventEmitter } from './events.js';
import { PasswordResetTokenGenerator } from './password-reset-token.js';
import type { RememberMeConfig } from './remember/repository.js';
import { type SessionHashKeys, sessionAuthHash } from './session-hash.js';
import type { LoginThrottle } from './throttle.js';
import type { AuthUser, PasswordService, TokenSource, UserSource } from './types.js';
import { createUserSessions, type UserSessions } from './user-sessions.js';
import { defaultPasswordValidators } from './users/password-rules.js';
import type { PasswordValidator } from './users/password-validators.js';

/** Django's `PASSWORD_RESET_TIMEOUT`: three days. */
export const DEFAULT_PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3;

/** The collaborators of authentication; see the module note. */
export interface AuthServices<User extends AuthUser = AuthUser> {
  readonly users: UserSource<User>;
  readonly passwords: PasswordService;
  /** API tokens (`Authorization: Token …`); `null` when the app has none. */
  readonly tokens: TokenSource | null;
  readonly events: AuthEventEmitter<User>;
  readonly loginThrottle: LoginThrottle | null;
  /** Throttling of the password reset pages: the login policy on counters of its own. */
  readonly resetThrottle: LoginThrottle | null;
  /** The rules a new password must pass (`AUTH_PASSWORD_VALIDATORS`). */
  readonly passwordValidators: readonly PasswordValidator[];
  /** Makes and checks password reset tokens (`PASSWORD_RESET_TIMEOUT`, the signing keys). */
  readonly resetTokens: PasswordResetTokenGenerator;
  /** `LOGIN_BY_EMAIL`: whether a login name may also be an email address. */
  readonly loginByEmail: boolean;
  /** A user's live sessions, through the store's per-user index. */
  readonly sessions: UserSessions;
  /** `SECRET_KEY` and `SECRET_KEY_FALLBACKS` (and Django's key salt in Django mode), for the session auth hash. */
  readonly keys: SessionHashKeys;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Remember me (its series store, lifetime and grace window); `null` when the app has none. */
  readonly remember: RememberMeConfig | null;
  /** Seconds a password login stays "fresh" for sensitive actions (`REAUTH_MAX_AGE`). */
  readonly reauthMaxAge: number;
  /** The session auth hash of `user` under the current secret. */
  sessionAuthHash(user: Pick<AuthUser, 'password'>): string;
}

/** What {@link createAuthServices} binds together: the services, with the store and codec they wrap. */
export interface AuthServicesInit<User extends AuthUser>
  extends Omit<
    AuthServices<User>,
    | 'sessions'
    | 'sessionAuthHash'
    | 'resetThrottle'
    | 'passwordValidators'
    | 'resetTokens'
    | 'loginByEmail'
    | 'remember'
    | 'reauthMaxAge'
  > {
  readonly store: SessionStore;
  readonly codec: SessionCodec;
  /** No reset throttling when omitted. */
  readonly resetThrottle?: LoginThrottle | null;
  /** Django's four default validators when omitted. */
  readonly passwordValidators?: readonly PasswordValidator[];
  /** Seconds a reset link lives; Django's 259,200 (three days) when omitted. */
  readonly passwordResetTimeout?: number;
  readonly loginByEmail?: boolean;
  /** Without it, the "remember me" box is ignored. */
  readonly remember?: RememberMeConfig | null;
  /** 600 seconds (Latchkey's `REAUTH_MAX_AGE` default) when omitted. */
  readonly reauthMaxAge?: number;
}

/**
 * Binds the authentication collaborators of one app.
 * @example
 * const auth = createAuthServices({ users, passwords, tokens: null, events, loginThrottle: null, store, codec, keys, clock, logger });
 */
export function createAuthServices<User extends AuthUser>(init: AuthServicesInit<User>): AuthServices<User> {
  const { store, codec, keys, passwordResetTimeout, remember, reauthMaxAge, ...rest } = init;
  return {
    ...rest,
    resetThrottle: init.resetThrottle ?? null,
    passwordValidators: init.passwordValidators ?? defaultPasswordValidators(),
    resetTokens: new PasswordResetTokenGenerator({
      secret: keys.secret,
      fallbacks: keys.fallbacks ?? [],
      timeout: passwordResetTimeout ?? DEFAULT_PASSWORD_RESET_TIMEOUT,
      now: () => init.clock.now(),
    }),
    loginByEmail: init.loginByEmail ?? false,
    keys,
    remember: remember ?? null,
    reauthMaxAge: reauthMaxAge ?? 600,
    sessions: createUserSessions(store, codec),
    sessionAuthHash: (user) => sessionAuthHash(user, keys.secret, keys.salt),
  };
}
