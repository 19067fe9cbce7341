/**
 * @module The session format of Django's `signed_cookies` engine: the cookie value is the whole
 * session, `signing.dumps(session, compress=True, salt='django.contrib.sessions.backends.signed_cookies')`,
 * refused after `SESSION_COOKIE_AGE` seconds (Django's `load` passes it as `max_age`).
 */
import type { Clock } from '../core/clock.js';
import { BadSignatureError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { dumps, loads, type SigningKeys } from '../core/signing.js';
import type { SessionData } from '../sessions/codec.js';

/** Django's salt for the `signed_cookies` engine. */
export const DJANGO_SIGNED_COOKIES_SALT = 'django.contrib.sessions.backends.signed_cookies';

/** Options of {@link encodeDjangoSignedCookie} and {@link decodeDjangoSignedCookie}. */
export interface DjangoSignedCookieOptions extends SigningKeys {
  readonly clock: Clock;
}

/**
 * The cookie value Django's `signed_cookies` engine would set for `data`.
 * @example
 * const cookie = encodeDjangoSignedCookie({ cart: ['apple'] }, { secret, clock });
 */
export function encodeDjangoSignedCookie(data: SessionData, options: DjangoSignedCookieOptions): string {
  return dumps(data, { ...options, salt: DJANGO_SIGNED_COOKIES_SALT, compress: true });
}

/**
 * The session a Django `signed_cookies` cookie holds, or `null` (with a security log line) when it
 * is forged, older than `maxAge` seconds, or not a JSON object.
 * @example
 * const data = decodeDjangoSignedCookie(cookie, { secret, clock, logger, maxAge: 1209600 });
 */
export function decodeDjangoSignedCookie(
  cookie: string,
  options: DjangoSignedCookieOptions & { readonly logger: Logger; readonly maxAge: number },
): SessionData | null {
  try {
    const data = loads(cookie, { ...options, salt: DJANGO_SIGNED_COOKIES_SALT });
    if (data !== null && typeof data === 'object' && !Array.isArray(data)) return data as SessionData;
    options.logger.log('warn', 'security.session_corrupted', { reason: 'not an object', format: 'django' });
  } catch (error) {
    if (!(error instanceof BadSignatureError)) throw error;
    options.logger.log('warn', 'security.session_corrupted', { reason: error.message, format: 'django' });
  }
  return null;
}
