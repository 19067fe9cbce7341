/**
 * @module The password hasher contract (Django's `BasePasswordHasher`) and what every hasher shares:
 * salts, salt-entropy checks, masking for summaries, UTF-8 encoding and the hashing error.
 */
import { LatchkeyError, type LatchkeyErrorCode } from '../../core/errors.js';
import { randomString } from '../../sessions/keys.js';

/**
 * What a hasher may show about a stored hash: its parameters, with salt and hash masked
 * (Django's `safe_summary`). Keys are Django's labels, camelCased.
 */
export type SafeSummary = Readonly<Record<string, string | number>>;

/**
 * One password hashing algorithm, stored as `<algorithm>$...` in Django's formats.
 * `verify`, `mustUpdate`, `hardenRuntime` and `safeSummary` never throw on a malformed
 * `encoded` value: they answer `false`, `true`, nothing and `null`.
 * @example
 * const hasher = createArgon2Hasher();
 * const encoded = await hasher.encode('correct horse', hasher.salt());
 * await hasher.verify('correct horse', encoded); // true
 */
export interface PasswordHasher {
  /** The name before the first `$` of every value this hasher encodes, e.g. `argon2`. */
  readonly algorithm: string;
  /** A fresh salt from a CSPRNG in the form `encode` expects. */
  salt(): string;
  /** Hashes `password` with `salt`; throws {@link PasswordHashingError} on a bad salt. */
  encode(password: string, salt: string): Promise<string>;
  /** Whether `password` matches `encoded`, compared in constant time. */
  verify(password: string, encoded: string): Promise<boolean>;
  /** Whether `encoded` was made with other parameters than this hasher's, so it should be rehashed. */
  mustUpdate(encoded: string): boolean;
  /**
   * Spends the work `encoded` saved by having weaker parameters than this hasher, so a failed check
   * of an old hash takes as long as one of a current hash (Django's `harden_runtime`).
   */
  hardenRuntime(password: string, encoded: string): Promise<void>;
  /** Parameters of `encoded` with salt and hash masked; `null` when it is not this hasher's format. */
  safeSummary(encoded: string): SafeSummary | null;
}

/** Stable codes of {@link PasswordHashingError}. */
export type PasswordHashingErrorCode = Extract<LatchkeyErrorCode, `LATCHKEY_HASHER_${string}`>;

/**
 * Making a password hash failed: an unknown hasher, a salt the format cannot hold, or the hashing
 * library itself. The message never contains the password, salt or hash.
 * @example
 * try { await makePassword(pw, { hasher: 'md5' }); }
 * catch (error) { if (error instanceof PasswordHashingError) console.log(error.code); }
 */
export class PasswordHashingError extends LatchkeyError {
  declare readonly code: PasswordHashingErrorCode;
  constructor(code: PasswordHashingErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** Django's `RANDOM_STRING_CHARS`: salts and unusable-password suffixes draw from it. */
export const RANDOM_STRING_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Bits of entropy a salt must carry (Django's `BasePasswordHasher.salt_entropy`). */
export const SALT_ENTROPY_BITS = 128;

/**
 * A salt of at least {@link SALT_ENTROPY_BITS} bits: 22 characters of {@link RANDOM_STRING_CHARS}
 * (Django's `BasePasswordHasher.salt`).
 * @example
 * randomSalt(); // 'Jq3…' (22 characters)
 */
export function randomSalt(): string {
  const count = Math.ceil(SALT_ENTROPY_BITS / Math.log2(RANDOM_STRING_CHARS.length));
  return randomString(count, RANDOM_STRING_CHARS);
}

/**
 * Whether `salt` carries less than {@link SALT_ENTROPY_BITS}, counting each character as one of
 * {@link RANDOM_STRING_CHARS} (Django's `must_update_salt`, added in Django 3.2).
 * @example
 * isWeakSalt('seasalt'); // true
 */
export function isWeakSalt(salt: string): boolean {
  return Array.from(salt).length * Math.log2(RANDOM_STRING_CHARS.length) < SALT_ENTROPY_BITS;
}

/**
 * Throws unless `salt` can sit between two `$` of an encoded hash (Django's `_check_encode_args`).
 * @example
 * assertSalt('seasalt'); // ok; assertSalt('sea$salt') throws
 */
export function assertSalt(salt: string): void {
  if (typeof salt !== 'string' || salt === '' || salt.includes('$'))
    throw new PasswordHashingError('LATCHKEY_HASHER_BAD_SALT', 'Salt must be non-empty and contain no "$"');
}

/**
 * The bytes a password is hashed as: UTF-8, as Django's `password.encode()`. Any string is
 * accepted, NUL included; lone surrogates become U+FFFD as in WHATWG's UTF-8 encoder.
 * @example
 * passwordBytes('lètmein').length; // 8
 */
export function passwordBytes(password: string): Buffer {
  if (typeof password !== 'string')
    throw new PasswordHashingError('LATCHKEY_HASHER_BAD_PASSWORD', 'Password must be a string');
  return Buffer.from(password, 'utf8');
}

/**
 * Shows the first `show` characters and masks the rest with `*` (Django's `mask_hash`).
 * @example
 * maskHash('seasalt2'); // 'seasal**'
 */
export function maskHash(value: string, options?: { show?: number }): string {
  const show = options?.show ?? 6;
  return value.slice(0, show) + '*'.repeat(Math.max(0, value.length - show));
}

/**
 * Parses a decimal integer written the one canonical way (no sign, no leading zero, no spaces),
 * within `[min, max]`; `null` otherwise. Stored parameters are read with it so that, e.g.,
 * `1e6` or `0x10` never reach a key-derivation function.
 * @example
 * parseDecimal('600000', { min: 1, max: 2 ** 31 - 1 }); // 600000
 */
export function parseDecimal(text: string, range: { min: number; max: number }): number | null {
  if (!/^(0|[1-9][0-9]{0,15})$/.test(text)) return null;
  const value = Number(text);
  return value >= range.min && value <= range.max ? value : null;
}
