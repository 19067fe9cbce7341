/**
 * @module Django's users as Latchkey's: `auth_user` with its groups and permissions
 * (`auth_group`, `auth_permission` by `django_content_type`, and the three link tables), read and
 * written in place, never copied. Latchkey writes only what Django's own login writes: the
 * password column (a hash upgraded at login, or a password change) and `last_login`.
 */
import type { Kysely, Selectable } from 'kysely';
import type { UserSource } from '../auth/types.js';
import { guard, UnknownUserError } from '../auth/users/errors.js';
import { assertEncodedPassword } from '../auth/users/new-user.js';
import { holdsPermissions, type PermissionSubject } from '../auth/users/permissions.js';
import { parseUserId, User } from '../auth/users/user.js';
import { type DialectName, dialectOf } from '../db/connect.js';
import type { Database } from '../db/schema.js';
import {
  asDjangoDatabase,
  type DjangoDatabase,
  type DjangoUserTable,
  fromDjangoDateTime,
  toDjangoDateTime,
} from './schema.js';

/** Django's `AbstractUser.username` max_length. */
const MAX_USERNAME_LENGTH = 150;

function flag(value: number | boolean): boolean {
  return Number(value) === 1;
}

/** Builds a Latchkey {@link User} from an `auth_user` row (first and last name stay in Django). */
function userFromDjangoRow(dialect: DialectName, row: Selectable<DjangoUserTable>): User {
  return new User({
    id: String(row.id),
    username: row.username,
    email: row.email,
    password: row.password,
    isActive: flag(row.is_active),
    isStaff: flag(row.is_staff),
    isSuperuser: flag(row.is_superuser),
    dateJoined: new Date(fromDjangoDateTime(dialect, row.date_joined)),
    lastLogin: row.last_login === null ? null : new Date(fromDjangoDateTime(dialect, row.last_login)),
  });
}

/**
 * The users of a Django project. Lookups return `null` when nothing matches; a database that cannot
 * answer throws `StoreUnavailableError` (INVARIANTS 10).
 * @example
 * const users = new DjangoUserSource(db);
 * const alice = await users.getByUsername('alice');
 */
export class DjangoUserSource implements UserSource<User> {
  readonly #db: Kysely<DjangoDatabase>;
  readonly #dialect: DialectName;

  constructor(db: Kysely<Database>) {
    this.#db = asDjangoDatabase(db);
    this.#dialect = dialectOf(db);
  }

  /** The user with primary key `id`, or `null` (also for a malformed id). */
  async getById(id: string): Promise<User | null> {
    const key = parseUserId(id);
    if (key === null) return null;
    const row = await guard('load a user', () =>
      this.#db.selectFrom('auth_user').selectAll().where('id', '=', key).executeTakeFirst(),
    );
    return row === undefined ? null : userFromDjangoRow(this.#dialect, row);
  }

  /**
   * The user named exactly `username` (Django's `ModelBackend` looks it up with
   * `get_by_natural_key`, unnormalised; the database's collation decides case, as in Django).
   */
  async getByUsername(username: string): Promise<User | null> {
    if (typeof username !== 'string' || username === '' || username.length > MAX_USERNAME_LENGTH) return null;
    const row = await guard('load a user', () =>
      this.#db.selectFrom('auth_user').selectAll().where('username', '=', username).executeTakeFirst(),
    );
    return row === undefined ? null : userFromDjangoRow(this.#dialect, row);
  }

  /** Stores a new encoded hash; it must be one Django verifies (see `django/passwords.ts`). */
  async setPassword(id: string, encoded: string): Promise<void> {
    assertEncodedPassword(encoded);
    await this.#update(id, 'set a password', { password: encoded });
  }

  /** Records a login time, as Django's `update_last_login` receiver does. */
  async updateLastLogin(id: string, at: Date): Promise<void> {
    await this.#update(id, 'record a login', { last_login: toDjangoDateTime(this.#dialect, at.getTime()) });
  }

  /**
   * Every permission `user` holds as `app_label.codename`: none when inactive, all when an active
   * superuser, else their own and their groups' (Django's `ModelBackend.get_all_permissions`).
   */
  async getAllPermissions(user: PermissionSubject): Promise<Set<string>> {
    const key = parseUserId(user.id);
    if (!user.isActive || key === null) return new Set();
    const rows = await guard('load permissions', () => {
      const base = this.#db
        .selectFrom('auth_permission as p')
        .innerJoin('django_content_type as ct', 'ct.id', 'p.content_type_id')
        .select(['ct.app_label', 'p.codename']);
      if (user.isSuperuser) return base.execute();
      return base
        .where((eb) =>
          eb.or([
            eb(
              'p.id',
              'in',
              eb.selectFrom('auth_user_user_permissions').select('permission_id').where('user_id', '=', key),
            ),
            eb(
              'p.id',
              'in',
              eb
                .selectFrom('auth_group_permissions as gp')
                .innerJoin('auth_user_groups as ug', 'ug.group_id', 'gp.group_id')
                .select('gp.permission_id')
                .where('ug.user_id', '=', key),
            ),
          ]),
        )
        .execute();
    });
    return new Set(rows.map((row) => `${row.app_label}.${row.codename}`));
  }

  /** Whether `user` holds `permission` (Django's `has_perm`); active superusers hold every one. */
  async hasPerm(user: PermissionSubject, permission: string): Promise<boolean> {
    if (!user.isActive || user.isSuperuser) return holdsPermissions(user, new Set(), [permission]);
    return holdsPermissions(user, await this.getAllPermissions(user), [permission]);
  }

  /** The names of user `id`'s groups, sorted. */
  async getGroups(id: string): Promise<string[]> {
    const key = parseUserId(id);
    if (key === null) return [];
    const rows = await guard('list groups', () =>
      this.#db
        .selectFrom('auth_group as g')
        .innerJoin('auth_user_groups as ug', 'ug.group_id', 'g.id')
        .select('g.name')
        .where('ug.user_id', '=', key)
        .orderBy('g.name')
        .execute(),
    );
    return rows.map((row) => row.name);
  }

  async #update(id: string, action: string, values: { password?: string; last_login?: Date | string }) {
    const key = parseUserId(id);
    if (key === null) throw new UnknownUserError(id);
    const result = await guard(action, () =>
      this.#db.updateTable('auth_user').set(values).where('id', '=', key).executeTakeFirst(),
    );
    if (result.numUpdatedRows === 0n) throw new UnknownUserError(id);
  }
}
