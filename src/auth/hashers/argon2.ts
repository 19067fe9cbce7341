/**
 * @module Argon2 hasher in Django's format: `argon2` followed by the PHC string without its
 * leading `$`, e.g. `argon2$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`. Hashing runs in the
 * `argon2` package's native code on libuv's thread pool, so it never blocks the event loop.
 */
import { timingSafeEqual } from 'node:crypto';
import { ConfigurationError } from '../../core/errors.js';
import { importPeer } from '../../core/peers.js';
import {
  assertSalt,
  isWeakSalt,
  maskHash,
  type PasswordHasher,
  PasswordHashingError,
  parseDecimal,
  passwordBytes,
  randomSalt,
  type SafeSummary,
} from './hasher.js';

/** The three Argon2 variants; Django writes `argon2id` and still verifies older `argon2i`. */
export type Argon2Variety = 'argon2id' | 'argon2i' | 'argon2d';

/** The `argon2` package's type constants (`argon2.argon2d` … are 0, 1, 2). */
const TYPES = { argon2d: 0, argon2i: 1, argon2id: 2 } as const;

/** What this hasher uses of the `argon2` package: raw hashing with every parameter given. */
interface Argon2Binding {
  hash(
    password: Buffer,
    options: {
      raw: true;
      salt: Buffer;
      type: 0 | 1 | 2;
      version: number;
      memoryCost: number;
      timeCost: number;
      parallelism: number;
      hashLength: number;
    },
  ): Promise<Buffer>;
}

let binding: Promise<Argon2Binding> | undefined;

/**
 * The `argon2` package, an optional peer loaded at the first hash (a native module nobody should
 * build who hashes with PBKDF2 or scrypt). Outside the hashing `try`s, so a missing package is
 * reported as such, never as a failed hash or a wrong password.
 */
function loadArgon2(): Promise<Argon2Binding> {
  binding ??= importPeer('argon2', 'The argon2 password hasher (the default)', () => import('argon2')).catch(
    (error: unknown) => {
      binding = undefined; // installed later in a long-lived process: try again next time
      throw error;
    },
  );
  return binding;
}
/** Argon2 1.3 (`v=19`); hashes without `v=` are 1.0 (`0x10`), as argon2-cffi reads them. */
const CURRENT_VERSION = 0x13;
/**
 * Memory a stored hash may ask for, in KiB (1 GiB). Far above any login cost anyone configures;
 * it stops a corrupt row from making the process allocate (and be killed for) terabytes.
 */
const MAX_MEMORY_KIB = 1024 * 1024;

/** Options of {@link createArgon2Hasher}. Defaults are OWASP's Password Storage Cheat Sheet minimum. */
export interface Argon2HasherOptions {
  /** Default `argon2id` (RFC 9106 §4 and OWASP recommend it). */
  readonly variety?: Argon2Variety;
  /** KiB of memory; default 19456 (19 MiB). */
  readonly memoryCost?: number;
  /** Passes over memory; default 2. */
  readonly timeCost?: number;
  /** Lanes; default 1. */
  readonly parallelism?: number;
  /** Bytes of output; default 32 (RFC 9106 §4 recommends a 256-bit tag). */
  readonly hashLength?: number;
}

interface Argon2Hash {
  readonly variety: Argon2Variety;
  readonly version: number;
  readonly memoryCost: number;
  readonly timeCost: number;
  readonly parallelism: number;
  readonly salt: Buffer;
  readonly hash: Buffer;
  readonly hashText: string;
}

/** PHC strings use standard base64 without padding. */
function b64(data: Buffer): string {
  return data.toString('base64').replace(/=+$/, '');
}

function unb64(text: string | undefined): Buffer | null {
  if (text === undefined || !/^[A-Za-z0-9+/]+$/.test(text) || text.length % 4 === 1) return null;
  return Buffer.from(text, 'base64');
}

/** Parses a Django argon2 value, with or without `v=`; `null` on anything else. */
function parseArgon2(encoded: string): Argon2Hash | null {
  if (typeof encoded !== 'string') return null;
  const parts = encoded.split('$');
  if (parts[0] !== 'argon2' || (parts.length !== 5 && parts.length !== 6)) return null;
  const variety = parts[1];
  if (variety !== 'argon2id' && variety !== 'argon2i' && variety !== 'argon2d') return null;
  const versionText = parts.length === 6 ? parts[2] : 'v=16';
  const version = versionText === 'v=19' ? 0x13 : versionText === 'v=16' ? 0x10 : null;
  if (version === null) return null;
  const params = /^m=([0-9]+),t=([0-9]+),p=([0-9]+)$/.exec(parts.at(-3) ?? '');
  if (!params) return null;
  const parallelism = parseDecimal(params[3] ?? '', { min: 1, max: 2 ** 24 - 1 });
  const timeCost = parseDecimal(params[2] ?? '', { min: 1, max: 2 ** 32 - 1 });
  const memoryCost = parseDecimal(params[1] ?? '', { min: 8, max: MAX_MEMORY_KIB });
  const salt = unb64(parts.at(-2));
  const hashText = parts.at(-1) ?? '';
  const hash = unb64(hashText);
  // Limits of the reference implementation: salt ≥ 8 bytes, tag ≥ 4 bytes, m ≥ 8·p KiB.
  if (parallelism === null || timeCost === null || memoryCost === null || memoryCost < 8 * parallelism)
    return null;
  if (salt === null || salt.length < 8 || hash === null || hash.length < 4) return null;
  return { variety, version, memoryCost, timeCost, parallelism, salt, hash, hashText };
}

/**
 * An Argon2 hasher (Django's `Argon2PasswordHasher`), by default argon2id with OWASP's minimum
 * (m=19456 KiB, t=2, p=1). Verifies argon2id, argon2i and argon2d values with any parameters.
 * @example
 * const hasher = createArgon2Hasher();
 * await hasher.encode('lètmein', hasher.salt()); // 'argon2$argon2id$v=19$m=19456,t=2,p=1$...'
 */
export function createArgon2Hasher(options?: Argon2HasherOptions): PasswordHasher {
  const variety = options?.variety ?? 'argon2id';
  const memoryCost = options?.memoryCost ?? 19_456;
  const timeCost = options?.timeCost ?? 2;
  const parallelism = options?.parallelism ?? 1;
  const hashLength = options?.hashLength ?? 32;
  const problems: string[] = [];
  if (!(variety in TYPES)) problems.push('argon2.variety: must be "argon2id", "argon2i" or "argon2d"');
  if (!Number.isInteger(parallelism) || parallelism < 1 || parallelism > 2 ** 24 - 1)
    problems.push('argon2.parallelism: must be a whole number from 1 to 16777215');
  if (!Number.isInteger(memoryCost) || memoryCost < 8 * parallelism || memoryCost > MAX_MEMORY_KIB)
    problems.push(
      `argon2.memoryCost: must be a whole number of KiB from 8 × parallelism to ${MAX_MEMORY_KIB}`,
    );
  if (!Number.isInteger(timeCost) || timeCost < 1)
    problems.push('argon2.timeCost: must be a whole number ≥ 1');
  if (!Number.isInteger(hashLength) || hashLength < 4 || hashLength > 1024)
    problems.push('argon2.hashLength: must be a whole number of bytes from 4 to 1024');
  if (problems.length > 0) throw new ConfigurationError(problems);

  return {
    algorithm: 'argon2',
    salt: randomSalt,
    async encode(password, salt) {
      assertSalt(salt);
      // Django hashes the salt string's bytes (`salt.encode()`); Argon2 needs at least 8 of them.
      const saltBytes = Buffer.from(salt, 'utf8');
      if (saltBytes.length < 8)
        throw new PasswordHashingError('LATCHKEY_HASHER_BAD_SALT', 'Argon2 salt must be at least 8 bytes');
      const bytes = passwordBytes(password);
      const argon2 = await loadArgon2();
      let hash: Buffer;
      try {
        hash = await argon2.hash(bytes, {
          raw: true,
          salt: saltBytes,
          type: TYPES[variety],
          version: CURRENT_VERSION,
          memoryCost,
          timeCost,
          parallelism,
          hashLength,
        });
      } catch (error) {
        throw new PasswordHashingError('LATCHKEY_HASHER_FAILED', 'Argon2 hashing failed', { cause: error });
      }
      const params = `m=${memoryCost},t=${timeCost},p=${parallelism}`;
      return `argon2$${variety}$v=${CURRENT_VERSION}$${params}$${b64(saltBytes)}$${b64(hash)}`;
    },
    async verify(password, encoded) {
      const parsed = parseArgon2(encoded);
      if (parsed === null) return false;
      const argon2 = await loadArgon2();
      try {
        const computed = await argon2.hash(passwordBytes(password), {
          raw: true,
          salt: parsed.salt,
          type: TYPES[parsed.variety],
          version: parsed.version,
          memoryCost: parsed.memoryCost,
          timeCost: parsed.timeCost,
          parallelism: parsed.parallelism,
          hashLength: parsed.hash.length,
        });
        return timingSafeEqual(computed, parsed.hash);
      } catch {
        return false;
      }
    },
    mustUpdate(encoded) {
      // Django compares every parameter (argon2.Parameters), so lowering a cost also rehashes.
      const parsed = parseArgon2(encoded);
      if (parsed === null) return true;
      const same =
        parsed.variety === variety &&
        parsed.version === CURRENT_VERSION &&
        parsed.memoryCost === memoryCost &&
        parsed.timeCost === timeCost &&
        parsed.parallelism === parallelism &&
        parsed.hash.length === hashLength;
      return !same || isWeakSalt(parsed.salt.toString('latin1'));
    },
    async hardenRuntime() {
      // Django: "The runtime for Argon2 is too complicated to implement a sensible hardening algorithm."
    },
    safeSummary(encoded): SafeSummary | null {
      const parsed = parseArgon2(encoded);
      if (parsed === null) return null;
      return {
        algorithm: 'argon2',
        variety: parsed.variety,
        version: parsed.version,
        memoryCost: parsed.memoryCost,
        timeCost: parsed.timeCost,
        parallelism: parsed.parallelism,
        salt: maskHash(parsed.salt.toString('latin1')),
        hash: maskHash(parsed.hashText),
      };
    },
  };
}
