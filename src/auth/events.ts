/**
 * @module Typed authentication events (Django's `user_logged_in`, `user_logged_out`,
 * `user_login_failed` signals). Listeners run in order and are awaited; an error in one fails
 * the request rather than being swallowed.
 */
import type { AuthUser } from './types.js';

/** Where an event happened: enough for an audit row, nothing secret. */
export interface EventOrigin {
  readonly ip: string | null;
  readonly userAgent: string | null;
  /** The session key at the time; hash it before storing it anywhere. */
  readonly sessionKey: string | null;
  readonly path: string;
}

/** Every event and its payload. */
export interface AuthEvents<User extends AuthUser = AuthUser> {
  userLoggedIn: { readonly user: User; readonly origin: EventOrigin };
  /** `user` is the real user, fired before anything is cleared (INVARIANTS 3); null if nobody was logged in. */
  userLoggedOut: { readonly user: User | null; readonly origin: EventOrigin };
  /** The password is never included: `credentials.password` is always redacted. */
  userLoginFailed: {
    readonly credentials: { readonly username: string; readonly password: '********' };
    readonly origin: EventOrigin;
  };
  passwordChanged: { readonly user: User; readonly origin: EventOrigin };
  /** A reset link was sent to `user` (only ever for a known, active user with a usable password). */
  passwordResetRequested: { readonly user: User; readonly origin: EventOrigin };
  /** `user` set a new password through a reset link; every session and token of theirs has ended. */
  passwordReset: { readonly user: User; readonly origin: EventOrigin };
  /** Sessions and tokens ended by "log out everywhere" or "log out other sessions". */
  sessionsRevoked: {
    readonly user: User;
    readonly sessions: number;
    readonly tokens: number;
    /** Remember-me series ended with them. */
    readonly remembered?: number;
    readonly origin: EventOrigin | null;
  };
  /** A remember-me cookie logged the user in again on a new session (not a password login). */
  sessionRestored: { readonly user: User; readonly origin: EventOrigin };
  /** An old remember-me secret came back after its grace window: every session of the user ended. */
  rememberTokenTheft: { readonly user: User; readonly origin: EventOrigin };
  /** The user re-entered the password for a sensitive action. */
  reauthenticated: { readonly user: User; readonly origin: EventOrigin };
}

type Listener<T> = (payload: T) => void | Promise<void>;

/**
 * A small typed event emitter.
 * @example
 * events.on('userLoggedOut', ({ user }) => console.log(`${user?.username} left`));
 */
export class AuthEventEmitter<User extends AuthUser = AuthUser> {
  readonly #listeners = new Map<keyof AuthEvents<User>, Listener<never>[]>();

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof AuthEvents<User>>(event: K, listener: Listener<AuthEvents<User>[K]>): () => void {
    const list = this.#listeners.get(event) ?? [];
    this.#listeners.set(event, list);
    list.push(listener as Listener<never>);
    return () => {
      const at = list.indexOf(listener as Listener<never>);
      if (at >= 0) list.splice(at, 1);
    };
  }

  /** Calls every listener of `event` in order, awaiting each. */
  async emit<K extends keyof AuthEvents<User>>(event: K, payload: AuthEvents<User>[K]): Promise<void> {
    const list = (this.#listeners.get(event) ?? []) as Listener<AuthEvents<User>[K]>[];
    for (const listener of [...list]) await listener(payload);
  }
}
