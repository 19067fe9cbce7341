/**
 * @module Encoding of session data: compact JSON, compressed when that helps, signed with a salt
 * of its own and the secret's fallbacks. Done once here, so that every store keeps opaque strings.
 */
import type { Clock } from '../core/clock.js';
import { BadSignatureError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { dumps, loads, type SigningKeys } from '../core/signing.js';

/** Data held in a session: JSON values under string keys. */
export type SessionData = Record<string, unknown>;

/** Turns session data into a store payload and back. */
export interface SessionCodec {
  encode(data: SessionData): string;
  /** The data, or `null` when the payload was tampered with or cannot be read (logged). */
  decode(payload: string): SessionData | null;
}

const SALT = 'latchkey.sessions.SessionStore';
/**
 * Session JSON below this size is stored uncompressed: a typical session (user id, auth hash, a
 * few values) is ~300 bytes, and inflating it on every request cost more than the bytes it saved.
 */
const COMPRESS_MIN_BYTES = 1024;

/**
 * The signed JSON codec every store uses by default.
 * @example
 * const codec = createSignedCodec({ secret, fallbacks: [], clock, logger });
 */
export function createSignedCodec(options: SigningKeys & { clock: Clock; logger: Logger }): SessionCodec {
  const keys = {
    secret: options.secret,
    fallbacks: options.fallbacks ?? [],
    clock: options.clock,
    salt: SALT,
  };
  return {
    encode(data) {
      return dumps(data, { ...keys, compress: true, compressMinBytes: COMPRESS_MIN_BYTES });
    },
    decode(payload) {
      try {
        const data = loads(payload, keys);
        if (data !== null && typeof data === 'object' && !Array.isArray(data)) return data as SessionData;
        options.logger.log('warn', 'security.session_corrupted', { reason: 'not an object' });
      } catch (error) {
        if (!(error instanceof BadSignatureError)) throw error;
        options.logger.log('warn', 'security.session_corrupted', { reason: error.message });
      }
      return null;
    },
  };
}
