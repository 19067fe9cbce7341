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

/** How many verified payloads {@link VerifiedPayloads} keeps (a few hundred bytes each). */
const VERIFIED_PAYLOADS_MAX = 1024;

/**
 * Payloads whose signature already checked out, with their JSON. A logged-in client sends the same
 * session on every request, and its payload changes only when the session is saved: verifying the
 * HMAC and decoding base64 (and inflating) again each time cost a third of the session layer's time
 * on an authenticated page. Keyed by the whole signed string, so only a byte-for-byte copy of a
 * payload this process verified is answered from here; a forged one never gets in. Bounded: the
 * oldest entry leaves first. The timestamp inside a payload is not checked on decode (stores keep
 * their own expiry), so an entry stays as valid as its payload.
 */
class VerifiedPayloads {
  readonly #entries = new Map<string, string>();

  get(payload: string): string | undefined {
    return this.#entries.get(payload);
  }

  add(payload: string, json: string): void {
    if (this.#entries.size >= VERIFIED_PAYLOADS_MAX) {
      this.#entries.delete(this.#entries.keys().next().value as string);
    }
    this.#entries.set(payload, json);
  }
}

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
  const verified = new VerifiedPayloads();
  return {
    encode(data) {
      return dumps(data, { ...keys, compress: true, compressMinBytes: COMPRESS_MIN_BYTES });
    },
    decode(payload) {
      const json = verified.get(payload);
      // A fresh object each time: the session may change what it was given.
      if (json !== undefined) return JSON.parse(json) as SessionData;
      try {
        const data = loads(payload, keys);
        if (data !== null && typeof data === 'object' && !Array.isArray(data)) {
          verified.add(payload, JSON.stringify(data));
          return data as SessionData;
        }
        options.logger.log('warn', 'security.session_corrupted', { reason: 'not an object' });
      } catch (error) {
        if (!(error instanceof BadSignatureError)) throw error;
        options.logger.log('warn', 'security.session_corrupted', { reason: error.message });
      }
      return null;
    },
  };
}
