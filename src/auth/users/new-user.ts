/**
 * @module Turns the fields of a new user into a `latchkey_user` row: username NFKC-normalised
 * and validated, email normalised, password checked to be an encoded hash, flags as 0/1.
 */
import type { Insertable } from 'kysely';
import type { UserTable } from '../../db/schema.js';
import { makeUnusablePassword } from '../hashers/index.js';
import { InvalidUserFieldError } from './errors.js';
import { emailProblem, normalizeEmail, normalizeUsername, usernameProblem } from './normalize.js';

/** What `UserRepository.createUser` needs. */
export interface NewUser {
  readonly username: string;
  readonly email?: string;
  /** An encoded hash from `makePassword`; absent or `null` stores an unusable password. */
  readonly password?: string | null;
  readonly isActive?: boolean;
  readonly isStaff?: boolean;
  readonly isSuperuser?: boolean;
}

// `<algorithm>$<fields>` (every Django hasher) or `!<random>` (unusable): a guard against a caller
// passing a plain password where a hash belongs. It cannot prove a value is a hash.
const ENCODED_PASSWORD = /^(?:![\x21-\x7e]*|[a-z0-9_]+\$[\x21-\x7e]+)$/;

/**
 * Throws {@link InvalidUserFieldError} unless `encoded` looks like `makePassword` output; the
 * message never repeats the value, which may be a plain password passed by mistake.
 * @example
 * assertEncodedPassword(await makePassword(password));
 */
export function assertEncodedPassword(encoded: string): void {
  if (!ENCODED_PASSWORD.test(encoded)) {
    throw new InvalidUserFieldError('password', 'expected an encoded hash from makePassword()');
  }
}

/** A boolean as the 0/1 integer every dialect stores the same way. */
export function toFlag(value: boolean): number {
  return value ? 1 : 0;
}

/**
 * The row to insert for `fields`, joined at `now` (epoch ms). Throws {@link InvalidUserFieldError}
 * naming the first field that cannot be stored.
 * @example
 * const row = newUserRow({ username: 'ａｌｉｃｅ' }, clock.now()); // row.username === 'alice'
 */
export function newUserRow(fields: NewUser, now: number): Insertable<UserTable> {
  const username = normalizeUsername(fields.username);
  const usernameIssue = usernameProblem(username);
  if (usernameIssue !== null) throw new InvalidUserFieldError('username', usernameIssue);
  const email = normalizeEmail(fields.email ?? '');
  const emailIssue = emailProblem(email);
  if (emailIssue !== null) throw new InvalidUserFieldError('email', emailIssue);
  const password = fields.password ?? makeUnusablePassword();
  assertEncodedPassword(password);
  return {
    username,
    email,
    password,
    is_active: toFlag(fields.isActive ?? true),
    is_staff: toFlag(fields.isStaff ?? false),
    is_superuser: toFlag(fields.isSuperuser ?? false),
    date_joined: now,
    last_login: null,
  };
}
