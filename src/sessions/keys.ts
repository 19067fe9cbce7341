/** @module Session keys: 32 characters of `[a-z0-9]` from a CSPRNG (Django's `VALID_KEY_CHARS`). */
import { randomFillSync } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** Length of every session key Latchkey issues. */
export const SESSION_KEY_LENGTH = 32;
const keyPattern = /^[a-z0-9]{32}$/;

/**
 * CSPRNG bytes drawn 4 KiB at a time: a request asks for several short strings (a session key, a
 * CSRF mask per rendered form), and one `randomFillSync` call costs about as much for 4 KiB as for
 * 64 bytes. Every byte is handed out once, then the pool is refilled.
 */
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

function nextRandomByte(): number {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  return pool[poolOffset++] as number;
}

/**
 * Returns `length` characters drawn uniformly from `alphabet` (at most 256 symbols) by rejection
 * sampling over CSPRNG bytes, so no symbol is more likely than another.
 */
export function randomString(length: number, alphabet: string): string {
  // An empty alphabet would loop forever (no byte is ever below the limit) and one of over 256
  // symbols cannot be reached from a single byte; a fractional length would never be met exactly.
  if (alphabet.length < 1 || alphabet.length > 256)
    throw new RangeError('randomString: alphabet must hold 1 to 256 symbols');
  if (!Number.isSafeInteger(length) || length < 0)
    throw new RangeError('randomString: length must be a whole number >= 0');
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    const byte = nextRandomByte();
    if (byte < limit) out += alphabet[byte % alphabet.length];
  }
  return out;
}

const tagPattern = /^[a-z0-9]{0,8}$/;

/**
 * A fresh session key. A `tag` (up to 8 characters of `[a-z0-9]`) becomes its first characters and
 * the rest is random: a store that keeps a user's sessions together (Redis Cluster hash slots) asks
 * for one through `SessionStore.userKeyTag`. With a 4-character tag, 28 random characters remain,
 * about 144 bits, far above the 64 bits OWASP's Session Management Cheat Sheet asks for.
 * @example
 * generateSessionKey(); // 'k2v9...' (32 characters)
 */
export function generateSessionKey(tag = ''): string {
  if (!tagPattern.test(tag))
    throw new RangeError('generateSessionKey: tag must be 0-8 characters of [a-z0-9]');
  return tag + randomString(SESSION_KEY_LENGTH - tag.length, ALPHABET);
}

/** Whether `key` has the shape of a key Latchkey issues; anything else is never sent to a store. */
export function isValidSessionKey(key: string | null | undefined): key is string {
  return typeof key === 'string' && keyPattern.test(key);
}
