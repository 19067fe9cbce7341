/**
 * @module One request's `remember_token` cookie: the value it arrived with, and what the response
 * must do with it (set a new value until the series ends, delete it, or nothing). The auth
 * functions decide; the HTTP layer writes the `Set-Cookie` at commit.
 */
import { parseRememberCookie, type RememberToken } from './token.js';

/** A pending change of the cookie: a value to set until `expiresAt`, or deletion (`null`s). */
export type RememberCookieChange =
  | { readonly value: string; readonly expiresAt: Date }
  | { readonly value: null; readonly expiresAt: null };

/**
 * The `remember_token` cookie of one request.
 * @example
 * const remember = new RememberCookieState(cookies.get(REMEMBER_COOKIE_NAME) ?? null);
 * remember.set(formatRememberCookie(token), expiresAt);
 */
export class RememberCookieState {
  /** The cookie as the request carried it, or `null`. */
  readonly presented: string | null;
  #change: RememberCookieChange | null = null;

  constructor(presented: string | null) {
    this.presented = presented;
  }

  /** The token the request carried, when it is well-formed. */
  get token(): RememberToken | null {
    return parseRememberCookie(this.presented);
  }

  /** What the response must do with the cookie, or `null` for nothing. */
  get change(): RememberCookieChange | null {
    return this.#change;
  }

  /** Sends a new cookie (a login with the box ticked, a rotation). */
  set(value: string, expiresAt: Date): void {
    this.#change = { value, expiresAt };
  }

  /** Deletes the cookie (logout, a dead or stolen token). */
  delete(): void {
    this.#change = { value: null, expiresAt: null };
  }
}
