/**
 * @module Permission checks with Django's `ModelBackend` semantics: an inactive user has none, an
 * active superuser has all, anyone else has the union of their own and their groups' permissions.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { User } from './user.js';

/** The fields of a user a permission check reads. */
export type PermissionSubject = Pick<User, 'id' | 'isActive' | 'isSuperuser'>;

/** The longest permission string (the `latchkey_permission.codename` column). */
export const PERMISSION_MAX_LENGTH = 255;

// `<app label>.<codename>`, as Django spells `user.has_perm('cart.add_item')`.
const PERMISSION_PATTERN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_.-]+$/;

/**
 * Validates a permission string such as `cart.add_item`; `null` when malformed.
 * @example
 * parsePermission('cart.add_item'); // 'cart.add_item'
 * parsePermission('add item'); // null
 */
export function parsePermission(permission: string): string | null {
  return permission.length <= PERMISSION_MAX_LENGTH && PERMISSION_PATTERN.test(permission)
    ? permission
    : null;
}

/**
 * Every permission string stored, which is what an active superuser holds (Django's
 * `ModelBackend._get_permissions` returns `Permission.objects.all()` for superusers).
 * @example
 * const all = await loadAllPermissions(db);
 */
export async function loadAllPermissions(db: Kysely<Database>): Promise<Set<string>> {
  const rows = await db.selectFrom('latchkey_permission').select('codename').execute();
  return new Set(rows.map((row) => row.codename));
}

/**
 * The permissions granted to user `userId` directly or through any of their groups, in one query.
 * @example
 * const granted = await loadGrantedPermissions(db, 42);
 */
export async function loadGrantedPermissions(db: Kysely<Database>, userId: number): Promise<Set<string>> {
  const direct = db
    .selectFrom('latchkey_user_permissions as up')
    .innerJoin('latchkey_permission as p', 'p.id', 'up.permission_id')
    .select('p.codename')
    .where('up.user_id', '=', userId);
  const viaGroups = db
    .selectFrom('latchkey_user_groups as ug')
    .innerJoin('latchkey_group_permissions as gp', 'gp.group_id', 'ug.group_id')
    .innerJoin('latchkey_permission as p', 'p.id', 'gp.permission_id')
    .select('p.codename')
    .where('ug.user_id', '=', userId);
  const rows = await direct.union(viaGroups).execute();
  return new Set(rows.map((row) => row.codename));
}

/**
 * Whether `user`, holding `granted` (from `getAllPermissions`), has every one of `permissions`.
 * Active superusers pass without a lookup; inactive users never pass (Django's `User.has_perms`).
 * @example
 * holdsPermissions(user, granted, ['cart.add_item', 'cart.view_item']);
 */
export function holdsPermissions(
  user: PermissionSubject,
  granted: ReadonlySet<string>,
  permissions: readonly string[],
): boolean {
  if (!user.isActive) return false;
  if (user.isSuperuser) return true;
  return permissions.every((permission) => granted.has(permission));
}
