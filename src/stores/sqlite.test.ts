import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { type CompiledQuery, Kysely, SqliteDialect } from 'kysely';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createManualClock, type ManualClock } from '../core/clock.js';
import { CreateError, StoreUnavailableError } from '../core/errors.js';
import { migrateToLatest } from '../db/migrate.js';
import type { Database } from '../db/schema.js';
import { generateSessionKey } from '../sessions/keys.js';
import type { SessionRecord, SessionStore } from '../sessions/store.js';
import { storeConformanceSuite } from '../testing/store-suite.js';
import type { KyselySessionStore } from './sql.js';
import { createKyselySessionStore, createSqliteSessionStore } from './sqlite.js';

const HOUR = 3_600_000;

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'latchkey-sqlite-'));
}

storeConformanceSuite(
  'sqlite (file)',
  async (clock) => {
    const dir = await tempDir();
    const store = await createSqliteSessionStore({ filename: join(dir, 'sessions.sqlite3'), clock });
    return { store, teardown: () => rm(dir, { recursive: true, force: true }) };
  },
  { describe, test, beforeEach, afterEach },
);

describe('sqlite session store', () => {
  let dir: string;
  let filename: string;
  let clock: ManualClock;
  const opened: SessionStore[] = [];

  const record = (overrides: Partial<SessionRecord> = {}): SessionRecord => ({
    data: `payload-${generateSessionKey()}`,
    expiresAt: new Date(clock.now() + HOUR),
    userId: null,
    ...overrides,
  });

  async function open(): Promise<SessionStore> {
    const store = await createSqliteSessionStore({ filename, clock });
    opened.push(store);
    return store;
  }

  /** A second, raw connection to the same file, to look at what the store wrote. */
  function inspect<T>(read: (db: SQLite.Database) => T): T {
    const db = new SQLite(filename, { readonly: true });
    try {
      return read(db);
    } finally {
      db.close();
    }
  }

  beforeEach(async () => {
    dir = await tempDir();
    filename = join(dir, 'sessions.sqlite3');
    clock = createManualClock(new Date('2026-03-01T12:00:00.000Z'));
  });

  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('INVARIANTS 13: listUserSessions reads the user index, not a table scan', async () => {
    const queries: CompiledQuery[] = [];
    const db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: new SQLite(filename) }),
      log: (event) => {
        queries.push(event.query);
      },
    });
    const store = await createKyselySessionStore({ db, clock });
    opened.push(store);
    await store.create(generateSessionKey(), record({ userId: 'alice' }));
    queries.length = 0;
    await store.listUserSessions('alice');
    await store.deleteUserSessions('alice');
    expect(queries).toHaveLength(3);
    await db.destroy();
    const plans = inspect((raw) =>
      queries.map((q) =>
        raw
          .prepare(`EXPLAIN QUERY PLAN ${q.sql}`)
          .all(...q.parameters)
          .map((row) => (row as { detail: string }).detail)
          .join('; '),
      ),
    );
    for (const plan of plans) {
      expect(plan).toMatch(/USING INDEX latchkey_session_user_id/);
      expect(plan).not.toMatch(/^SCAN/);
    }
  });

  test('clearExpired selects expired rows through the expiry index', async () => {
    const store = await open();
    await store.create(generateSessionKey(), record());
    const plan = inspect((raw) =>
      raw
        .prepare('EXPLAIN QUERY PLAN SELECT session_key FROM latchkey_session WHERE expire_date <= ? LIMIT ?')
        .all(clock.now(), 1000)
        .map((row) => (row as { detail: string }).detail)
        .join('; '),
    );
    expect(plan).toMatch(/USING (COVERING )?INDEX latchkey_session_expire_date/);
  });

  test('two stores on one file (two connections) see each other’s writes', async () => {
    const a = await open();
    const b = await open();
    const key = generateSessionKey();
    await a.create(key, record({ userId: 'alice' }));
    expect((await b.load(key))?.userId).toBe('alice');
    await b.save(key, record({ data: 'from b', userId: 'alice' }));
    expect((await a.load(key))?.data).toBe('from b');
    await a.delete(key);
    expect(await b.exists(key)).toBe(false);
  });

  test('concurrent creates of one key across two connections: exactly one wins', async () => {
    const a = await open();
    const b = await open();
    for (let round = 0; round < 5; round++) {
      const key = generateSessionKey();
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).create(key, record({ data: `w${i}` }))),
      );
      const winners = results.filter((r) => r.status === 'fulfilled');
      expect(winners).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(CreateError);
    }
  });

  test('create replaces an expired record under the same key, and the user index follows', async () => {
    const store = await open();
    const key = generateSessionKey();
    await store.create(key, record({ expiresAt: new Date(clock.now() + 1_000), userId: 'old' }));
    clock.advance(2_000);
    await store.create(key, record({ data: 'fresh', userId: 'new' }));
    expect((await store.load(key))?.data).toBe('fresh');
    expect(await store.listUserSessions('old')).toEqual([]);
    expect((await store.listUserSessions('new')).map((s) => s.key)).toEqual([key]);
  });

  test('clearExpired in batches smaller than the backlog removes all and reports progress', async () => {
    const store = await open();
    for (let i = 0; i < 25; i++) {
      await store.create(generateSessionKey(), record({ expiresAt: new Date(clock.now() + 1_000) }));
    }
    const live = [generateSessionKey(), generateSessionKey()];
    for (const key of live) await store.create(key, record());
    clock.advance(5_000);
    const progress: number[] = [];
    const removed = await (store as KyselySessionStore).clearExpired({
      batchSize: 10,
      onProgress: (n) => progress.push(n),
    });
    expect(removed).toBe(25);
    expect(progress).toEqual([10, 20, 25]);
    expect(inspect((raw) => raw.prepare('SELECT count(*) AS n FROM latchkey_session').get())).toEqual({
      n: 2,
    });
    for (const key of live) expect(await store.exists(key)).toBe(true);
  });

  test('clearExpired refuses a batch size that is not a whole number from 1 to 10,000', async () => {
    const store = (await open()) as KyselySessionStore;
    await expect(store.clearExpired({ batchSize: 0 })).rejects.toThrow(/batchSize/);
    await expect(store.clearExpired({ batchSize: 2.5 })).rejects.toThrow(/batchSize/);
    await expect(store.clearExpired({ batchSize: 10_001 })).rejects.toThrow(/batchSize/);
  });

  test('deleteUserSessions counts live sessions and also removes the user’s expired rows', async () => {
    const store = await open();
    await store.create(
      generateSessionKey(),
      record({ expiresAt: new Date(clock.now() + 1_000), userId: 'u' }),
    );
    await store.create(generateSessionKey(), record({ userId: 'u' }));
    clock.advance(2_000);
    expect(await store.deleteUserSessions('u')).toBe(1);
    const left = inspect((raw) =>
      raw.prepare("SELECT count(*) AS n FROM latchkey_session WHERE user_id = 'u'").get(),
    );
    expect(left).toEqual({ n: 0 });
  });

  test('INVARIANTS 10: a file that is not an SQLite database is refused as unavailable, naming the path', async () => {
    await writeFile(filename, 'this is not a database, just text long enough to fill a header page');
    const error = await createSqliteSessionStore({ filename, clock }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toContain(filename);
    expect((error as Error).cause).toMatchObject({ code: 'SQLITE_NOTADB' });
  });

  test('the store that opened the file closes it; a store on a shared database leaves it open', async () => {
    const shared = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(filename) }) });
    const borrowed = await createKyselySessionStore({ db: shared, clock });
    await borrowed.close();
    await migrateToLatest(shared);
    await shared.destroy();
    const owned = await createSqliteSessionStore({ filename, clock });
    await owned.close();
    await expect(owned.load(generateSessionKey())).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
