import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createManualClock, type ManualClock } from '../../core/clock.js';
import { StoreUnavailableError } from '../../core/errors.js';
import { migrateToLatest } from '../../db/migrate.js';
import type { Database } from '../../db/schema.js';
import { openSqlite } from '../../db/sqlite.js';
import { checkPassword, makePassword } from '../hashers/index.js';
import type { UserSource } from '../types.js';
import { DuplicateUsernameError, InvalidUserFieldError, UnknownUserError } from './errors.js';
import { USERNAME_RULE } from './normalize.js';
import { UserRepository } from './repository.js';
import type { User } from './user.js';

describe('UserRepository on a real SQLite file', () => {
  let dir: string;
  let db: Kysely<Database>;
  let clock: ManualClock;
  let users: UserRepository;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'latchkey-users-'));
    db = openSqlite(join(dir, 'db.sqlite3'));
    await migrateToLatest(db);
    clock = createManualClock(new Date('2026-03-01T12:00:00Z'));
    users = new UserRepository(db, { clock });
  });

  afterEach(async () => {
    await db.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  test('it is a UserSource that authentication can use', () => {
    const source: UserSource<User> = users;
    expect(source).toBe(users);
  });

  test("a read by id never sees another request's uncommitted transaction, and waits for it", async () => {
    const alice = await users.createUser({
      username: 'alice',
      email: '',
      password: await makePassword('pw'),
    });
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let inside: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      inside = resolve;
    });
    const rolledBack = db
      .transaction()
      .execute(async (trx) => {
        await trx.updateTable('latchkey_user').set({ is_active: 0 }).where('id', '=', alice.id).execute();
        inside();
        await held;
        throw new Error('roll back');
      })
      .catch(() => 'rolled back');
    await started;
    const read = users.getById(String(alice.id));
    release();
    expect(await rolledBack).toBe('rolled back');
    expect((await read)?.isActive).toBe(true);
    // Outside a transaction the read is answered at once, with what is committed.
    await db.updateTable('latchkey_user').set({ is_active: 0 }).where('id', '=', alice.id).execute();
    expect((await users.getById(String(alice.id)))?.isActive).toBe(false);
  });

  test('a created user reads back by id and by username with every field', async () => {
    const hash = await makePassword('correct horse battery');
    const created = await users.createUser({ username: 'alice', email: 'Alice@Example.COM', password: hash });
    expect(created.id).toMatch(/^[1-9][0-9]*$/);
    const byId = await users.getById(created.id);
    const byName = await users.getByUsername('alice');
    for (const user of [created, byId, byName]) {
      expect(user).toMatchObject({
        id: created.id,
        username: 'alice',
        email: 'Alice@example.com',
        isActive: true,
        isStaff: false,
        isSuperuser: false,
        lastLogin: null,
        isAuthenticated: true,
      });
      expect(user?.dateJoined.toISOString()).toBe('2026-03-01T12:00:00.000Z');
      expect(user?.password).toBe(hash);
    }
    expect((await checkPassword('correct horse battery', byName?.password)).valid).toBe(true);
  });

  test('ids are distinct decimal strings and unknown or malformed ids find nobody', async () => {
    const a = await users.createUser({ username: 'a' });
    const b = await users.createUser({ username: 'b' });
    expect(a.id).not.toBe(b.id);
    expect(await users.getById(String(Number(b.id) + 1))).toBeNull();
    for (const bad of ['', '0', '-1', '1.0', ' 1', '1e3', "1' OR '1'='1", '99999999999999999999']) {
      expect(await users.getById(bad)).toBeNull();
    }
  });

  test('the password hash never shows in JSON, spreads, keys or console output', async () => {
    const hash = await makePassword('correct horse battery');
    const user = await users.createUser({ username: 'alice', password: hash });
    const shown = [
      JSON.stringify(user),
      JSON.stringify({ ...user }),
      inspect(user),
      Object.keys(user).join(),
    ];
    for (const text of shown) {
      expect(text).not.toContain(hash);
      expect(text).not.toContain('password');
    }
    expect(JSON.parse(JSON.stringify(user))).toEqual({
      id: user.id,
      username: 'alice',
      email: '',
      isActive: true,
      isStaff: false,
      isSuperuser: false,
      dateJoined: '2026-03-01T12:00:00.000Z',
      lastLogin: null,
    });
  });

  test('a user created without a password has an unusable one', async () => {
    const user = await users.createUser({ username: 'robot', password: null });
    expect(user.hasUsablePassword()).toBe(false);
    expect(user.password.startsWith('!')).toBe(true);
    expect((await checkPassword('', user.password)).valid).toBe(false);
    const other = await users.createUser({ username: 'robot2' });
    expect(other.password).not.toBe(user.password);
  });

  test('a plain password is refused where an encoded hash belongs, without echoing it', async () => {
    const attempt = users.createUser({ username: 'alice', password: 'hunter22hunter' });
    await expect(attempt).rejects.toBeInstanceOf(InvalidUserFieldError);
    await expect(attempt).rejects.not.toThrow(/hunter22/);
    const bob = await users.createUser({ username: 'bob' });
    await expect(users.setPassword(bob.id, 'plain text')).rejects.toBeInstanceOf(InvalidUserFieldError);
  });

  test('NFKC: a ligature and fullwidth letters name the same user at creation and at lookup', async () => {
    const fiona = await users.createUser({ username: '\uFB01ona' }); // "ﬁona" with the fi ligature
    expect(fiona.username).toBe('fiona');
    expect((await users.getByUsername('fiona'))?.id).toBe(fiona.id);
    expect((await users.getByUsername('\uFB01ona'))?.id).toBe(fiona.id);
    await expect(users.createUser({ username: 'fiona' })).rejects.toBeInstanceOf(DuplicateUsernameError);

    const alice = await users.createUser({ username: 'alice' });
    expect((await users.getByUsername('\uFF41\uFF4C\uFF49\uFF43\uFF45'))?.id).toBe(alice.id); // "ａｌｉｃｅ"
    await expect(users.createUser({ username: '\uFF41lice' })).rejects.toBeInstanceOf(DuplicateUsernameError);
  });

  test('a taken username is a DuplicateUsernameError, not a driver error', async () => {
    await users.createUser({ username: 'alice' });
    const attempt = users.createUser({ username: 'alice' });
    await expect(attempt).rejects.toBeInstanceOf(DuplicateUsernameError);
    await expect(attempt).rejects.toMatchObject({ code: 'LATCHKEY_DUPLICATE_USERNAME', username: 'alice' });
  });

  test('usernames are case-sensitive, as in Django', async () => {
    const lower = await users.createUser({ username: 'alice' });
    const upper = await users.createUser({ username: 'Alice' });
    expect(upper.id).not.toBe(lower.id);
    expect((await users.getByUsername('Alice'))?.id).toBe(upper.id);
  });

  test('invalid usernames are refused with the rule they break, and never found', async () => {
    const bad = [
      '',
      'alice smith',
      'nul\0byte',
      'line\nbreak',
      'tab\t',
      'bell\u0007',
      'rtl\u202Eoverride',
      'a/b',
    ];
    for (const username of bad) {
      await expect(users.createUser({ username })).rejects.toThrow(InvalidUserFieldError);
      expect(await users.getByUsername(username)).toBeNull();
    }
    await expect(users.createUser({ username: 'a b' })).rejects.toThrow(USERNAME_RULE);
    await expect(users.createUser({ username: 'x'.repeat(151) })).rejects.toThrow(/at most 150/);
    const longest = await users.createUser({ username: 'x'.repeat(150) });
    expect(longest.username).toHaveLength(150);
    const unicode = await users.createUser({ username: 'zoë.o+tag@ex-ample_1' });
    expect(unicode.username).toBe('zoë.o+tag@ex-ample_1');
  });

  test('a malformed email is refused and an empty one means none', async () => {
    await expect(users.createUser({ username: 'a', email: 'not-an-email' })).rejects.toThrow(/email/);
    await expect(users.createUser({ username: 'b', email: 'a b@example.com' })).rejects.toThrow(/email/);
    expect((await users.createUser({ username: 'c', email: '  ' })).email).toBe('');
  });

  test('setPassword, updateLastLogin and setFlags change only what they name', async () => {
    const user = await users.createUser({
      username: 'alice',
      password: await makePassword('first password'),
    });
    const second = await makePassword('second password');
    await users.setPassword(user.id, second);
    await users.updateLastLogin(user.id, new Date('2026-03-02T08:30:00Z'));
    await users.setFlags(user.id, { isStaff: true });
    const after = await users.getById(user.id);
    expect(after?.password).toBe(second);
    expect(after?.lastLogin?.toISOString()).toBe('2026-03-02T08:30:00.000Z');
    expect(after).toMatchObject({ isStaff: true, isActive: true, isSuperuser: false, username: 'alice' });
    await users.setFlags(user.id, { isActive: false, isSuperuser: true });
    expect(await users.getById(user.id)).toMatchObject({ isStaff: true, isActive: false, isSuperuser: true });
  });

  test('changes to a user that does not exist throw UnknownUserError', async () => {
    const hash = await makePassword('some password');
    await expect(users.setPassword('999', hash)).rejects.toBeInstanceOf(UnknownUserError);
    await expect(users.updateLastLogin('999', new Date())).rejects.toBeInstanceOf(UnknownUserError);
    await expect(users.setFlags('not-an-id', { isActive: false })).rejects.toBeInstanceOf(UnknownUserError);
  });

  test('deleteUser removes the user and reports whether one was there', async () => {
    const user = await users.createUser({ username: 'alice' });
    expect(await users.deleteUser(user.id)).toBe(true);
    expect(await users.getById(user.id)).toBeNull();
    expect(await users.deleteUser(user.id)).toBe(false);
  });

  test('a database that cannot answer throws StoreUnavailableError with the driver error as cause', async () => {
    await users.createUser({ username: 'alice' });
    await db.destroy();
    const attempt = users.getByUsername('alice');
    await expect(attempt).rejects.toBeInstanceOf(StoreUnavailableError);
    const error = await attempt.catch((e: unknown) => e);
    expect((error as StoreUnavailableError).cause).toBeInstanceOf(Error);
    expect((error as StoreUnavailableError).message).not.toContain('alice');
    db = openSqlite(join(dir, 'db.sqlite3'));
  });
});
