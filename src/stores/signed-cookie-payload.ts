/**
 * @module The `signed_cookies` cookie value: `<key>.<payload>`, the payload being the session record
 * and the user's revocation epoch, signed (Django's `signing.dumps`) under a salt of its own so no
 * other signed value of the app can pass for a session cookie.
 */
import type { Clock } from '../core/clock.js';
import { BadSignatureError } from '../core/errors.js';
import { dumps, loads, type SigningKeys } from '../core/signing.js';
import { isValidSessionKey } from '../sessions/keys.js';
import type { SessionRecord } from '../sessions/store.js';

/** A verified cookie: its key, the record it carries and the epoch it was issued under. */
export interface CookieSession {
  readonly key: string;
  readonly record: SessionRecord;
  readonly epoch: number;
}

/** Encodes and verifies cookie values. */
export interface CookiePayloadCodec {
  encode(session: CookieSession): string;
  /** The cookie's session, or `null` when it is malformed or its signature does not verify. */
  decode(cookie: string): CookieSession | null;
}

const SALT = 'latchkey.stores.signed_cookies';

/**
 * The key at the start of a cookie value (or a bare key), or `null`.
 * @example
 * parseCookieKey(`${key}.${payload}`); // key
 */
export function parseCookieKey(value: string): string | null {
  const dot = value.indexOf('.');
  const key = dot === -1 ? value : value.slice(0, dot);
  return isValidSessionKey(key) ? key : null;
}

/**
 * The codec of cookie values under the app's secret and its fallbacks.
 * @example
 * const codec = createCookiePayloadCodec({ secret, fallbacks: [], clock, maxInflated: 256 * 1024 });
 */
export function createCookiePayloadCodec(
  options: SigningKeys & { clock: Clock; maxInflated: number },
): CookiePayloadCodec {
  const keys = {
    secret: options.secret,
    fallbacks: options.fallbacks ?? [],
    clock: options.clock,
    salt: SALT,
  };
  return {
    encode({ key, record, epoch }) {
      const body = { k: key, d: record.data, x: record.expiresAt.getTime(), u: record.userId, e: epoch };
      return `${key}.${dumps(body, { ...keys, compress: true })}`;
    },
    decode(cookie) {
      const dot = cookie.indexOf('.');
      if (dot === -1 || !isValidSessionKey(cookie.slice(0, dot))) return null;
      let body: unknown;
      try {
        // A cookie inflating far beyond its own size limit is a zip bomb, not a session.
        body = loads(cookie.slice(dot + 1), { ...keys, maxSize: options.maxInflated });
      } catch (error) {
        if (error instanceof BadSignatureError) return null;
        throw error;
      }
      return toSession(cookie.slice(0, dot), body);
    },
  };
}

/** The verified body as a session, or `null` when its shape is wrong or it names another key. */
function toSession(key: string, body: unknown): CookieSession | null {
  if (body === null || typeof body !== 'object') return null;
  const { k, d, x, u, e } = body as Record<string, unknown>;
  // The signature covers the key: a payload cut from one cookie and pasted after another key fails.
  if (k !== key || typeof d !== 'string' || typeof x !== 'number' || !Number.isFinite(x)) return null;
  if (!(u === null || typeof u === 'string') || typeof e !== 'number' || !Number.isSafeInteger(e))
    return null;
  return { key, record: { data: d, expiresAt: new Date(x), userId: u }, epoch: e };
}
