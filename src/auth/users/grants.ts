/**
 * @module Writes to groups, permissions and their links. Every grant is idempotent and written
 * without dialect-specific upserts (MySQL has no `ON CONFLICT`): look up, insert, and treat a
 * unique violation from a concurrent insert as success.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import {
  DuplicateGroupError,
  InvalidUserFieldError,
  isUniqueViolation,
  UnknownGroupError,
} from './errors.js';
import { parsePermission } from './permissions.js';

/** A group of users sharing permissions (Django's `auth.Group`). */
export interface Group {
  readonly id: string;
  readonly name: string;
}

/** The longest group name (Django's `Group.name` max_length). */
export const GROUP_NAME_MAX_LENGTH = 150;

function checkGroupName(name: string): void {
  if (name.trim() === '' || [...name].length > GROUP_NAME_MAX_LENGTH || /\p{Cc}/u.test(name)) {
    throw new InvalidUserFieldError(
      'group',
      `a group name must be 1 to ${GROUP_NAME_MAX_LENGTH} characters without control characters`,
    );
  }
}

async function insertIgnoringDuplicate(insert: () => Promise<unknown>): Promise<void> {
  try {
    await insert();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
}

/** Creates a group; throws {@link DuplicateGroupError} when the name is taken. */
export async function insertGroup(db: Kysely<Database>, name: string): Promise<Group> {
  checkGroupName(name);
  try {
    await db.insertInto('latchkey_group').values({ name }).execute();
  } catch (error) {
    if (isUniqueViolation(error)) throw new DuplicateGroupError(name, { cause: error });
    throw error;
  }
  return { id: String(await groupId(db, name)), name };
}

/** The id of the group `name`; throws {@link UnknownGroupError} when there is none. */
export async function groupId(db: Kysely<Database>, name: string): Promise<number> {
  const row = await db.selectFrom('latchkey_group').select('id').where('name', '=', name).executeTakeFirst();
  if (row === undefined) throw new UnknownGroupError(name);
  return Number(row.id);
}

/** The id of `permission`, or `null` when no row names it (nothing was ever granted). */
export async function findPermissionId(db: Kysely<Database>, permission: string): Promise<number | null> {
  const row = await db
    .selectFrom('latchkey_permission')
    .select('id')
    .where('codename', '=', permission)
    .executeTakeFirst();
  return row === undefined ? null : Number(row.id);
}

/** The id of `permission`, creating its row on first use. */
export async function permissionId(db: Kysely<Database>, permission: string): Promise<number> {
  if (parsePermission(permission) === null) {
    throw new InvalidUserFieldError('permission', 'expected "<app>.<codename>", e.g. "cart.add_item"');
  }
  const found = await findPermissionId(db, permission);
  if (found !== null) return found;
  await insertIgnoringDuplicate(() =>
    db.insertInto('latchkey_permission').values({ codename: permission }).execute(),
  );
  const created = await findPermissionId(db, permission);
  if (created === null) throw new Error(`permission row for "${permission}" vanished after insert`);
  return created;
}

/** Adds user `userId` to group `groupName` (no-op when already a member). */
export async function linkUserGroup(db: Kysely<Database>, userId: number, groupName: string): Promise<void> {
  const group_id = await groupId(db, groupName);
  const existing = await db
    .selectFrom('latchkey_user_groups')
    .select('user_id')
    .where('user_id', '=', userId)
    .where('group_id', '=', group_id)
    .executeTakeFirst();
  if (existing !== undefined) return;
  await insertIgnoringDuplicate(() =>
    db.insertInto('latchkey_user_groups').values({ user_id: userId, group_id }).execute(),
  );
}

/** Grants `permission` to user `userId` directly (no-op when already granted). */
export async function linkUserPermission(
  db: Kysely<Database>,
  userId: number,
  permission: string,
): Promise<void> {
  const permission_id = await permissionId(db, permission);
  const existing = await db
    .selectFrom('latchkey_user_permissions')
    .select('user_id')
    .where('user_id', '=', userId)
    .where('permission_id', '=', permission_id)
    .executeTakeFirst();
  if (existing !== undefined) return;
  await insertIgnoringDuplicate(() =>
    db.insertInto('latchkey_user_permissions').values({ user_id: userId, permission_id }).execute(),
  );
}

/** Grants `permission` to every member of group `groupName` (no-op when already granted). */
export async function linkGroupPermission(
  db: Kysely<Database>,
  groupName: string,
  permission: string,
): Promise<void> {
  const group_id = await groupId(db, groupName);
  const permission_id = await permissionId(db, permission);
  const existing = await db
    .selectFrom('latchkey_group_permissions')
    .select('group_id')
    .where('group_id', '=', group_id)
    .where('permission_id', '=', permission_id)
    .executeTakeFirst();
  if (existing !== undefined) return;
  await insertIgnoringDuplicate(() =>
    db.insertInto('latchkey_group_permissions').values({ group_id, permission_id }).execute(),
  );
}

/** The names of the groups user `userId` belongs to, sorted. */
export async function userGroupNames(db: Kysely<Database>, userId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('latchkey_user_groups as ug')
    .innerJoin('latchkey_group as g', 'g.id', 'ug.group_id')
    .select('g.name')
    .where('ug.user_id', '=', userId)
    .orderBy('g.name')
    .execute();
  return rows.map((row) => row.name);
}
