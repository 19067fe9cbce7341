/**
 * @module scrypt hasher in Django's format
 * `scrypt$<work factor N>$<salt>$<block size r>$<parallelism p>$<base64 64-byte hash>`,
 * computed by `node:crypto` on libuv's thread pool.
 */
import { type ScryptOptions, scrypt } from 'node:crypto';
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

/** Django's `ScryptPasswordHasher` asks for 64 bytes (`dklen=64`). */
const KEY_LENGTH = 64;
/**
 * Django passes `maxmem=0`, i.e. OpenSSL's default of 32 MiB (also Node's default), so a value
 * needing more than that fails there too. Verification here refuses it the same way.
 */
export const DEFAULT_SCRYPT_MAXMEM = 32 * 1024 * 1024;

/** Options of {@link createScryptHasher}. Defaults are Django's, one of OWASP's scrypt settings. */
export interface ScryptHasherOptions {
  /** CPU/memory cost N, a power of two; default 2^14. */
  readonly workFactor?: number;
  /** Block size r; default 8. */
  readonly blockSize?: number;
  /** Parallelism p; default 5 (Django's; OWASP lists N=2^14, r=8, p=5). */
  readonly parallelism?: number;
  /** Memory ceiling in bytes for hashing and verifying; default {@link DEFAULT_SCRYPT_MAXMEM}. */
  readonly maxmem?: number;
}

interface ScryptHash {
  readonly workFactor: number;
  readonly salt: string;
  readonly blockSize: number;
  readonly parallelism: number;
  readonly hash: string;
}

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 1 && n <= 2 ** 30 && (n & (n - 1)) === 0;
}

function parseScrypt(encoded: string): ScryptHash | null {
  if (typeof encoded !== 'string') return null;
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [, n = '', salt = '', r = '', p = '', hash = ''] = parts;
  const workFactor = parseDecimal(n, { min: 2, max: 2 ** 30 });
  const blockSize = parseDecimal(r, { min: 1, max: 2 ** 30 - 1 });
  const parallelism = parseDecimal(p, { min: 1, max: 2 ** 30 - 1 });
  if (workFactor === null || !isPowerOfTwo(workFactor) || blockSize === null || parallelism === null)
    return null;
  if (salt === '' || !/^[A-Za-z0-9+/]+=*$/.test(hash)) return null;
  return { workFactor, salt, blockSize, parallelism, hash };
}

function deriveScrypt(password: string, salt: string, options: ScryptOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    scrypt(passwordBytes(password), Buffer.from(salt, 'utf8'), KEY_LENGTH, options, (error, key) => {
      if (error) reject(error);
      else resolve(key.toString('base64'));
    });
  });
}

/**
 * An scrypt hasher (Django's `ScryptPasswordHasher`).
 * @example
 * const hasher = createScryptHasher();
 * await hasher.encode('lètmein', 'seasalt'); // 'scrypt$16384$seasalt$8$5$ECMIUp+L...'
 */
export function createScryptHasher(options?: ScryptHasherOptions): PasswordHasher {
  const workFactor = options?.workFactor ?? 2 ** 14;
  const blockSize = options?.blockSize ?? 8;
  const parallelism = options?.parallelism ?? 5;
  const maxmem = options?.maxmem ?? DEFAULT_SCRYPT_MAXMEM;
  const problems: string[] = [];
  if (!isPowerOfTwo(workFactor)) problems.push('scrypt.workFactor: must be a power of two from 2 to 2^30');
  if (!Number.isInteger(blockSize) || blockSize < 1)
    problems.push('scrypt.blockSize: must be a whole number ≥ 1');
  if (!Number.isInteger(parallelism) || parallelism < 1)
    problems.push('scrypt.parallelism: must be a whole number ≥ 1');
  // Node refuses when 128 · N · r exceeds maxmem; say so now rather than at the first login.
  if (!Number.isInteger(maxmem) || maxmem < 128 * workFactor * blockSize)
    problems.push('scrypt.maxmem: must be at least 128 × workFactor × blockSize bytes');
  if (problems.length > 0) throw new ConfigurationError(problems);

  function format(parsed: Omit<ScryptHash, 'hash'>, hash: string): string {
    return `scrypt$${parsed.workFactor}$${parsed.salt}$${parsed.blockSize}$${parsed.parallelism}$${hash}`;
  }

  return {
    algorithm: 'scrypt',
    salt: randomSalt,
    async encode(password, salt) {
      assertSalt(salt);
      try {
        const hash = await deriveScrypt(password, salt, {
          N: workFactor,
          r: blockSize,
          p: parallelism,
          maxmem,
        });
        return format({ workFactor, salt, blockSize, parallelism }, hash);
      } catch (error) {
        throw new PasswordHashingError('LATCHKEY_HASHER_FAILED', 'scrypt hashing failed', { cause: error });
      }
    },
    async verify(password, encoded) {
      const parsed = parseScrypt(encoded);
      if (parsed === null) return false;
      try {
        const { workFactor: N, blockSize: r, parallelism: p } = parsed;
        const hash = await deriveScrypt(password, parsed.salt, { N, r, p, maxmem });
        // Django compares the whole re-encoded string in constant time.
        return constantTimeEquals(encoded, format(parsed, hash));
      } catch {
        return false;
      }
    },
    mustUpdate(encoded) {
      const parsed = parseScrypt(encoded);
      if (parsed === null) return true;
      // Django compares N, r and p; the salt check is the one Django applies to its other salted hashers.
      return (
        parsed.workFactor !== workFactor ||
        parsed.blockSize !== blockSize ||
        parsed.parallelism !== parallelism ||
        isWeakSalt(parsed.salt)
      );
    },
    async hardenRuntime() {
      // A no-op in Django too: scrypt's cost depends on N, r and p together, so no simple top-up exists.
    },
    safeSummary(encoded): SafeSummary | null {
      const parsed = parseScrypt(encoded);
      if (parsed === null) return null;
      return {
        algorithm: 'scrypt',
        workFactor: parsed.workFactor,
        blockSize: parsed.blockSize,
        parallelism: parsed.parallelism,
        salt: maskHash(parsed.salt),
        hash: maskHash(parsed.hash),
      };
    },
  };
}
