/**
 * @module bcrypt_sha256 hasher in Django's format `bcrypt_sha256$$2b$12$<22-char salt><31-char hash>`:
 * bcrypt of the password's SHA-256 hex digest, so passwords longer than bcrypt's 72 bytes are not
 * truncated (Django ticket #20138). Runs on `bcryptjs`, which yields to the event loop between
 * slices of work; prefer Argon2 for new hashes.
 */
import { createHash, randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { ConfigurationError } from '../../core/errors.js';
import { constantTimeEquals } from '../../core/signing.js';
import {
  maskHash,
  type PasswordHasher,
  PasswordHashingError,
  passwordBytes,
  type SafeSummary,
} from './hasher.js';

/** Django's `BCryptSHA256PasswordHasher.rounds` (log2 of the cost); OWASP asks for at least 10. */
export const DEFAULT_BCRYPT_ROUNDS = 12;
const PREFIX = 'bcrypt_sha256$';
/** `$2a$`, `$2b$` or `$2y$`, a two-digit cost, then 22 salt characters: what bcrypt calls a salt. */
const SALT_PATTERN = /^\$2[aby]\$([0-9]{2})\$[./A-Za-z0-9]{22}$/;
const DATA_PATTERN = /^(\$2[aby]\$([0-9]{2})\$)([./A-Za-z0-9]{22})([./A-Za-z0-9]{31})$/;

/** Options of {@link createBcryptSha256Hasher}. */
export interface BcryptSha256HasherOptions {
  /** Cost of new hashes, 4 to 31; default {@link DEFAULT_BCRYPT_ROUNDS}. */
  readonly rounds?: number;
}

interface BcryptHash {
  readonly salt: string;
  readonly rounds: number;
  readonly saltText: string;
  readonly checksum: string;
}

function parseBcrypt(encoded: string): BcryptHash | null {
  if (typeof encoded !== 'string' || !encoded.startsWith(PREFIX)) return null;
  const match = DATA_PATTERN.exec(encoded.slice(PREFIX.length));
  const rounds = Number(match?.[2]);
  if (!match || !(rounds >= 4 && rounds <= 31)) return null;
  return { salt: `${match[1]}${match[3]}`, rounds, saltText: match[3] ?? '', checksum: match[4] ?? '' };
}

/** Django: `binascii.hexlify(hashlib.sha256(password).digest())`, the 64-byte input bcrypt sees. */
function prehash(password: string): string {
  return createHash('sha256').update(passwordBytes(password)).digest('hex');
}

/**
 * A bcrypt_sha256 hasher (Django's `BCryptSHA256PasswordHasher`). Its `salt()` is a bcrypt salt
 * such as `$2b$12$LZSJchsWG/DrBy1erNs4ee`, which `encode` also accepts with `$2a$` or `$2y$`.
 * @example
 * const hasher = createBcryptSha256Hasher({ rounds: 4 });
 * await hasher.encode('lètmein', hasher.salt()); // 'bcrypt_sha256$$2b$04$...'
 */
export function createBcryptSha256Hasher(options?: BcryptSha256HasherOptions): PasswordHasher {
  const rounds = options?.rounds ?? DEFAULT_BCRYPT_ROUNDS;
  if (!Number.isInteger(rounds) || rounds < 4 || rounds > 31)
    throw new ConfigurationError(['bcrypt_sha256.rounds: must be a whole number from 4 to 31']);

  async function run(password: string, salt: string): Promise<string> {
    return `${PREFIX}${await bcrypt.hash(prehash(password), salt)}`;
  }

  return {
    algorithm: 'bcrypt_sha256',
    salt() {
      return `$2b$${String(rounds).padStart(2, '0')}$${bcrypt.encodeBase64(randomBytes(16), 16)}`;
    },
    async encode(password, salt) {
      const match = typeof salt === 'string' ? SALT_PATTERN.exec(salt) : null;
      const cost = match ? Number(match[1]) : 0;
      if (!match || cost < 4 || cost > 31)
        throw new PasswordHashingError(
          'LATCHKEY_HASHER_BAD_SALT',
          'bcrypt salt must look like $2b$12$<22 chars>',
        );
      try {
        return await run(password, salt);
      } catch (error) {
        throw new PasswordHashingError('LATCHKEY_HASHER_FAILED', 'bcrypt_sha256 hashing failed', {
          cause: error,
        });
      }
    },
    async verify(password, encoded) {
      const parsed = parseBcrypt(encoded);
      if (parsed === null) return false;
      try {
        // Django re-encodes with the stored salt and compares whole strings in constant time.
        return constantTimeEquals(encoded, await run(password, parsed.salt));
      } catch {
        return false;
      }
    },
    mustUpdate(encoded) {
      const parsed = parseBcrypt(encoded);
      return parsed === null || parsed.rounds !== rounds;
    },
    async hardenRuntime(password, encoded) {
      // Django: each extra round doubles the work, so run 2^(rounds − stored) − 1 more hashes.
      const parsed = parseBcrypt(encoded);
      if (parsed === null || parsed.rounds >= rounds) return;
      for (let left = 2 ** (rounds - parsed.rounds) - 1; left > 0; left--)
        await run(password, parsed.salt).catch(() => undefined);
    },
    safeSummary(encoded): SafeSummary | null {
      const parsed = parseBcrypt(encoded);
      if (parsed === null) return null;
      return {
        algorithm: 'bcrypt_sha256',
        workFactor: parsed.rounds,
        salt: maskHash(parsed.saltText),
        checksum: maskHash(parsed.checksum),
      };
    },
  };
}
