/**
 * @module The user model (Django's `auth.User`, camelCased). The password hash is a
 * non-enumerable property, so `JSON.stringify`, spreads, `console.log` and log fields never
 * carry it (INVARIANTS 9).
 */
import { inspect } from 'node:util';
import type { Selectable } from 'kysely';
import { toMillis, type UserTable } from '../../db/schema.js';
import { isPasswordUsable } from '../hashers/index.js';
import type { AuthUser } from '../types.js';

/** Every field of a user, as stored. */
export interface UserFields {
  /** The decimal string of the integer primary key (what a session keeps as `_auth_user_id`). */
  readonly id: string;
  readonly username: string;
  /** `''` when the user has none (Django's convention). */
  readonly email: string;
  /** The encoded password hash, or an unusable marker starting with `!`. */
  readonly password: string;
  readonly isActive: boolean;
  readonly isStaff: boolean;
  readonly isSuperuser: boolean;
  readonly dateJoined: Date;
  /** `null` until the first login. */
  readonly lastLogin: Date | null;
}

/** A user as it may be shown or sent to a client: every field but the password. */
export type PublicUser = Omit<UserFields, 'password' | 'dateJoined' | 'lastLogin'> & {
  readonly dateJoined: string;
  readonly lastLogin: string | null;
};

/**
 * A user. Build one with `UserRepository`; the constructor is public for tests and custom stores.
 * @example
 * const user = await users.getByUsername('alice');
 * if (user?.isActive) console.log(JSON.stringify(user)); // no password in the output
 */
export class User implements UserFields, AuthUser {
  readonly id: string;
  readonly username: string;
  readonly email: string;
  declare readonly password: string;
  readonly isActive: boolean;
  readonly isStaff: boolean;
  readonly isSuperuser: boolean;
  readonly dateJoined: Date;
  readonly lastLogin: Date | null;

  constructor(fields: UserFields) {
    this.id = fields.id;
    this.username = fields.username;
    this.email = fields.email;
    Object.defineProperty(this, 'password', { value: fields.password, enumerable: false });
    this.isActive = fields.isActive;
    this.isStaff = fields.isStaff;
    this.isSuperuser = fields.isSuperuser;
    this.dateJoined = fields.dateJoined;
    this.lastLogin = fields.lastLogin;
  }

  /** Always true for a real user (Django's `is_authenticated`); an anonymous user answers false. */
  get isAuthenticated(): true {
    return true;
  }

  /** Whether the user can log in with a password at all (Django's `has_usable_password`). */
  hasUsablePassword(): boolean {
    return isPasswordUsable(this.password);
  }

  /** The user without the password hash, dates as ISO 8601 strings. */
  toJSON(): PublicUser {
    return {
      id: this.id,
      username: this.username,
      email: this.email,
      isActive: this.isActive,
      isStaff: this.isStaff,
      isSuperuser: this.isSuperuser,
      dateJoined: this.dateJoined.toISOString(),
      lastLogin: this.lastLogin === null ? null : this.lastLogin.toISOString(),
    };
  }

  /** What `console.log` and `util.inspect` show: no password hash. */
  [inspect.custom](): string {
    return `User ${inspect(this.toJSON())}`;
  }
}

/**
 * Builds a {@link User} from a `latchkey_user` row (booleans as 0/1, times as epoch ms).
 * @example
 * const user = userFromRow(await db.selectFrom('latchkey_user').selectAll().executeTakeFirstOrThrow());
 */
export function userFromRow(row: Selectable<UserTable>): User {
  return new User({
    id: String(row.id),
    username: row.username,
    email: row.email,
    password: row.password,
    isActive: Number(row.is_active) === 1,
    isStaff: Number(row.is_staff) === 1,
    isSuperuser: Number(row.is_superuser) === 1,
    dateJoined: new Date(toMillis(row.date_joined)),
    lastLogin: row.last_login === null ? null : new Date(toMillis(row.last_login)),
  });
}

/**
 * Parses a user id (the decimal string of a positive integer key); `null` for anything else, so a
 * forged `_auth_user_id` never reaches the database as a malformed value.
 * @example
 * parseUserId('42'); // 42
 */
export function parseUserId(id: string): number | null {
  if (!/^[1-9][0-9]{0,15}$/.test(id)) return null;
  const value = Number(id);
  return Number.isSafeInteger(value) ? value : null;
}
