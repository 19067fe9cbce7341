/**
 * @module The set of hashers an app accepts and the one it hashes with (Django's `PASSWORD_HASHERS`,
 * whose first entry is the default), and Latchkey's default set.
 */
import { ConfigurationError } from '../../core/errors.js';
import { createArgon2Hasher } from './argon2.js';
import { createBcryptSha256Hasher } from './bcrypt.js';
import type { PasswordHasher } from './hasher.js';
import { createPbkdf2Hasher } from './pbkdf2.js';
import { createScryptHasher } from './scrypt.js';

/** The hashers an app verifies with, and the default one it hashes new passwords with. */
export interface HasherRegistry {
  /** Hashes new passwords; a stored hash of another algorithm must be updated at the next login. */
  readonly default: PasswordHasher;
  /** Every hasher, the default first, one per algorithm. */
  readonly hashers: readonly PasswordHasher[];
  /** The hasher for `algorithm`, or `null` when none is registered. */
  get(algorithm: string): PasswordHasher | null;
}

/** Options of {@link createHasherRegistry}. */
export interface HasherRegistryOptions {
  /** Hashes new passwords (Django's first `PASSWORD_HASHERS` entry). */
  readonly default: PasswordHasher;
  /** Hashers kept for verifying older hashes. */
  readonly others?: readonly PasswordHasher[];
}

/**
 * Builds a registry. When two hashers share an algorithm the first wins, the default before all
 * others, so a tuned default can be put in front of {@link defaultHasherRegistry}'s hashers.
 * @example
 * // A fast registry for tests: PBKDF2 with few iterations, still verifying every Django format.
 * const registry = createHasherRegistry({
 *   default: createPbkdf2Hasher({ iterations: 1000 }),
 *   others: defaultHasherRegistry.hashers,
 * });
 */
export function createHasherRegistry(options: HasherRegistryOptions): HasherRegistry {
  const all = [options.default, ...(options.others ?? [])];
  const problems = all.flatMap((hasher, index) =>
    typeof hasher?.algorithm === 'string' && /^[A-Za-z0-9_-]+$/.test(hasher.algorithm)
      ? []
      : [`hashers[${index}].algorithm: must be a non-empty name of letters, digits, "_" or "-"`],
  );
  if (problems.length > 0) throw new ConfigurationError(problems);
  const byAlgorithm = new Map<string, PasswordHasher>();
  for (const hasher of all) if (!byAlgorithm.has(hasher.algorithm)) byAlgorithm.set(hasher.algorithm, hasher);
  const hashers = Object.freeze([...byAlgorithm.values()]);
  return Object.freeze({
    default: options.default,
    hashers,
    get(algorithm: string): PasswordHasher | null {
      return byAlgorithm.get(algorithm) ?? null;
    },
  });
}

/**
 * Latchkey's default: hashes with argon2id at OWASP's minimum (m=19 MiB, t=2, p=1) and verifies
 * every hasher of Django's default `PASSWORD_HASHERS`: pbkdf2_sha256, pbkdf2_sha1, argon2,
 * bcrypt_sha256 and scrypt, so users imported from Django keep their passwords.
 * @example
 * defaultHasherRegistry.default.algorithm; // 'argon2'
 */
export const defaultHasherRegistry: HasherRegistry = createHasherRegistry({
  default: createArgon2Hasher(),
  others: [
    createPbkdf2Hasher(),
    createPbkdf2Hasher({ digest: 'sha1' }),
    createBcryptSha256Hasher(),
    createScryptHasher(),
  ],
});
