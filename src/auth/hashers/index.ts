/**
 * @module Password hashing in Django's formats: argon2id by default, and verification of every
 * hasher in Django's default `PASSWORD_HASHERS`, so users imported from Django keep their passwords.
 */
export { type Argon2HasherOptions, type Argon2Variety, createArgon2Hasher } from './argon2.js';
export { type BcryptSha256HasherOptions, createBcryptSha256Hasher, DEFAULT_BCRYPT_ROUNDS } from './bcrypt.js';
export {
  isWeakSalt,
  maskHash,
  type PasswordHasher,
  PasswordHashingError,
  type PasswordHashingErrorCode,
  RANDOM_STRING_CHARS,
  randomSalt,
  type SafeSummary,
} from './hasher.js';
export {
  checkPassword,
  hashDummy,
  identifyHasher,
  isPasswordUsable,
  type MakePasswordOptions,
  makePassword,
  makeUnusablePassword,
  type PasswordCheck,
  type RegistryOption,
  UNUSABLE_PASSWORD_PREFIX,
  UNUSABLE_PASSWORD_SUFFIX_LENGTH,
} from './passwords.js';
export { createPbkdf2Hasher, DEFAULT_PBKDF2_ITERATIONS, type Pbkdf2HasherOptions } from './pbkdf2.js';
export {
  createHasherRegistry,
  defaultHasherRegistry,
  type HasherRegistry,
  type HasherRegistryOptions,
} from './registry.js';
export { createScryptHasher, DEFAULT_SCRYPT_MAXMEM, type ScryptHasherOptions } from './scrypt.js';
