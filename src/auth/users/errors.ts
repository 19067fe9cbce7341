/**
 * @module Errors of the user store, and the one place where database driver errors are mapped
 * onto them: a taken unique name becomes a typed error, anything else fails closed as
 * {@link StoreUnavailableError} (INVARIANTS 10).
 */
import { LatchkeyError, StoreUnavailableError } from '../../core/errors.js';

/** A username, email, password hash, group or permission name that cannot be stored; `message` says which rule. */
export class InvalidUserFieldError extends LatchkeyError {
  readonly field: 'username' | 'email' | 'password' | 'permission' | 'group';
  constructor(field: InvalidUserFieldError['field'], reason: string) {
    super('LATCHKEY_INVALID_USER_FIELD', `Invalid ${field}: ${reason}`);
    this.field = field;
  }
}

/** Another user already has this (normalised) username. */
export class DuplicateUsernameError extends LatchkeyError {
  readonly username: string;
  constructor(username: string, options?: { cause?: unknown }) {
    super('LATCHKEY_DUPLICATE_USERNAME', `A user with the username "${username}" already exists.`, options);
    this.username = username;
  }
}

/** Another group already has this name. */
export class DuplicateGroupError extends LatchkeyError {
  readonly group: string;
  constructor(group: string, options?: { cause?: unknown }) {
    super('LATCHKEY_DUPLICATE_GROUP', `A group named "${group}" already exists.`, options);
    this.group = group;
  }
}

/** A change addressed a user id that has no user (it was deleted, or never existed). */
export class UnknownUserError extends LatchkeyError {
  constructor(id: string) {
    super('LATCHKEY_UNKNOWN_USER', `No user has the id ${JSON.stringify(id)}.`);
  }
}

/** A change addressed a group name that has no group. */
export class UnknownGroupError extends LatchkeyError {
  constructor(name: string) {
    super('LATCHKEY_UNKNOWN_GROUP', `No group is named ${JSON.stringify(name)}.`);
  }
}

/**
 * Whether `error` is a unique-constraint violation, on any supported driver: better-sqlite3
 * (`SQLITE_CONSTRAINT_UNIQUE`/`_PRIMARYKEY`), pg (SQLSTATE 23505) or mysql2 (`ER_DUP_ENTRY`).
 * @example
 * if (isUniqueViolation(error)) throw new DuplicateUsernameError(username, { cause: error });
 */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return (
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === '23505' ||
    code === 'ER_DUP_ENTRY'
  );
}

/**
 * Runs a query, letting Latchkey's own errors through and turning any other failure into a
 * {@link StoreUnavailableError} that keeps the driver error as `cause`.
 * @example
 * const row = await guard('load a user', () => db.selectFrom('latchkey_user').selectAll().executeTakeFirst());
 */
export async function guard<T>(action: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof LatchkeyError) throw error;
    throw new StoreUnavailableError(`User store unavailable: could not ${action}`, { cause: error });
  }
}
