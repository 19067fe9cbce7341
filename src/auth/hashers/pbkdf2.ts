/**
 * @module PBKDF2-HMAC hashers in Django's format `pbkdf2_sha256$<iterations>$<salt>$<base64 hash>`
 * (and `pbkdf2_sha1$...`), computed by `node:crypto` on libuv's thread pool.
 */
import { pbkdf2 } from 'node:crypto';
import { promisify } from 'node:util';
import { ConfigurationError } from '../../core/errors.js';
import { constantTimeEquals } from '../../core/signing.js';
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

const pbkdf2Async = promisify(pbkdf2);

/**
 * Django 6.0's `PBKDF2PasswordHasher.iterations` (OWASP asks for at least 600,000 with SHA-256).
 * Hashes made with fewer (Django 5.2's 1,000,000, 4.2's 600,000) verify, and `mustUpdate` asks
 * for a rehash at the next login when PBKDF2 is the default hasher.
 */
export const DEFAULT_PBKDF2_ITERATIONS = 1_200_000;
/** Node's `pbkdf2` takes at most a signed 32-bit iteration count. */
const MAX_ITERATIONS = 2 ** 31 - 1;
/** Digest size in bytes: Django derives keys of the digest's own length (`dklen=None`). */
const KEY_LENGTH = { sha256: 32, sha1: 20 } as const;

/** Options of {@link createPbkdf2Hasher}. */
export interface Pbkdf2HasherOptions {
  /** `sha256` (algorithm `pbkdf2_sha256`, the default) or `sha1` (`pbkdf2_sha1`). */
  readonly digest?: 'sha256' | 'sha1';
  /** Iterations for new hashes; stored hashes keep their own. Default {@link DEFAULT_PBKDF2_ITERATIONS}. */
  readonly iterations?: number;
}

interface Pbkdf2Hash {
  readonly iterations: number;
  readonly salt: string;
  readonly hash: string;
}

/**
 * A PBKDF2 hasher (Django's `PBKDF2PasswordHasher` / `PBKDF2SHA1PasswordHasher`). Few iterations
 * make a fast hasher for tests and benchmarks; stored hashes verify whatever their count.
 * @example
 * const fast = createPbkdf2Hasher({ iterations: 1000 });
 * await fast.encode('lètmein', 'seasalt'); // 'pbkdf2_sha256$1000$seasalt$...'
 */
export function createPbkdf2Hasher(options?: Pbkdf2HasherOptions): PasswordHasher {
  const digest = options?.digest ?? 'sha256';
  const iterations = options?.iterations ?? DEFAULT_PBKDF2_ITERATIONS;
  const problems: string[] = [];
  if (digest !== 'sha256' && digest !== 'sha1') problems.push('pbkdf2.digest: must be "sha256" or "sha1"');
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > MAX_ITERATIONS)
    problems.push(`pbkdf2.iterations: must be a whole number from 1 to ${MAX_ITERATIONS}`);
  if (problems.length > 0) throw new ConfigurationError(problems);
  const algorithm = `pbkdf2_${digest}`;

  function parse(encoded: string): Pbkdf2Hash | null {
    if (typeof encoded !== 'string') return null;
    const parts = encoded.split('$');
    if (parts.length !== 4 || parts[0] !== algorithm) return null;
    const [, count = '', salt = '', hash = ''] = parts;
    const parsed = parseDecimal(count, { min: 1, max: MAX_ITERATIONS });
    if (parsed === null || salt === '' || !/^[A-Za-z0-9+/]+=*$/.test(hash)) return null;
    return { iterations: parsed, salt, hash };
  }

  async function derive(password: string, salt: string, count: number): Promise<string> {
    const key = await pbkdf2Async(
      passwordBytes(password),
      Buffer.from(salt, 'utf8'),
      count,
      KEY_LENGTH[digest],
      digest,
    );
    return key.toString('base64');
  }

  return {
    algorithm,
    salt: randomSalt,
    async encode(password, salt) {
      assertSalt(salt);
      try {
        return `${algorithm}$${iterations}$${salt}$${await derive(password, salt, iterations)}`;
      } catch (error) {
        throw new PasswordHashingError('LATCHKEY_HASHER_FAILED', `${algorithm} hashing failed`, {
          cause: error,
        });
      }
    },
    async verify(password, encoded) {
      const parsed = parse(encoded);
      if (parsed === null) return false;
      try {
        const computed = `${algorithm}$${parsed.iterations}$${parsed.salt}$${await derive(password, parsed.salt, parsed.iterations)}`;
        // Django compares the whole re-encoded string: constant_time_compare(encoded, encoded_2).
        return constantTimeEquals(encoded, computed);
      } catch {
        return false;
      }
    },
    mustUpdate(encoded) {
      const parsed = parse(encoded);
      return parsed === null || parsed.iterations !== iterations || isWeakSalt(parsed.salt);
    },
    async hardenRuntime(password, encoded) {
      // Django: run the iterations the stored hash is short of, so old hashes fail as slowly as new ones.
      const parsed = parse(encoded);
      const extra = parsed === null ? 0 : iterations - parsed.iterations;
      if (parsed === null || extra <= 0) return;
      await derive(password, parsed.salt, extra).catch(() => undefined);
    },
    safeSummary(encoded): SafeSummary | null {
      const parsed = parse(encoded);
      if (parsed === null) return null;
      return {
        algorithm,
        iterations: parsed.iterations,
        salt: maskHash(parsed.salt),
        hash: maskHash(parsed.hash),
      };
    },
  };
}
