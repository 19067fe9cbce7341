/**
 * @module The signed, size-limited messages cookie (Django's `storage/cookie.py`): what fits goes
 * in the cookie, the rest is handed back for the session.
 */
import type { Clock } from '../core/clock.js';
import type { CookieOptions } from '../core/cookies.js';
import { BadSignatureError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Settings } from '../core/settings.js';
import { dumps, loads, type SigningKeys } from '../core/signing.js';
import { MESSAGES_SALT } from './constants.js';
import { fromStoredMessages, type Message, toStoredMessage } from './message.js';

/**
 * Last entry of a cookie whose messages continue in the session (Django's `not_finished`): the
 * session is read only when the cookie says so, so most requests never load it (INVARIANTS 12).
 */
const NOT_FINISHED = '__messagesnotfinished__';

/** What the cookie codec needs: keys (with fallbacks, so a rotation keeps messages), clock, logger. */
export interface MessageCookieCodecOptions extends SigningKeys {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly levelTags: Readonly<Record<number, string>>;
  /** Largest cookie value, in characters. */
  readonly maxCookieSize: number;
  /** Another cookie format (Django's, in `src/django/messages-format.ts`); Latchkey's own by default. */
  readonly signing?: MessageCookieSigning;
}

/**
 * How the list of stored messages (plus the not-finished marker) becomes a cookie value and back;
 * `unsign` throws `BadSignatureError` on anything forged or malformed.
 */
export interface MessageCookieSigning {
  sign(entries: readonly unknown[]): string;
  unsign(value: string): unknown;
}

/** The messages a cookie held, and whether more wait in the session. */
export interface DecodedMessageCookie {
  readonly messages: Message[];
  readonly allRetrieved: boolean;
}

/** The cookie value to set and the (newest) messages that did not fit in it. */
export interface EncodedMessageCookie {
  readonly value: string;
  readonly unstored: Message[];
}

/** JSON shorter than this is not compressed (a cookie's 4 KiB limit only matters well above it). */
const COMPRESS_MIN_BYTES = 512;

function sign(payload: unknown[], options: MessageCookieCodecOptions): string {
  if (options.signing !== undefined) return options.signing.sign(payload);
  return dumps(payload, {
    secret: options.secret,
    fallbacks: options.fallbacks ?? [],
    salt: MESSAGES_SALT,
    // Django compresses whenever zlib makes the value shorter; a one-line message is a few dozen
    // bytes, for which setting up a deflate stream cost more than the whole rest of the cookie.
    // Short values go out plain (Django reads both), longer ones compressed as before.
    compress: true,
    compressMinBytes: COMPRESS_MIN_BYTES,
    clock: options.clock,
  });
}

/**
 * Reads a messages cookie. A forged, altered or malformed value yields `null` and a
 * `security.messages_tampered` event, never an exception; the value itself is never logged.
 * @example
 * const decoded = decodeMessageCookie(cookieValue, codecOptions); // null when tampered
 */
export function decodeMessageCookie(
  value: string,
  options: MessageCookieCodecOptions,
): DecodedMessageCookie | null {
  let payload: unknown;
  try {
    payload =
      options.signing === undefined
        ? loads(value, {
            secret: options.secret,
            fallbacks: options.fallbacks ?? [],
            salt: MESSAGES_SALT,
            clock: options.clock,
          })
        : options.signing.unsign(value);
  } catch (error) {
    if (!(error instanceof BadSignatureError)) throw error;
    options.logger.log('warn', 'security.messages_tampered', { reason: error.message });
    return null;
  }
  const entries = Array.isArray(payload) ? [...payload] : null;
  const allRetrieved = entries?.at(-1) !== NOT_FINISHED;
  if (entries !== null && !allRetrieved) entries.pop();
  const messages = fromStoredMessages(entries, options.levelTags);
  if (messages === null) {
    options.logger.log('warn', 'security.messages_tampered', { reason: 'Malformed messages' });
    return null;
  }
  return { messages, allRetrieved };
}

/**
 * Encodes `messages` for the cookie. When they are too large, the cookie keeps the oldest ones that
 * fit followed by the not-finished marker, and the newest are returned as `unstored`: this is
 * Django's `FallbackStorage`, which calls `CookieStorage._store` with `remove_oldest=False` so that
 * reading the cookie then the session gives the messages back in order.
 * @example
 * const { value, unstored } = encodeMessageCookie(messages, codecOptions);
 */
export function encodeMessageCookie(
  messages: readonly Message[],
  options: MessageCookieCodecOptions,
): EncodedMessageCookie {
  const stored = messages.map(toStoredMessage);
  const all = sign(stored, options);
  if (all.length <= options.maxCookieSize) return { value: all, unstored: [] };
  const partial = (count: number): string => sign([...stored.slice(0, count), NOT_FINISHED], options);
  // Binary search for the first count that no longer fits, as Django's `bisect_keep_left` does;
  // compression makes the size only roughly monotonic, which is good enough for a size limit.
  let low = 0;
  let high = stored.length;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (partial(mid + 1).length > options.maxCookieSize) high = mid;
    else low = mid + 1;
  }
  return { value: partial(low), unstored: messages.slice(low) };
}

/**
 * Attributes of the messages cookie: the session cookie's domain, Secure, HttpOnly and SameSite,
 * path `/` and no expiry, as Django's `CookieStorage._update_cookie` sets it. Use the same
 * attributes to delete it, or the browser keeps it (INVARIANTS 3).
 * @example
 * serializeCookie(MESSAGES_COOKIE_NAME, cookie, messageCookieOptions(settings));
 */
export function messageCookieOptions(
  settings: Pick<
    Settings,
    'SESSION_COOKIE_DOMAIN' | 'SESSION_COOKIE_SECURE' | 'SESSION_COOKIE_HTTPONLY' | 'SESSION_COOKIE_SAMESITE'
  >,
): CookieOptions {
  return {
    domain: settings.SESSION_COOKIE_DOMAIN,
    path: '/',
    secure: settings.SESSION_COOKIE_SECURE,
    httpOnly: settings.SESSION_COOKIE_HTTPONLY,
    sameSite: settings.SESSION_COOKIE_SAMESITE,
  };
}
