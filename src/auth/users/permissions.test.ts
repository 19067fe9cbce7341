import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { migrateToLatest } from '../../db/migrate.js';
import type { Database } from '../../db/schema.js';
import { openSqlite } from '../../db/sqlite.js';
import { DuplicateGroupError, InvalidUserFieldError, UnknownGroupError, UnknownUserError } from './errors.js';
import { parsePermission } from './permissions.js';
import { UserRepository } from './repository.js';
import type { User } from './user.js';

describe('permissions with ModelBackend semantics', () => {
  let dir: string;
  let db: Kysely<Database>;
  let users: UserRepository;
  let alice: User;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'latchkey-perms-'));
    db = openSqlite(join(dir, 'db.sqlite3'));
    await migrateToLatest(db);
    users = new UserRepository(db);
    alice = await users.createUser({ username: 'alice' });
  });

  afterEach(async () => {
    await db.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  test('a new user holds no permission', async () => {
    expect(await users.hasPerm(alice, 'cart.add_item')).toBe(false);
    expect(await users.getAllPermissions(alice)).toEqual(new Set());
  });

  test('a permission granted directly is held, once, until revoked', async () => {
    await users.grantPermission(alice.id, 'cart.add_item');
    await users.grantPermission(alice.id, 'cart.add_item');
    expect(await users.hasPerm(alice, 'cart.add_item')).toBe(true);
    expect(await users.hasPerm(alice, 'cart.delete_item')).toBe(false);
    expect(await users.getAllPermissions(alice)).toEqual(new Set(['cart.add_item']));
    await users.revokePermission(alice.id, 'cart.add_item');
    expect(await users.hasPerm(alice, 'cart.add_item')).toBe(false);
  });

  test("a group's permissions reach its members, and leave with them", async () => {
    const bob = await users.createUser({ username: 'bob' });
    const editors = await users.createGroup('editors');
    expect(editors).toEqual({ id: expect.stringMatching(/^[1-9][0-9]*$/), name: 'editors' });
    await users.grantGroupPermission('editors', 'blog.change_post');
    await users.grantGroupPermission('editors', 'blog.add_post');
    await users.addToGroup(alice.id, 'editors');
    await users.addToGroup(alice.id, 'editors');
    await users.grantPermission(alice.id, 'cart.add_item');

    expect(await users.getGroups(alice.id)).toEqual(['editors']);
    expect(await users.hasPerm(alice, 'blog.change_post')).toBe(true);
    expect(await users.getAllPermissions(alice)).toEqual(
      new Set(['blog.change_post', 'blog.add_post', 'cart.add_item']),
    );
    expect(await users.hasPerms(alice, ['blog.add_post', 'cart.add_item'])).toBe(true);
    expect(await users.hasPerms(alice, ['blog.add_post', 'blog.delete_post'])).toBe(false);
    expect(await users.hasPerm(bob, 'blog.change_post')).toBe(false);

    await users.removeFromGroup(alice.id, 'editors');
    expect(await users.getGroups(alice.id)).toEqual([]);
    expect(await users.hasPerm(alice, 'blog.change_post')).toBe(false);
    expect(await users.hasPerm(alice, 'cart.add_item')).toBe(true);
  });

  test('an active superuser holds every permission, and lists every granted one', async () => {
    await users.grantPermission(alice.id, 'cart.add_item');
    await users.createGroup('staff');
    await users.grantGroupPermission('staff', 'blog.add_post');
    await users.revokePermission(alice.id, 'ghost.never_granted');
    const root = await users.createUser({ username: 'root', isStaff: true, isSuperuser: true });
    expect(await users.hasPerm(root, 'anything.at_all')).toBe(true);
    expect(await users.hasPerms(root, ['a.b', 'c.d'])).toBe(true);
    expect(await users.getAllPermissions(root)).toEqual(new Set(['cart.add_item', 'blog.add_post']));
  });

  test('an inactive user holds nothing, superuser or not, whatever was granted', async () => {
    await users.grantPermission(alice.id, 'cart.add_item');
    await users.createGroup('editors');
    await users.grantGroupPermission('editors', 'blog.add_post');
    await users.addToGroup(alice.id, 'editors');
    await users.setFlags(alice.id, { isActive: false });
    const inactive = (await users.getById(alice.id))!;
    expect(await users.hasPerm(inactive, 'cart.add_item')).toBe(false);
    expect(await users.hasPerm(inactive, 'blog.add_post')).toBe(false);
    expect(await users.getAllPermissions(inactive)).toEqual(new Set());

    const root = await users.createUser({ username: 'root', isSuperuser: true, isActive: false });
    expect(await users.hasPerm(root, 'cart.add_item')).toBe(false);
    expect(await users.getAllPermissions(root)).toEqual(new Set());
  });

  test('deleting a user deletes their grants and memberships but not the group', async () => {
    await users.createGroup('editors');
    await users.addToGroup(alice.id, 'editors');
    await users.grantPermission(alice.id, 'cart.add_item');
    await users.deleteUser(alice.id);
    expect(await db.selectFrom('latchkey_user_groups').selectAll().execute()).toEqual([]);
    expect(await db.selectFrom('latchkey_user_permissions').selectAll().execute()).toEqual([]);
    expect(await db.selectFrom('latchkey_group').select('name').execute()).toEqual([{ name: 'editors' }]);
  });

  test('mistakes are typed errors: bad permission, duplicate or unknown group, unknown user', async () => {
    await expect(users.grantPermission(alice.id, 'add item')).rejects.toBeInstanceOf(InvalidUserFieldError);
    await users.createGroup('editors');
    await expect(users.createGroup('editors')).rejects.toBeInstanceOf(DuplicateGroupError);
    await expect(users.createGroup('')).rejects.toBeInstanceOf(InvalidUserFieldError);
    await expect(users.addToGroup(alice.id, 'nobody')).rejects.toBeInstanceOf(UnknownGroupError);
    await expect(users.grantGroupPermission('nobody', 'a.b')).rejects.toBeInstanceOf(UnknownGroupError);
    await expect(users.grantPermission('999', 'a.b')).rejects.toBeInstanceOf(UnknownUserError);
    await expect(users.addToGroup('999', 'editors')).rejects.toBeInstanceOf(UnknownUserError);
  });

  test('permission strings are "<app>.<codename>"', () => {
    expect(parsePermission('cart.add_item')).toBe('cart.add_item');
    expect(parsePermission('auth.view-user.extra')).toBe('auth.view-user.extra');
    for (const bad of [
      '',
      'cart',
      '.add',
      'cart.',
      'cart add.item',
      'cart.add\nitem',
      `a.${'b'.repeat(300)}`,
    ]) {
      expect(parsePermission(bad)).toBeNull();
    }
  });
});
