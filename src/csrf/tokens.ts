/**
 * @module CSRF secrets and masked tokens (django/middleware/csrf.py): a 32-character secret lives in
 * the `csrftoken` cookie; every rendered form gets a fresh 64-character masked copy, so the token
 * in a compressed HTTPS page changes each time and BREACH cannot recover it.
 */
import { constantTimeEquals } from '../core/signing.js';
import { randomString } from '../sessions/keys.js';

/** Django's `CSRF_ALLOWED_CHARS`: `string.ascii_letters + string.digits`, in that order. */
export const CSRF_ALLOWED_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/** Length of a secret (Django's `CSRF_SECRET_LENGTH`). */
export const CSRF_SECRET_LENGTH = 32;
/** Length of a masked token: mask + cipher (Django's `CSRF_TOKEN_LENGTH`). */
export const CSRF_TOKEN_LENGTH = 2 * CSRF_SECRET_LENGTH;

const base = CSRF_ALLOWED_CHARS.length;
const secretPattern = /^[a-zA-Z0-9]{32}$/;
const invalidChar = /[^a-zA-Z0-9]/;

function indexOfChar(char: string): number {
  const code = char.charCodeAt(0);
  if (code >= 97) return code - 97; // a-z
  if (code >= 65) return code - 65 + 26; // A-Z
  return code - 48 + 52; // 0-9
}

/**
 * A fresh secret of 32 characters from a CSPRNG (Django's `_get_new_csrf_string`).
 * @example
 * const secret = generateCsrfSecret(); // 'lcccccccX2kcccccccY2jcccccccssIC'-shaped
 */
export function generateCsrfSecret(): string {
  return randomString(CSRF_SECRET_LENGTH, CSRF_ALLOWED_CHARS);
}

/**
 * Whether `value` is a 32-character secret of `[a-zA-Z0-9]`.
 * @example
 * isValidSecret(generateCsrfSecret()); // true
 */
export function isValidSecret(value: unknown): value is string {
  return typeof value === 'string' && secretPattern.test(value);
}

/** Why a token or cookie has the wrong shape, in Django's words (`_check_token_format`). */
export type TokenFormatProblem = 'has incorrect length' | 'has invalid characters';

/**
 * Django's `_check_token_format`: `null` for a 32- or 64-character value of `[a-zA-Z0-9]`,
 * otherwise what is wrong with it. The length is checked first, as Django does.
 * @example
 * checkTokenFormat('a'.repeat(16)); // 'has incorrect length'
 */
export function checkTokenFormat(value: string): TokenFormatProblem | null {
  if (value.length !== CSRF_TOKEN_LENGTH && value.length !== CSRF_SECRET_LENGTH)
    return 'has incorrect length';
  if (invalidChar.test(value)) return 'has invalid characters';
  return null;
}

/**
 * Masks `secret` with a fresh random mask (Django's `_mask_cipher_secret`): the token is the mask
 * followed by each secret character shifted by the mask character, modulo 62. Throws `TypeError`
 * when `secret` is not a valid secret (a programming error; the message never shows it).
 * @example
 * const token = maskSecret(secret); // 64 characters, different every call
 */
export function maskSecret(secret: string): string {
  if (!isValidSecret(secret)) throw new TypeError('maskSecret: not a CSRF secret');
  const mask = generateCsrfSecret();
  let cipher = '';
  for (let i = 0; i < CSRF_SECRET_LENGTH; i++) {
    cipher += CSRF_ALLOWED_CHARS[(indexOfChar(secret[i] as string) + indexOfChar(mask[i] as string)) % base];
  }
  return mask + cipher;
}

/**
 * Recovers the secret from a 64-character masked token (Django's `_unmask_cipher_token`), or
 * `null` when `token` is not one. Never throws.
 * @example
 * unmaskToken(maskSecret(secret)) === secret; // true
 */
export function unmaskToken(token: unknown): string | null {
  if (typeof token !== 'string' || token.length !== CSRF_TOKEN_LENGTH || invalidChar.test(token)) return null;
  let secret = '';
  for (let i = 0; i < CSRF_SECRET_LENGTH; i++) {
    const cipher = indexOfChar(token[CSRF_SECRET_LENGTH + i] as string);
    const mask = indexOfChar(token[i] as string);
    secret += CSRF_ALLOWED_CHARS[(cipher - mask + base) % base];
  }
  return secret;
}

/**
 * The secret held by a CSRF cookie value, or `null` when the value is malformed (wrong length or
 * characters, Django's `_check_token_format`). A 64-character cookie, as Django before 4.1 wrote
 * them, is unmasked (Django's `_get_secret`).
 * @example
 * parseCsrfCookie(parseCookies(header).get('csrftoken')); // secret or null
 */
export function parseCsrfCookie(value: string | null | undefined): string | null {
  if (typeof value !== 'string' || checkTokenFormat(value) !== null) return null;
  return value.length === CSRF_TOKEN_LENGTH ? unmaskToken(value) : value;
}

/**
 * Django's `_does_token_match`: whether a well-formed submitted token (masked, or a bare secret
 * read from the cookie by JavaScript) carries `secret`. Compared in constant time (INVARIANTS 9).
 * @example
 * doesTokenMatch(maskSecret(secret), secret); // true
 */
export function doesTokenMatch(token: string, secret: string): boolean {
  const submitted = token.length === CSRF_TOKEN_LENGTH ? unmaskToken(token) : token;
  if (submitted === null || !isValidSecret(submitted) || !isValidSecret(secret)) return false;
  return constantTimeEquals(submitted, secret);
}
