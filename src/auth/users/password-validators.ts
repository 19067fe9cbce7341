/**
 * @module Django's four password validators as composable rules (`MinimumLengthValidator`,
 * `UserAttributeSimilarityValidator`, `CommonPasswordValidator`, `NumericPasswordValidator`), and
 * the `AUTH_PASSWORD_VALIDATORS` entries that configure them: a name, then `:option=value` pairs,
 * e.g. `MinimumLengthValidator:min_length=12` or
 * `UserAttributeSimilarityValidator:max_similarity=0.5:user_attributes=username|email`.
 * NIST SP 800-63B 3.1.1.2 is followed too: no composition rules, a blocklist, any Unicode.
 */
import { isCommonPassword } from './common-passwords.js';

/** The account a password is meant for, as far as the rules read it. */
export interface PasswordUser {
  readonly username?: string;
  readonly email?: string;
}

/** One rule: `validate` answers why `password` fails it, or `null`. Messages never repeat the password. */
export interface PasswordValidator {
  readonly name: string;
  validate(password: string, user: PasswordUser | null): string | null | Promise<string | null>;
}

/** Django's `MinimumLengthValidator` default (NIST SP 800-63B-4 asks for 15 when the password is the only factor). */
export const MIN_PASSWORD_LENGTH = 8;
/** Django's `UserAttributeSimilarityValidator.DEFAULT_MAX_SIMILARITY`. */
export const DEFAULT_MAX_SIMILARITY = 0.7;

/** Counts code points, as Python's `len()` does, so "é" in one or two code units counts once. */
function length(text: string): number {
  return [...text].length;
}

/**
 * The password must have at least `minLength` characters.
 * @example
 * minimumLengthValidator({ minLength: 12 }).validate('short', null); // 'This password is too short. …'
 */
export function minimumLengthValidator(options: { minLength?: number } = {}): PasswordValidator {
  const minLength = options.minLength ?? MIN_PASSWORD_LENGTH;
  return {
    name: 'MinimumLengthValidator',
    validate: (password) =>
      length(password) < minLength
        ? `This password is too short. It must contain at least ${minLength} character${minLength === 1 ? '' : 's'}.`
        : null,
  };
}

/** Python's `difflib.SequenceMatcher(a=a, b=b).quick_ratio()`: 2·(shared characters) / (total length). */
function quickRatio(a: string, b: string): number {
  const left = [...a];
  const right = [...b];
  if (left.length + right.length === 0) return 1;
  const available = new Map<string, number>();
  for (const char of right) available.set(char, (available.get(char) ?? 0) + 1);
  let matches = 0;
  for (const char of left) {
    const count = available.get(char) ?? 0;
    if (count > 0) matches++;
    available.set(char, count - 1);
  }
  return (2 * matches) / (left.length + right.length);
}

const ATTRIBUTE_NAMES: Readonly<Record<keyof PasswordUser, string>> = {
  username: 'username',
  email: 'email address',
};

/**
 * The password must not be too similar to the username or the email address (or their parts
 * split at non-word characters), by Django's measure: `SequenceMatcher.quick_ratio() >= maxSimilarity`.
 * @example
 * userAttributeSimilarityValidator().validate('alice2026', { username: 'alice2026' });
 * // 'The password is too similar to the username.'
 */
export function userAttributeSimilarityValidator(
  options: { attributes?: readonly (keyof PasswordUser)[]; maxSimilarity?: number } = {},
): PasswordValidator {
  const attributes = options.attributes ?? (['username', 'email'] as const);
  const maxSimilarity = options.maxSimilarity ?? DEFAULT_MAX_SIMILARITY;
  return {
    name: 'UserAttributeSimilarityValidator',
    validate(password, user) {
      if (user === null) return null;
      // NFKC as usernames are stored, so a fullwidth copy of the username is as similar as the plain one.
      const lower = password.normalize('NFKC').toLowerCase();
      for (const attribute of attributes) {
        const value = user[attribute];
        if (typeof value !== 'string' || value === '') continue;
        const valueLower = value.normalize('NFKC').toLowerCase();
        for (const part of [...valueLower.split(/[^\p{L}\p{N}_]+/u), valueLower]) {
          // Django 4.1.2 (CVE-2022-41323 follow-up): a much longer password cannot be "similar" to a short part.
          const tooShort =
            length(lower) >= 10 * length(part) && length(part) < (maxSimilarity / 2) * length(lower);
          if (!tooShort && quickRatio(lower, part) >= maxSimilarity)
            return `The password is too similar to the ${ATTRIBUTE_NAMES[attribute]}.`;
        }
      }
      return null;
    },
  };
}

/**
 * The password must not be on the common-password list (case-insensitive; loaded on first use).
 * @example
 * await commonPasswordValidator().validate('Password1', null); // 'This password is too common.'
 */
export function commonPasswordValidator(): PasswordValidator {
  return {
    name: 'CommonPasswordValidator',
    validate: async (password) =>
      (await isCommonPassword(password)) ? 'This password is too common.' : null,
  };
}

/**
 * The password must not be all digits (any script's, as Python's `str.isdigit`).
 * @example
 * numericPasswordValidator().validate('20260501', null); // 'This password is entirely numeric.'
 */
export function numericPasswordValidator(): PasswordValidator {
  return {
    name: 'NumericPasswordValidator',
    validate: (password) => (/^\p{Nd}+$/u.test(password) ? 'This password is entirely numeric.' : null),
  };
}

type Options = Readonly<Record<string, string>>;

/** Each validator's name, options, and how to build it; a problem is a string. */
const FACTORIES: Readonly<Record<string, (options: Options) => PasswordValidator | string>> = {
  MinimumLengthValidator({ min_length, ...rest }) {
    if (Object.keys(rest).length > 0) return `MinimumLengthValidator takes only min_length`;
    if (min_length === undefined) return minimumLengthValidator();
    if (!/^[1-9][0-9]{0,3}$/.test(min_length)) return 'min_length must be a whole number from 1 to 9999';
    return minimumLengthValidator({ minLength: Number(min_length) });
  },
  UserAttributeSimilarityValidator({ max_similarity, user_attributes, ...rest }) {
    if (Object.keys(rest).length > 0)
      return 'UserAttributeSimilarityValidator takes only max_similarity and user_attributes';
    const similarity = max_similarity === undefined ? DEFAULT_MAX_SIMILARITY : Number(max_similarity);
    // Django refuses values under 0.1, which would refuse nearly every password.
    if (!/^(0(\.\d+)?|1(\.0+)?)$/.test(max_similarity ?? '0.7') || similarity < 0.1)
      return 'max_similarity must be a number from 0.1 to 1';
    const attributes = (user_attributes ?? 'username|email').split('|');
    if (!attributes.every((a): a is keyof PasswordUser => a === 'username' || a === 'email'))
      return 'user_attributes must be username, email or username|email';
    return userAttributeSimilarityValidator({ attributes, maxSimilarity: similarity });
  },
  CommonPasswordValidator: (options) =>
    Object.keys(options).length > 0 ? 'CommonPasswordValidator takes no options' : commonPasswordValidator(),
  NumericPasswordValidator: (options) =>
    Object.keys(options).length > 0
      ? 'NumericPasswordValidator takes no options'
      : numericPasswordValidator(),
};

/** Builds one validator from its entry, or answers what is wrong with the entry. */
function build(entry: string): PasswordValidator | string {
  const [name = '', ...pairs] = entry.trim().split(':');
  const factory = Object.hasOwn(FACTORIES, name) ? FACTORIES[name] : undefined;
  if (factory === undefined)
    return `unknown validator ${JSON.stringify(name)} (known: ${Object.keys(FACTORIES).join(', ')})`;
  const options: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) return `${name}: expected option=value, got ${JSON.stringify(pair)}`;
    options[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const built = factory(options);
  return typeof built === 'string' ? `${name}: ${built}` : built;
}

/**
 * What is wrong with one `AUTH_PASSWORD_VALIDATORS` entry, or `null`.
 * @example
 * validatorSpecProblem('MinimumLengthValidator:min_length=x'); // 'MinimumLengthValidator: min_length must be …'
 */
export function validatorSpecProblem(entry: string): string | null {
  const built = build(entry);
  return typeof built === 'string' ? built : null;
}

/**
 * The validators `AUTH_PASSWORD_VALIDATORS` names, in order. Throws `RangeError` for a bad entry
 * (settings validation reports those first).
 * @example
 * const validators = passwordValidatorsFrom(settings.AUTH_PASSWORD_VALIDATORS);
 */
export function passwordValidatorsFrom(entries: readonly string[]): PasswordValidator[] {
  return entries.map((entry) => {
    const built = build(entry);
    if (typeof built === 'string') throw new RangeError(`AUTH_PASSWORD_VALIDATORS: ${built}`);
    return built;
  });
}

/**
 * Every rule `password` breaks, in the validators' order (Django's `validate_password`); empty when it passes.
 * @example
 * await validatePassword('12345678', { user: { username: 'alice' }, validators });
 * // ['This password is too common.', 'This password is entirely numeric.']
 */
export async function validatePassword(
  password: string,
  options: { readonly user?: PasswordUser | null; readonly validators: readonly PasswordValidator[] },
): Promise<string[]> {
  const problems: string[] = [];
  for (const validator of options.validators) {
    const problem = await validator.validate(password, options.user ?? null);
    if (problem !== null) problems.push(problem);
  }
  return problems;
}
