/**
 * What must hold on every SQL dialect beyond the store conformance suite: users, permissions and the
 * audit log through the real drivers, and the session store's dialect-sensitive spots (duplicate-key
 * errors, payload size, collation, index use). Each dialect gets its own throwaway database.
 */
import {
  CompiledQuery,
  type Kysely,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  sql,
  type UnknownRow,
} from 'kysely';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { AuditLog } from '../../src/audit/log.js';
import { DuplicateGroupError, DuplicateUsernameError } from '../../src/auth/users/errors.js';
import { UserRepository } from '../../src/auth/users/repository.js';
import { createManualClock, type ManualClock } from '../../src/core/clock.js';
import { CreateError } from '../../src/core/errors.js';
import type { Database } from '../../src/db/schema.js';
import { generateSessionKey } from '../../src/sessions/keys.js';
import { isDuplicateKeyError, KyselySessionStore } from '../../src/stores/sql.js';
import {
  createTestDatabase,
  describeOnDialect,
  emptyTables,
  TEST_DIALECTS,
  type TestDatabase,
  type TestDialect,
} from '../support/databases.js';

const HOUR = 3_600_000;
const HASH = 'pbkdf2_sha256$870000$c2FsdA$aGFzaA==';

/** Records every compiled query a store sends, so its real SQL can be EXPLAINed. */
function recordQueries(db: Kysely<Database>): { db: Kysely<Database>; queries: CompiledQuery[] } {
  const queries: CompiledQuery[] = [];
  const plugin: KyselyPlugin = {
    transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
      queries.push(db.getExecutor().compileQuery(args.node, args.queryId));
      return args.node;
    },
    async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      return args.result;
    },
  };
  return { db: db.withPlugin(plugin), queries };
}

/** The query plan of `query` as one line of text, and whether it reads the whole table. */
async function plan(db: Kysely<Database>, dialect: TestDialect, query: CompiledQuery): Promise<string> {
  const prefix = dialect === 'sqlite' ? 'explain query plan' : 'explain';
  const { rows } = await db.executeQuery(CompiledQuery.raw(`${prefix} ${query.sql}`, [...query.parameters]));
  return rows.map((row) => JSON.stringify(row)).join('\n');
}

/** Whether a plan reads the table through an index rather than scanning all of it. */
function usesIndex(dialect: TestDialect, text: string, index: RegExp): boolean {
  if (!index.test(text)) return false;
  if (dialect === 'postgres') return !/Seq Scan/.test(text);
  if (dialect === 'mysql') return !/"type":"ALL"/.test(text);
  return !/"detail":"SCAN /.test(text);
}

async function analyze(db: Kysely<Database>, dialect: TestDialect): Promise<void> {
  if (dialect === 'mysql') await sql`analyze table latchkey_session`.execute(db);
  else await sql`analyze latchkey_session`.execute(db);
}

for (const dialect of TEST_DIALECTS) {
  await describeOnDialect(dialect, `SQL on ${dialect}`, () => {
    let database: TestDatabase;
    let clock: ManualClock;
    let users: UserRepository;
    let audit: AuditLog;
    let store: KyselySessionStore;

    beforeAll(async () => {
      database = await createTestDatabase(dialect);
    });
    afterAll(async () => {
      await database?.drop();
    });
    beforeEach(async () => {
      await emptyTables(database.db);
      clock = createManualClock(new Date('2026-03-01T12:00:00.000Z'));
      users = new UserRepository(database.db, { clock });
      audit = new AuditLog(database.db, { clock });
      store = new KyselySessionStore({ db: database.db, clock });
    });

    const live = (userId: string | null, data = 'payload') => ({
      data,
      expiresAt: new Date(clock.now() + HOUR),
      userId,
    });

    test('a user reads back by id and by username with flags, password and times intact', async () => {
      const alice = await users.createUser({ username: 'alice', email: 'Alice@Example.COM', isStaff: true });
      expect(alice.id).toMatch(/^[1-9][0-9]*$/);
      await users.setPassword(alice.id, HASH);
      await users.updateLastLogin(alice.id, new Date(clock.now() + 1_234));
      await users.setFlags(alice.id, { isActive: false });
      const byId = await users.getById(alice.id);
      expect(byId?.toJSON()).toEqual({
        id: alice.id,
        username: 'alice',
        email: 'Alice@example.com',
        isActive: false,
        isStaff: true,
        isSuperuser: false,
        dateJoined: '2026-03-01T12:00:00.000Z',
        lastLogin: '2026-03-01T12:00:01.234Z',
      });
      expect(byId?.password).toBe(HASH);
      expect((await users.getByUsername('alice'))?.id).toBe(alice.id);
      expect(await users.getById('999999')).toBeNull();
    });

    test('usernames are NFKC-normalised at creation and at lookup, and a taken one is refused', async () => {
      const fiona = await users.createUser({ username: 'ﬁona' });
      expect(fiona.username).toBe('fiona');
      expect((await users.getByUsername('ｆｉｏｎａ'))?.id).toBe(fiona.id);
      const again = users.createUser({ username: 'ｆｉｏｎａ' });
      await expect(again).rejects.toBeInstanceOf(DuplicateUsernameError);
      const error = (await again.catch((e: unknown) => e)) as DuplicateUsernameError;
      expect(isDuplicateKeyError(error.cause)).toBe(true);
    });

    test('usernames are case- and accent-sensitive, as in Django: Alice, alice, josé and jose are four users', async () => {
      const names = ['Alice', 'alice', 'josé', 'jose', '𠀀user'];
      const created = await Promise.all(names.map((username) => users.createUser({ username })));
      expect(new Set(created.map((u) => u.id)).size).toBe(names.length);
      for (const [i, username] of names.entries()) {
        expect((await users.getByUsername(username))?.id).toBe(created[i]?.id);
      }
    });

    test('permissions come directly and through groups, and go when revoked or the user is deleted', async () => {
      const bob = await users.createUser({ username: 'bob' });
      await users.createGroup('editors');
      await expect(users.createGroup('editors')).rejects.toBeInstanceOf(DuplicateGroupError);
      await users.addToGroup(bob.id, 'editors');
      await users.grantGroupPermission('editors', 'blog.change_post');
      await users.grantPermission(bob.id, 'blog.view_post');
      await users.grantPermission(bob.id, 'blog.view_post');
      expect(await users.getAllPermissions(bob)).toEqual(new Set(['blog.change_post', 'blog.view_post']));
      await users.revokePermission(bob.id, 'blog.view_post');
      expect(await users.hasPerm(bob, 'blog.view_post')).toBe(false);
      expect(await users.hasPerm(bob, 'blog.change_post')).toBe(true);
      expect(await users.getGroups(bob.id)).toEqual(['editors']);
      await users.grantPermission(bob.id, 'blog.delete_post');

      expect(await users.deleteUser(bob.id)).toBe(true);
      // The foreign keys cascade: no link row outlives the user.
      for (const table of ['latchkey_user_groups', 'latchkey_user_permissions'] as const) {
        expect(await database.db.selectFrom(table).selectAll().execute()).toEqual([]);
      }
    });

    test('an active superuser holds every stored permission; an inactive user holds none', async () => {
      const root = await users.createUser({ username: 'root', isSuperuser: true });
      const carol = await users.createUser({ username: 'carol', isActive: false });
      await users.grantPermission(carol.id, 'shop.refund');
      expect(await users.getAllPermissions(root)).toEqual(new Set(['shop.refund']));
      expect(await users.getAllPermissions(carol)).toEqual(new Set());
    });

    test('the audit log lists events newest first, with text, times and detail intact', async () => {
      const sessionKey = generateSessionKey();
      await audit.record({ event: 'user_login_failed', username: 'ﬁona', ip: '203.0.113.9' });
      clock.advance(1_000);
      await audit.record({
        event: 'user_logged_in',
        userId: '7',
        username: 'fiona',
        userAgent: 'Browser 🔐/1.0',
        sessionKey,
        detail: { method: 'password', note: 'naïve ✓' },
      });
      const rows = await audit.list({ user: 'ﬁona' });
      expect(rows.map((r) => [r.event, r.username])).toEqual([
        ['user_logged_in', 'fiona'],
        ['user_login_failed', 'ﬁona'],
      ]);
      expect(rows[0]).toMatchObject({
        userId: '7',
        userAgent: 'Browser 🔐/1.0',
        createdAt: new Date('2026-03-01T12:00:01.000Z'),
        detail: { method: 'password', note: 'naïve ✓' },
      });
      expect(JSON.stringify(rows)).not.toContain(sessionKey);
      expect(await audit.list({ limit: 1 })).toHaveLength(1);
    });

    test('a taken session key is a duplicate-key error from the real driver, so create throws CreateError', async () => {
      const key = generateSessionKey();
      await store.create(key, live('u1'));
      const row = { session_key: key, session_data: 'x', expire_date: clock.now() + HOUR, user_id: null };
      const duplicate = await database.db
        .insertInto('latchkey_session')
        .values(row)
        .execute()
        .catch((e: unknown) => e);
      expect(isDuplicateKeyError(duplicate)).toBe(true);
      const notNull =
        await sql`insert into latchkey_session (session_key, expire_date) values (${generateSessionKey()}, 1)`
          .execute(database.db)
          .catch((e: unknown) => e);
      expect(notNull).toBeInstanceOf(Error);
      expect(isDuplicateKeyError(notNull)).toBe(false);
      await expect(store.create(key, live('u2'))).rejects.toBeInstanceOf(CreateError);
      expect((await store.load(key))?.userId).toBe('u1');
    });

    test('a payload far over 64 KB (MySQL TEXT) round-trips byte for byte', async () => {
      const key = generateSessionKey();
      const data = `{"big":"${'🔐é'.repeat(100_000)}${'x'.repeat(300_000)}"}`;
      await store.create(key, live('u1', data));
      expect((await store.load(key))?.data).toBe(data);
      await store.save(key, live('u1', `${data}!`));
      expect((await store.load(key))?.data).toBe(`${data}!`);
    });

    test('saving an unchanged record succeeds: a matched row counts even when nothing changed', async () => {
      const key = generateSessionKey();
      const record = live('u1');
      await store.create(key, record);
      await store.save(key, record);
      await store.save(key, record);
      expect((await store.load(key))?.data).toBe(record.data);
    });

    test('user ids are case-sensitive: logging out "alice" everywhere leaves "Alice" alone', async () => {
      const upper = generateSessionKey();
      const lower = generateSessionKey();
      await store.create(upper, live('Alice'));
      await store.create(lower, live('alice'));
      expect((await store.listUserSessions('alice')).map((s) => s.key)).toEqual([lower]);
      expect(await store.deleteUserSessions('alice')).toBe(1);
      expect(await store.exists(upper)).toBe(true);
    });

    test('listUserSessions and deleteUserSessions read through an index, never a full scan', async () => {
      const rows = Array.from({ length: 20_000 }, (_, i) => ({
        session_key: generateSessionKey(),
        session_data: `payload-${i}`,
        expire_date: clock.now() + HOUR + i,
        user_id: i % 10 === 0 ? null : `user-${i % 2_000}`,
      }));
      for (let i = 0; i < rows.length; i += 1_000) {
        await database.db
          .insertInto('latchkey_session')
          .values(rows.slice(i, i + 1_000))
          .execute();
      }
      await analyze(database.db, dialect);
      const recorder = recordQueries(database.db);
      const recorded = new KyselySessionStore({ db: recorder.db, clock });
      expect(await recorded.listUserSessions('user-7')).toHaveLength(10);
      const [list] = recorder.queries.splice(0);
      expect(await recorded.deleteUserSessions('user-7', { except: 'none' })).toBe(10);
      const deletes = recorder.queries.splice(0);
      expect(deletes).toHaveLength(2);

      const listPlan = await plan(database.db, dialect, list!);
      expect(usesIndex(dialect, listPlan, /latchkey_session_user_id/), listPlan).toBe(true);
      for (const query of deletes) {
        const deletePlan = await plan(database.db, dialect, query);
        expect(usesIndex(dialect, deletePlan, /latchkey_session_(user_id|expire_date)/), deletePlan).toBe(
          true,
        );
      }
    });
  });
}
