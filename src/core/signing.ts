/**
 * @module HMAC-SHA256 signing with a salt per purpose and optional timestamps, after
 * `django.core.signing`, byte-compatible with it: a value Django signs with the same secret and
 * salt verifies here, and the other way round.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import { type Clock, systemClock } from './clock.js';
import { BadSignatureError, SignatureExpiredError } from './errors.js';

/** Keys used for signing: the current one first, then fallbacks still accepted on verification. */
export interface SigningKeys {
  readonly secret: string;
  readonly fallbacks?: readonly string[];
}

/** Options of {@link Signer}. `salt` separates purposes: a value signed for one never verifies for another. */
export interface SignerOptions extends SigningKeys {
  readonly salt: string;
  /** Separator between value and signature; must not occur in URL-safe base64. */
  readonly sep?: string;
}

/** URL-safe base64 without padding (Django's `b64_encode`). */
export function b64Encode(data: Buffer): string {
  return data.toString('base64url');
}

/** Decodes URL-safe base64 with or without padding; `null` when it is not base64. */
export function b64Decode(text: string): Buffer | null {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(text)) return null;
  return Buffer.from(text, 'base64url');
}

/**
 * Derived HMAC keys by `keySalt + NUL + secret`. A process signs with a handful of (purpose, key)
 * pairs, yet every request verifies several values: deriving once saves a SHA-256 per signature.
 * Bounded, in case a caller builds salts from data.
 */
const derivedKeys = new Map<string, Buffer>();
const DERIVED_KEYS_MAX = 256;

function derivedKey(keySalt: string, secret: string): Buffer {
  const id = `${keySalt}\0${secret}`;
  let key = derivedKeys.get(id);
  if (key === undefined) {
    key = createHash('sha256')
      .update(keySalt + secret)
      .digest();
    if (derivedKeys.size >= DERIVED_KEYS_MAX) derivedKeys.clear();
    derivedKeys.set(id, key);
  }
  return key;
}

/** Django's `salted_hmac`: HMAC keyed with `hash(keySalt + secret)`, so each purpose has its own key. */
export function saltedHmac(keySalt: string, value: string, secret: string): Buffer {
  return createHmac('sha256', derivedKey(keySalt, secret)).update(value).digest();
}

/** Compares two strings in constant time for equal lengths (length itself is not secret). */
export function constantTimeEquals(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Signs and verifies strings. Verification tries the secret, then each fallback, in constant time.
 * @example
 * const signer = new Signer({ secret, salt: 'myapp.invite' });
 * const signed = signer.sign('alice'); // 'alice:<signature>'
 * signer.unsign(signed); // 'alice'
 */
export class Signer {
  readonly #keys: readonly string[];
  readonly #salt: string;
  readonly sep: string;

  constructor(options: SignerOptions) {
    const sep = options.sep ?? ':';
    if (/^[A-Za-z0-9_=-]*$/.test(sep))
      throw new TypeError('Signer: sep must not be a URL-safe base64 character');
    this.#keys = [options.secret, ...(options.fallbacks ?? [])];
    this.#salt = options.salt;
    this.sep = sep;
  }

  /** The signature of `value` under `key` (Django's `Signer.signature`). */
  #signature(value: string, key: string): string {
    return b64Encode(saltedHmac(`${this.#salt}signer`, value, key));
  }

  /** Returns `value` with its signature appended. */
  sign(value: string): string {
    return `${value}${this.sep}${this.#signature(value, this.#keys[0] as string)}`;
  }

  /** Returns the original value, or throws {@link BadSignatureError}. */
  unsign(signed: string): string {
    const at = signed.lastIndexOf(this.sep);
    if (at < 0) throw new BadSignatureError(`No "${this.sep}" found in value`);
    const value = signed.slice(0, at);
    const signature = signed.slice(at + this.sep.length);
    let valid = false;
    // Every key is tried, so the time taken does not tell which one matched.
    for (const key of this.#keys) valid = constantTimeEquals(signature, this.#signature(value, key)) || valid;
    if (!valid) throw new BadSignatureError();
    return value;
  }
}

const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Django's `b62_encode` of a non-negative integer. */
export function b62Encode(n: number): string {
  if (n === 0) return '0';
  const sign = n < 0 ? '-' : '';
  let rest = Math.abs(n);
  let out = '';
  while (rest > 0) {
    out = B62[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return sign + out;
}

/** Django's `b62_decode`; `null` on a character outside the alphabet. */
export function b62Decode(text: string): number | null {
  if (text === '' || text === '-') return null;
  const negative = text.startsWith('-');
  let n = 0;
  for (const char of negative ? text.slice(1) : text) {
    const digit = B62.indexOf(char);
    if (digit < 0) return null;
    n = n * 62 + digit;
  }
  return negative ? -n : n;
}

/** Options of {@link TimestampSigner}. */
export interface TimestampSignerOptions extends SignerOptions {
  readonly clock?: Clock;
}

/**
 * A {@link Signer} that also signs the time of signing, so that `unsign` can refuse old values.
 * @example
 * const signer = new TimestampSigner({ secret, salt: 'password-reset', clock });
 * signer.unsign(signer.sign('42'), { maxAge: 3600 });
 */
export class TimestampSigner {
  readonly #signer: Signer;
  readonly #clock: Clock;

  constructor(options: TimestampSignerOptions) {
    this.#signer = new Signer(options);
    this.#clock = options.clock ?? systemClock;
  }

  /** Signs `value` with the current time, in whole seconds. */
  sign(value: string): string {
    const timestamp = b62Encode(Math.floor(this.#clock.now() / 1000));
    return this.#signer.sign(`${value}${this.#signer.sep}${timestamp}`);
  }

  /** Verifies and returns the value; throws {@link SignatureExpiredError} when older than `maxAge` seconds. */
  unsign(signed: string, options?: { maxAge?: number }): string {
    const result = this.#signer.unsign(signed);
    const at = result.lastIndexOf(this.#signer.sep);
    const timestamp = at < 0 ? null : b62Decode(result.slice(at + this.#signer.sep.length));
    if (timestamp === null) throw new BadSignatureError('Malformed timestamp');
    const maxAge = options?.maxAge;
    // A NaN limit would make every age pass the `>` test below: fail closed instead.
    if (maxAge !== undefined && Number.isNaN(maxAge)) throw new TypeError('unsign: maxAge must be a number');
    if (maxAge !== undefined) {
      const age = this.#clock.now() / 1000 - timestamp;
      if (age > maxAge)
        throw new SignatureExpiredError(`Signature age ${age.toFixed(0)} > ${maxAge} seconds`);
    }
    return result.slice(0, at);
  }
}

/** Options of {@link dumps}. */
export interface DumpsOptions extends SigningKeys {
  readonly salt: string;
  /** Deflate the JSON when that makes it shorter (marked by a leading `.`, as Django does). */
  readonly compress?: boolean;
  /**
   * With `compress`: leave JSON shorter than this many bytes as it is (default 0, Django's way).
   * Deflating a few hundred bytes saves little and costs an inflate at every read.
   */
  readonly compressMinBytes?: number;
  readonly clock?: Clock;
}

/**
 * Compact JSON as Python's `json.dumps(obj, separators=(",", ":"))` writes it: `ensure_ascii`
 * escapes DEL and every non-ASCII UTF-16 unit as `\uXXXX` (lowercase hex), so the bytes, and hence the
 * token, are the ones Django produces (and older Django, which decodes as latin-1, reads them).
 */
export function asciiJson(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError('dumps: value is not JSON-serialisable');
  return json.replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Serialises `value` as compact JSON, optionally compressed, URL-safe and signed with a timestamp
 * (Django's `signing.dumps`).
 * @example
 * const token = dumps({ user: 42 }, { secret, salt: 'myapp.unsubscribe' });
 */
export function dumps(value: unknown, options: DumpsOptions): string {
  let data = Buffer.from(asciiJson(value));
  let compressed = false;
  if (options.compress && data.length >= (options.compressMinBytes ?? 0)) {
    const deflated = deflateSync(data);
    if (deflated.length < data.length - 1) {
      data = deflated;
      compressed = true;
    }
  }
  const encoded = (compressed ? '.' : '') + b64Encode(data);
  return new TimestampSigner(options).sign(encoded);
}

/** Options of {@link loads}. */
export interface LoadsOptions extends SigningKeys {
  readonly salt: string;
  /** Oldest accepted signature, in seconds. */
  readonly maxAge?: number;
  readonly clock?: Clock;
  /** Refuse payloads that inflate beyond this many bytes (a zip bomb). Default 1 MiB. */
  readonly maxSize?: number;
}

/**
 * Reverses {@link dumps}; throws {@link BadSignatureError} (or its subclass
 * {@link SignatureExpiredError}) on anything forged, expired or malformed.
 */
export function loads(signed: string, options: LoadsOptions): unknown {
  const maxSize = options.maxSize ?? 1024 * 1024;
  const signer = new TimestampSigner(options);
  let payload = signer.unsign(signed, options.maxAge === undefined ? undefined : { maxAge: options.maxAge });
  const compressed = payload.startsWith('.');
  if (compressed) payload = payload.slice(1);
  const raw = b64Decode(payload);
  if (raw === null) throw new BadSignatureError('Payload is not base64');
  try {
    const data = compressed ? inflateSync(raw, { maxOutputLength: maxSize }) : raw;
    return JSON.parse(data.toString('utf8'));
  } catch (error) {
    // Only reachable with a valid signature, i.e. a value we signed ourselves: still never trusted.
    throw new BadSignatureError('Payload could not be decoded', { cause: error });
  }
}
