/**
 * @module The check every new password goes through (password change, password reset, the CLI):
 * not empty, then every rule of `AUTH_PASSWORD_VALIDATORS` (Django's four validators by default,
 * see `password-validators.ts`).
 */
import {
  commonPasswordValidator,
  MIN_PASSWORD_LENGTH,
  minimumLengthValidator,
  numericPasswordValidator,
  type PasswordValidator,
  userAttributeSimilarityValidator,
  validatePassword,
} from './password-validators.js';

export { MIN_PASSWORD_LENGTH };

/** Options of {@link passwordProblems}. */
export interface PasswordRuleOptions {
  /** The account's username: a password too similar to it is refused. */
  readonly username?: string;
  /** The account's email address: a password too similar to it is refused. */
  readonly email?: string;
  /** The rules; Django's default four (as `AUTH_PASSWORD_VALIDATORS` defaults to) when omitted. */
  readonly validators?: readonly PasswordValidator[];
}

/**
 * Django's default `AUTH_PASSWORD_VALIDATORS`, in Django's order.
 * @example
 * await passwordProblems(pw, { username, validators: defaultPasswordValidators() });
 */
export function defaultPasswordValidators(): PasswordValidator[] {
  return [
    userAttributeSimilarityValidator(),
    minimumLengthValidator(),
    commonPasswordValidator(),
    numericPasswordValidator(),
  ];
}

/**
 * The attributes of `user` the similarity rule compares against: the username, and the email
 * address when the user model has one.
 * @example
 * await passwordProblems(pw, { ...userAttributes(user), validators });
 */
export function userAttributes(user: { readonly username: string }): { username: string; email?: string } {
  const email = (user as { readonly email?: unknown }).email;
  return typeof email === 'string' ? { username: user.username, email } : { username: user.username };
}

/**
 * Every rule `password` breaks, as sentences naming the rule; empty when it passes. The
 * messages never repeat the password.
 * @example
 * await passwordProblems('alice', { username: 'alice' });
 * // ['The password is too similar to the username.', 'This password is too short. It must contain at least 8 characters.', 'This password is too common.']
 */
export async function passwordProblems(
  password: string,
  options: PasswordRuleOptions = {},
): Promise<string[]> {
  if (password === '') return ['The password must not be empty.'];
  const user = {
    ...(options.username === undefined ? {} : { username: options.username }),
    ...(options.email === undefined ? {} : { email: options.email }),
  };
  return validatePassword(password, { user, validators: options.validators ?? defaultPasswordValidators() });
}
