/**
 * @module `UserRepository`: users, groups and permissions over Kysely, in SQL that runs unchanged
 * on SQLite, PostgreSQL and MySQL. It stores encoded hashes only; it never sees a plain password.
 */
import type { Kysely, Selectable } from 'kysely';
import { type Clock, systemClock } from '../../core/clock.js';
import { readRows } from '../../db/read-rows.js';
import type { Database } from '../../db/schema.js';
import type { UserSource } from '../types.js';
import {
  DuplicateUsernameError,
  guard,
  InvalidUserFieldError,
  isUniqueViolation,
  UnknownUserError,
} from './errors.js';
import {
  findPermissionId,
  type Group,
  groupId,
  insertGroup,
  linkGroupPermission,
  linkUserGroup,
  linkUserPermission,
  userGroupNames,
} from './grants.js';
import { assertEncodedPassword, type NewUser, newUserRow, toFlag } from './new-user.js';
import { emailProblem, normalizeEmail, parseUsername } from './normalize.js';
import {
  holdsPermissions,
  loadAllPermissions,
  loadGrantedPermissions,
  type PermissionSubject,
} from './permissions.js';
import { parseUserId, type User, userFromRow } from './user.js';

type UserRow = Selectable<Database['latchkey_user']>;

export type { NewUser } from './new-user.js';

/** Flags {@link UserRepository.setFlags} can change. */
export interface UserFlags {
  readonly isActive?: boolean;
  readonly isStaff?: boolean;
  readonly isSuperuser?: boolean;
}

/** Options of the {@link UserRepository} constructor. */
export interface UserRepositoryOptions {
  /** Stamps `dateJoined`; the system clock by default (INVARIANTS 11). */
  readonly clock?: Clock;
  /**
   * Refuse a new user whose email (ignoring case) another user has: on when emails log in
   * (`LOGIN_BY_EMAIL`), so that an address names one account.
   */
  readonly uniqueEmails?: boolean;
}

/**
 * Users, groups and permissions in SQL. Lookups return `null` when nothing matches; a database
 * that cannot answer throws `StoreUnavailableError` (INVARIANTS 10).
 * @example
 * const users = new UserRepository(db);
 * const alice = await users.createUser({ username: 'alice', password: await makePassword(pw) });
 * await users.hasPerm(alice, 'cart.add_item'); // false until granted
 */
export class UserRepository implements UserSource<User> {
  readonly #db: Kysely<Database>;
  readonly #clock: Clock;
  readonly #uniqueEmails: boolean;
  #byIdSql: string | null = null;

  constructor(db: Kysely<Database>, options: UserRepositoryOptions = {}) {
    this.#db = db;
    this.#clock = options.clock ?? systemClock;
    this.#uniqueEmails = options.uniqueEmails ?? false;
  }

  /**
   * Creates a user. The username is NFKC-normalised and validated; a taken one throws
   * {@link DuplicateUsernameError}.
   */
  async createUser(fields: NewUser): Promise<User> {
    const row = newUserRow(fields, this.#clock.now());
    if (this.#uniqueEmails && row.email !== '' && (await this.listByEmail(row.email)).length > 0)
      throw new InvalidUserFieldError('email', 'a user with this email address already exists');
    await guard('create a user', async () => {
      try {
        await this.#db.insertInto('latchkey_user').values(row).execute();
      } catch (error) {
        if (isUniqueViolation(error)) throw new DuplicateUsernameError(row.username, { cause: error });
        throw error;
      }
    });
    // Read back by the unique username: portable, where RETURNING and insertId are not.
    const user = await this.getByUsername(row.username);
    if (user === null) throw new UnknownUserError(row.username);
    return user;
  }

  /** The user with id `id`, or `null` (also for a malformed id, which no user can have). */
  async getById(id: string): Promise<User | null> {
    const key = parseUserId(id);
    if (key === null) return null;
    // Every authenticated request reads its user: the query is compiled once (its SQL depends only
    // on the dialect), and each call binds its own id — no query tree built and compiled per request.
    this.#byIdSql ??= this.#db.selectFrom('latchkey_user').selectAll().where('id', '=', key).compile().sql;
    const sql = this.#byIdSql;
    // On SQLite the read runs at once on the connection when no transaction holds it (read-rows.ts).
    const [row] = await guard('load a user', () => readRows<UserRow, Database>(this.#db, sql, [key]));
    return row === undefined ? null : userFromRow(row);
  }

  /** The user named `username` after NFKC normalisation (as at creation), or `null`. */
  async getByUsername(username: string): Promise<User | null> {
    const normalized = parseUsername(username);
    if (normalized === null) return null;
    const row = await guard('load a user', () =>
      this.#db.selectFrom('latchkey_user').selectAll().where('username', '=', normalized).executeTakeFirst(),
    );
    return row === undefined ? null : userFromRow(row);
  }

  /**
   * The users whose email is `email` ignoring case (Django's `PasswordResetForm.get_users` matches
   * `email__iexact`); none for an empty or malformed address. At most 20.
   */
  async listByEmail(email: string): Promise<User[]> {
    const wanted = normalizeEmail(email).toLowerCase();
    if (wanted === '' || emailProblem(wanted) !== null) return [];
    const rows = await guard('load users', () =>
      this.#db
        .selectFrom('latchkey_user')
        .selectAll()
        .where((eb) => eb(eb.fn('lower', ['email']), '=', wanted))
        .orderBy('id')
        .limit(20)
        .execute(),
    );
    // SQL's lower() is ASCII-only on SQLite: compare again with Unicode case folding.
    return rows.map(userFromRow).filter((user) => user.email.toLowerCase() === wanted);
  }

  /** Stores a new encoded hash (or unusable marker) for user `id`. */
  async setPassword(id: string, encoded: string): Promise<void> {
    assertEncodedPassword(encoded);
    await this.#update(id, 'set a password', { password: encoded });
  }

  /** Records a login time (Django's `update_last_login`). */
  async updateLastLogin(id: string, at: Date): Promise<void> {
    await this.#update(id, 'record a login', { last_login: at.getTime() });
  }

  /**
   * Changes `isActive`, `isStaff` or `isSuperuser`. Deactivating a user does not end their sessions;
   * authentication refuses inactive users at their next request.
   */
  async setFlags(id: string, flags: UserFlags): Promise<void> {
    const values: { is_active?: number; is_staff?: number; is_superuser?: number } = {};
    if (flags.isActive !== undefined) values.is_active = toFlag(flags.isActive);
    if (flags.isStaff !== undefined) values.is_staff = toFlag(flags.isStaff);
    if (flags.isSuperuser !== undefined) values.is_superuser = toFlag(flags.isSuperuser);
    if (Object.keys(values).length > 0) await this.#update(id, 'update a user', values);
  }

  /** Deletes user `id` with their group and permission links; returns whether a user was deleted. */
  async deleteUser(id: string): Promise<boolean> {
    const key = parseUserId(id);
    if (key === null) return false;
    const result = await guard('delete a user', () =>
      this.#db.deleteFrom('latchkey_user').where('id', '=', key).executeTakeFirst(),
    );
    return result.numDeletedRows > 0n;
  }

  /** Creates a group; throws `DuplicateGroupError` when the name is taken. */
  async createGroup(name: string): Promise<Group> {
    return guard('create a group', () => insertGroup(this.#db, name));
  }

  /** Adds user `id` to group `groupName`; a no-op when already a member. */
  async addToGroup(id: string, groupName: string): Promise<void> {
    const key = await this.#existingUser(id);
    await guard('add a user to a group', () => linkUserGroup(this.#db, key, groupName));
  }

  /** Removes user `id` from group `groupName`; a no-op when not a member. */
  async removeFromGroup(id: string, groupName: string): Promise<void> {
    const key = await this.#existingUser(id);
    await guard('remove a user from a group', async () => {
      const group = await groupId(this.#db, groupName);
      await this.#db
        .deleteFrom('latchkey_user_groups')
        .where('user_id', '=', key)
        .where('group_id', '=', group)
        .execute();
    });
  }

  /** The names of user `id`'s groups, sorted. */
  async getGroups(id: string): Promise<string[]> {
    const key = parseUserId(id);
    if (key === null) return [];
    return guard('list groups', () => userGroupNames(this.#db, key));
  }

  /** Grants `permission` (e.g. `cart.add_item`) to user `id` directly. */
  async grantPermission(id: string, permission: string): Promise<void> {
    const key = await this.#existingUser(id);
    await guard('grant a permission', () => linkUserPermission(this.#db, key, permission));
  }

  /** Withdraws a permission granted to user `id` directly (group grants are untouched). */
  async revokePermission(id: string, permission: string): Promise<void> {
    const key = await this.#existingUser(id);
    await guard('revoke a permission', async () => {
      // Looked up, not created: revoking what was never granted must not invent a permission.
      const permission_id = await findPermissionId(this.#db, permission);
      if (permission_id === null) return;
      await this.#db
        .deleteFrom('latchkey_user_permissions')
        .where('user_id', '=', key)
        .where('permission_id', '=', permission_id)
        .execute();
    });
  }

  /** Grants `permission` to every member of group `groupName`. */
  async grantGroupPermission(groupName: string, permission: string): Promise<void> {
    await guard('grant a group permission', () => linkGroupPermission(this.#db, groupName, permission));
  }

  /**
   * Every permission `user` holds: none when inactive, every stored permission for an active
   * superuser, else their own and their groups' (Django's `get_all_permissions`).
   */
  async getAllPermissions(user: PermissionSubject): Promise<Set<string>> {
    const key = parseUserId(user.id);
    if (!user.isActive || key === null) return new Set();
    return guard('load permissions', () =>
      user.isSuperuser ? loadAllPermissions(this.#db) : loadGrantedPermissions(this.#db, key),
    );
  }

  /** Whether `user` holds `permission` (Django's `has_perm`); active superusers hold every one. */
  async hasPerm(user: PermissionSubject, permission: string): Promise<boolean> {
    return this.hasPerms(user, [permission]);
  }

  /** Whether `user` holds every one of `permissions` (Django's `has_perms`). */
  async hasPerms(user: PermissionSubject, permissions: readonly string[]): Promise<boolean> {
    // Answer from the flags alone when they decide it, sparing a query.
    if (!user.isActive || user.isSuperuser) return holdsPermissions(user, new Set(), permissions);
    return holdsPermissions(user, await this.getAllPermissions(user), permissions);
  }

  async #existingUser(id: string): Promise<number> {
    const key = parseUserId(id);
    const row =
      key === null
        ? undefined
        : await guard('load a user', () =>
            this.#db.selectFrom('latchkey_user').select('id').where('id', '=', key).executeTakeFirst(),
          );
    if (key === null || row === undefined) throw new UnknownUserError(id);
    return key;
  }

  async #update(
    id: string,
    action: string,
    values: {
      password?: string;
      last_login?: number;
      is_active?: number;
      is_staff?: number;
      is_superuser?: number;
    },
  ): Promise<void> {
    const key = parseUserId(id);
    if (key === null) throw new UnknownUserError(id);
    const result = await guard(action, () =>
      this.#db.updateTable('latchkey_user').set(values).where('id', '=', key).executeTakeFirst(),
    );
    // Django's `save(update_fields=...)` also fails when no row matched.
    if (result.numUpdatedRows === 0n) throw new UnknownUserError(id);
  }
}
