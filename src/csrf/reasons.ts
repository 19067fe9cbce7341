/**
 * @module Why a CSRF check refused a request: a stable code to branch on and log, and Django's
 * sentence for it (django/middleware/csrf.py `REASON_*`), for the 403 page.
 */

/** Django's `REASON_BAD_ORIGIN`; `%s` is the `Origin` header. */
export const REASON_BAD_ORIGIN = 'Origin checking failed - %s does not match any trusted origins.';
/** Django's `REASON_NO_REFERER`. */
export const REASON_NO_REFERER = 'Referer checking failed - no Referer.';
/** Django's `REASON_BAD_REFERER`; `%s` is the `Referer` header. */
export const REASON_BAD_REFERER = 'Referer checking failed - %s does not match any trusted origins.';
/** Django's `REASON_NO_CSRF_COOKIE`. */
export const REASON_NO_CSRF_COOKIE = 'CSRF cookie not set.';
/** Django's `REASON_CSRF_TOKEN_MISSING`. */
export const REASON_CSRF_TOKEN_MISSING = 'CSRF token missing.';
/** Django's `REASON_MALFORMED_REFERER`. */
export const REASON_MALFORMED_REFERER = 'Referer checking failed - Referer is malformed.';
/** Django's `REASON_INSECURE_REFERER`. */
export const REASON_INSECURE_REFERER = 'Referer checking failed - Referer is insecure while host is secure.';
/** Django's `REASON_INCORRECT_LENGTH`, completed as "CSRF cookie …" or "CSRF token from … …". */
export const REASON_INCORRECT_LENGTH = 'has incorrect length';
/** Django's `REASON_INVALID_CHARACTERS`, completed likewise. */
export const REASON_INVALID_CHARACTERS = 'has invalid characters';
/**
 * Latchkey's addition: the browser said the request came from another site (Fetch Metadata,
 * W3C; OWASP CSRF Prevention Cheat Sheet, "Fetch Metadata headers").
 */
export const REASON_CROSS_SITE = 'Fetch metadata checking failed - Sec-Fetch-Site is cross-site.';

/** Stable code of each refusal; safe to log and to branch on. */
export type CsrfReason =
  | 'cross_site'
  | 'bad_origin'
  | 'no_referer'
  | 'malformed_referer'
  | 'insecure_referer'
  | 'bad_referer'
  | 'no_csrf_cookie'
  | 'csrf_cookie_incorrect_length'
  | 'csrf_cookie_invalid_characters'
  | 'csrf_token_missing'
  | 'csrf_token_incorrect_length'
  | 'csrf_token_invalid_characters'
  | 'csrf_token_incorrect';

/** A refused request. */
export interface CsrfRejection {
  readonly reason: CsrfReason;
  /**
   * Django's sentence, e.g. "CSRF cookie not set." It may quote the request's `Origin` or
   * `Referer` (escape it when rendering) but never a token or secret.
   */
  readonly message: string;
}

/**
 * Builds a rejection.
 * @example
 * reject('bad_origin', fillReason(REASON_BAD_ORIGIN, origin));
 */
export function reject(reason: CsrfReason, message: string): CsrfRejection {
  return { reason, message };
}

/**
 * Fills Django's `%s` placeholder with the header value that failed.
 * @example
 * fillReason(REASON_BAD_REFERER, 'https://evil.example/'); // 'Referer checking failed - https://evil.example/ does not match any trusted origins.'
 */
export function fillReason(template: string, detail: string): string {
  return template.replace('%s', () => detail);
}
