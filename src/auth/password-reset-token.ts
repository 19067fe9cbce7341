/**
 * @module Password reset tokens, Django's `PasswordResetTokenGenerator` design and format: a
 * timestamp and an HMAC over the user's id, password hash, last login, that timestamp and email.
 * Nothing is stored: the token dies when the password changes (a reset uses it up), when the user
 * logs in, when the email changes, and `PASSWORD_RESET_TIMEOUT` seconds after it was made
 * (INVARIANTS 14). Tokens made here and by Django with the same secret are interchangeable.
 */
import { constantTimeEquals, saltedHmac } from '../core/signing.js';
import type { AuthUser } from './types.js';

/** What a token is bound to: a user with the fields whose change must kill the token. */
export interface ResetTokenUser extends AuthUser {
  readonly email: string;
  readonly lastLogin: Date | null;
}

/** Django's `key_salt`, so each purpose of the secret gets its own key. */
const KEY_SALT = 'django.contrib.auth.tokens.PasswordResetTokenGenerator';
/** Django counts seconds from 2001-01-01 (`_num_seconds`), in base 36. */
const EPOCH_MS = Date.UTC(2001, 0, 1);
/** Django's `base36_to_int` refuses more than 13 digits (a 64-bit integer at most). */
const MAX_TIMESTAMP_DIGITS = 13;

/** Options of {@link PasswordResetTokenGenerator}. */
export interface ResetTokenOptions {
  readonly secret: string;
  /** Older secrets whose tokens are still accepted (`SECRET_KEY_FALLBACKS`). */
  readonly fallbacks?: readonly string[];
  /** Seconds a token lives (`PASSWORD_RESET_TIMEOUT`). */
  readonly timeout: number;
  /** Epoch milliseconds now (INVARIANTS 11). */
  readonly now: () => number;
}

/** Python's `str(datetime)` of the last login without microseconds or zone, as Django hashes it. */
function loginStamp(lastLogin: Date | null): string {
  if (lastLogin === null) return '';
  return new Date(Math.floor(lastLogin.getTime() / 1000) * 1000).toISOString().replace('T', ' ').slice(0, 19);
}

/**
 * Makes and checks reset tokens.
 * @example
 * const tokens = new PasswordResetTokenGenerator({ secret, timeout: 259200, now: clock.now });
 * const token = tokens.makeToken(user); // '<base36 seconds>-<32 hex digits>'
 * tokens.checkToken(user, token); // true until the password changes, a login, or the timeout
 */
export class PasswordResetTokenGenerator {
  readonly #secrets: readonly string[];
  readonly #timeout: number;
  readonly #now: () => number;

  constructor(options: ResetTokenOptions) {
    this.#secrets = [options.secret, ...(options.fallbacks ?? [])];
    this.#timeout = options.timeout;
    this.#now = options.now;
  }

  #seconds(): number {
    return Math.floor((this.#now() - EPOCH_MS) / 1000);
  }

  #token(user: ResetTokenUser, timestamp: number, secret: string): string {
    const value = `${user.id}${user.password}${loginStamp(user.lastLogin)}${timestamp}${user.email ?? ''}`;
    // Django keeps every other hex digit of the HMAC-SHA256: 128 bits, a shorter link.
    const hex = saltedHmac(KEY_SALT, value, secret).toString('hex');
    let short = '';
    for (let i = 0; i < hex.length; i += 2) short += hex[i];
    return `${timestamp.toString(36)}-${short}`;
  }

  /** A token for `user`, valid from now for the timeout. */
  makeToken(user: ResetTokenUser): string {
    return this.#token(user, this.#seconds(), this.#secrets[0] as string);
  }

  /**
   * Whether `token` was made for `user` (as it is now) within the timeout, under the secret or a
   * fallback. Malformed tokens are simply `false`; the comparison is constant-time.
   */
  checkToken(user: ResetTokenUser | null, token: string | null | undefined): boolean {
    if (user === null || typeof token !== 'string' || token === '') return false;
    const parts = token.split('-');
    if (parts.length !== 2) return false;
    const [stamp = ''] = parts;
    if (!/^[0-9a-z]+$/.test(stamp) || stamp.length > MAX_TIMESTAMP_DIGITS) return false;
    const timestamp = Number.parseInt(stamp, 36);
    if (!Number.isSafeInteger(timestamp)) return false;
    let matched = false;
    // Every secret is tried, so the time taken does not tell which one matched.
    for (const secret of this.#secrets) {
      if (constantTimeEquals(this.#token(user, timestamp, secret), token)) matched = true;
    }
    if (!matched) return false;
    const age = this.#seconds() - timestamp;
    return age <= this.#timeout;
  }
}

/**
 * The user id as it travels in a reset link: base64url of its decimal digits, unpadded (Django's
 * `urlsafe_base64_encode(force_bytes(user.pk))`).
 * @example
 * encodeUid('42'); // 'NDI'
 */
export function encodeUid(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

/**
 * The user id of a link's `uidb64`, or `null` when it is not the canonical encoding of a user id.
 * @example
 * decodeUid('NDI'); // '42'
 */
export function decodeUid(uidb64: string): string | null {
  if (!/^[A-Za-z0-9_-]{1,24}$/.test(uidb64)) return null;
  const id = Buffer.from(uidb64, 'base64url').toString('utf8');
  // Canonical only: one id has one link form, and junk that decodes loosely is refused.
  if (!/^[1-9][0-9]{0,15}$/.test(id) || encodeUid(id) !== uidb64) return null;
  return id;
}
