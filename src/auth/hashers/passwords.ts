/**
 * @module Django's password functions, camelCased: `makePassword`, `checkPassword`,
 * `isPasswordUsable`, `makeUnusablePassword`, `identifyHasher`, plus `hashDummy` for the
 * "unknown user costs one hash too" rule (Django ticket #20760).
 */
import { randomString } from '../../sessions/keys.js';
import { type PasswordHasher, PasswordHashingError, RANDOM_STRING_CHARS } from './hasher.js';
import { defaultHasherRegistry, type HasherRegistry } from './registry.js';

/** Starts every unusable password; no hasher's value starts with it (Django's `UNUSABLE_PASSWORD_PREFIX`). */
export const UNUSABLE_PASSWORD_PREFIX = '!';
/** Random characters after the prefix, so unusable values differ (Django ticket #20079). */
export const UNUSABLE_PASSWORD_SUFFIX_LENGTH = 40;

/** Which registry to use; {@link defaultHasherRegistry} when omitted. */
export interface RegistryOption {
  readonly registry?: HasherRegistry;
}

/** Options of {@link makePassword}. */
export interface MakePasswordOptions extends RegistryOption {
  /** A hasher, or the algorithm name of one in the registry; the registry's default when omitted. */
  readonly hasher?: PasswordHasher | string;
  /** A salt in the hasher's form; a fresh random one when omitted. Fixed salts are for tests. */
  readonly salt?: string;
}

/** The answer of {@link checkPassword}. */
export interface PasswordCheck {
  /** The password matches the stored hash. */
  readonly valid: boolean;
  /**
   * The password matched but its hash uses another algorithm than the default or other parameters:
   * store `await makePassword(password)` now (Django's `must_update`). Always `false` when not valid.
   */
  readonly mustUpdate: boolean;
}

/**
 * Hashes `password` for storage (Django's `make_password`). Throws {@link PasswordHashingError}
 * for an unknown hasher name or a salt the hasher cannot use.
 * @example
 * await makePassword('lètmein'); // 'argon2$argon2id$v=19$m=19456,t=2,p=1$...'
 * await makePassword('lètmein', { hasher: 'pbkdf2_sha256', salt: 'seasalt' });
 */
export async function makePassword(password: string, options?: MakePasswordOptions): Promise<string> {
  if (typeof password !== 'string')
    throw new PasswordHashingError('LATCHKEY_HASHER_BAD_PASSWORD', 'Password must be a string');
  const registry = options?.registry ?? defaultHasherRegistry;
  const requested = options?.hasher ?? registry.default;
  const hasher = typeof requested === 'string' ? registry.get(requested) : requested;
  if (hasher === null)
    throw new PasswordHashingError(
      'LATCHKEY_HASHER_UNKNOWN',
      `Unknown password hashing algorithm "${String(requested)}"; add its hasher to the registry`,
    );
  return hasher.encode(password, options?.salt ?? hasher.salt());
}

/**
 * Checks `password` against a stored hash (Django's `check_password`, answering its `must_update`
 * too). A missing password, a missing or unusable hash and an unknown algorithm are all
 * `{ valid: false }`, and each still costs one run of the default hasher so that timing does not
 * tell them apart (Django's fix for CVE-2024-39329). Never throws.
 * @example
 * const { valid, mustUpdate } = await checkPassword(form.password, user.password);
 * if (valid && mustUpdate) await saveHash(user, await makePassword(form.password));
 */
export async function checkPassword(
  password: string | null | undefined,
  encoded: string | null | undefined,
  options?: RegistryOption,
): Promise<PasswordCheck> {
  const registry = options?.registry ?? defaultHasherRegistry;
  const hasher =
    typeof password === 'string' && isPasswordUsable(encoded) ? identifyHasher(encoded, { registry }) : null;
  if (hasher === null || typeof password !== 'string' || typeof encoded !== 'string') {
    await hashDummy({ registry });
    return { valid: false, mustUpdate: false };
  }
  const preferred = registry.default;
  const hasherChanged = hasher.algorithm !== preferred.algorithm;
  const mustUpdate = hasherChanged || safely(() => preferred.mustUpdate(encoded), true);
  const valid = await attempt(() => hasher.verify(password, encoded), false);
  // Django: only when the algorithm is the same (enumeration across algorithms is not protected),
  // top a weaker hash's work up to the default's so a wrong password fails in the usual time.
  if (!valid && !hasherChanged && mustUpdate)
    await attempt(() => hasher.hardenRuntime(password, encoded), undefined);
  return { valid, mustUpdate: valid && mustUpdate };
}

/**
 * Whether `encoded` can ever match a password: it is a string not starting with
 * {@link UNUSABLE_PASSWORD_PREFIX} (Django's `is_password_usable`). Unlike Django, `null` and
 * `undefined` are not usable: there is nothing a password could match.
 * @example
 * isPasswordUsable(makeUnusablePassword()); // false
 */
export function isPasswordUsable(encoded: string | null | undefined): boolean {
  return typeof encoded === 'string' && !encoded.startsWith(UNUSABLE_PASSWORD_PREFIX);
}

/**
 * A value no password matches, for users who must not log in with one (Django's
 * `make_password(None)` / `set_unusable_password`).
 * @example
 * makeUnusablePassword(); // '!' followed by 40 random characters
 */
export function makeUnusablePassword(): string {
  return UNUSABLE_PASSWORD_PREFIX + randomString(UNUSABLE_PASSWORD_SUFFIX_LENGTH, RANDOM_STRING_CHARS);
}

/**
 * The registered hasher that made `encoded`, read from the text before its first `$`; `null` when
 * there is none (Django's `identify_hasher`, which raises instead).
 * @example
 * identifyHasher('pbkdf2_sha256$1000000$seasalt$r1uL...')?.algorithm; // 'pbkdf2_sha256'
 */
export function identifyHasher(
  encoded: string | null | undefined,
  options?: RegistryOption,
): PasswordHasher | null {
  if (typeof encoded !== 'string') return null;
  const at = encoded.indexOf('$');
  if (at <= 0) return null;
  return (options?.registry ?? defaultHasherRegistry).get(encoded.slice(0, at));
}

/**
 * Runs the default hasher once on a random password and discards the result. Call it when a login
 * names no known user, so that answer takes as long as a wrong password (Django ticket #20760;
 * `ModelBackend.authenticate` calls `set_password` for the same reason). Never throws.
 * @example
 * const user = await users.findByUsername(username);
 * if (user === null) { await hashDummy(); return null; }
 */
export async function hashDummy(options?: RegistryOption): Promise<void> {
  const hasher = (options?.registry ?? defaultHasherRegistry).default;
  const password = randomString(UNUSABLE_PASSWORD_SUFFIX_LENGTH, RANDOM_STRING_CHARS);
  await attempt(() => hasher.encode(password, hasher.salt()), '');
}

/** Runs a hasher's synchronous check, answering `fallback` if a custom hasher throws. */
function safely(run: () => boolean, fallback: boolean): boolean {
  try {
    return run();
  } catch {
    return fallback;
  }
}

/** Awaits a hasher's work, answering `fallback` if it throws or rejects (a custom hasher may do either). */
async function attempt<T>(run: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await run();
  } catch {
    return fallback;
  }
}
