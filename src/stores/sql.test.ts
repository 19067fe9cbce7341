import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createManualClock } from '../core/clock.js';
import { StoreUnavailableError } from '../core/errors.js';
import { migrateToLatest } from '../db/migrate.js';
import type { Database } from '../db/schema.js';
import { generateSessionKey } from '../sessions/keys.js';
import type { SessionStore } from '../sessions/store.js';
import { isDuplicateKeyError, KyselySessionStore } from './sql.js';
import { createSqliteSessionStore } from './sqlite.js';

const clock = createManualClock(new Date('2026-03-01T12:00:00.000Z'));
const key = generateSessionKey();
const record = { data: 'payload', expiresAt: new Date(clock.now() + 3_600_000), userId: 'u1' };

/** Every store primitive, each called with the same session key. */
const operations: Record<string, (store: SessionStore) => Promise<unknown>> = {
  load: (s) => s.load(key),
  exists: (s) => s.exists(key),
  create: (s) => s.create(key, record),
  save: (s) => s.save(key, record),
  delete: (s) => s.delete(key),
  clearExpired: (s) => s.clearExpired(),
  listUserSessions: (s) => s.listUserSessions('u1'),
  deleteUserSessions: (s) => s.deleteUserSessions('u1', { except: key }),
};

async function expectUnavailable(run: Promise<unknown>): Promise<void> {
  const error = await run.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreUnavailableError);
  const unavailable = error as StoreUnavailableError;
  expect(unavailable.code).toBe('LATCHKEY_STORE_UNAVAILABLE');
  expect(unavailable.status).toBe(503);
  expect(unavailable.cause).toBeInstanceOf(Error);
  expect(unavailable.message).not.toContain(key);
}

describe('duplicate-key detection', () => {
  test.each([
    ['SQLite primary key', { code: 'SQLITE_CONSTRAINT_PRIMARYKEY' }],
    ['SQLite unique index', { code: 'SQLITE_CONSTRAINT_UNIQUE' }],
    ['PostgreSQL unique_violation', { code: '23505', severity: 'ERROR' }],
    ['MySQL ER_DUP_ENTRY', { code: 'ER_DUP_ENTRY', errno: 1062 }],
    ['MySQL errno only', { errno: 1062 }],
  ])('recognises %s', (_, error) => {
    expect(isDuplicateKeyError(Object.assign(new Error('duplicate'), error))).toBe(true);
  });

  test.each([
    ['SQLite busy', { code: 'SQLITE_BUSY' }],
    ['SQLite NOT NULL', { code: 'SQLITE_CONSTRAINT_NOTNULL' }],
    ['PostgreSQL not_null_violation', { code: '23502' }],
    ['MySQL lock wait timeout', { code: 'ER_LOCK_WAIT_TIMEOUT', errno: 1205 }],
    ['a connection refusal', { code: 'ECONNREFUSED' }],
  ])('does not mistake %s for a taken key', (_, error) => {
    expect(isDuplicateKeyError(Object.assign(new Error('other'), error))).toBe(false);
  });

  test('does not mistake non-objects for a taken key', () => {
    expect(isDuplicateKeyError(null)).toBe(false);
    expect(isDuplicateKeyError('23505')).toBe(false);
  });
});

describe('INVARIANTS 10: the SQL store fails closed', () => {
  let dir: string;
  let filename: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'latchkey-sql-'));
    filename = join(dir, 'sessions.sqlite3');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test.each(Object.keys(operations))(
    '%s on a closed database rejects with StoreUnavailableError',
    async (name) => {
      const store = await createSqliteSessionStore({ filename, clock });
      await store.close();
      await expectUnavailable(operations[name]!(store));
    },
  );

  test.each(Object.keys(operations))(
    '%s on an unmigrated database rejects with StoreUnavailableError',
    async (name) => {
      const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(filename) }) });
      const store = new KyselySessionStore({ db, clock, destroyOnClose: true });
      await expectUnavailable(operations[name]!(store));
      await store.close();
    },
  );

  test('a database locked by another writer is unavailable, not a taken key (INVARIANTS 9: no key in message)', async () => {
    const database = new SQLite(filename);
    database.pragma('journal_mode = WAL');
    // No busy timeout, so the lock is reported at once instead of after a wait.
    database.pragma('busy_timeout = 0');
    const store = new KyselySessionStore({
      db: new Kysely<Database>({ dialect: new SqliteDialect({ database }) }),
      clock,
      destroyOnClose: true,
    });
    await migrateToLatest(new Kysely<Database>({ dialect: new SqliteDialect({ database }) }));
    const other = new SQLite(filename);
    other.exec('BEGIN IMMEDIATE');
    try {
      await expectUnavailable(store.create(key, record));
      await expectUnavailable(store.delete(key));
      // WAL: readers are not blocked by the writer, so reads still answer.
      expect(await store.load(key)).toBeNull();
    } finally {
      other.exec('ROLLBACK');
      other.close();
      await store.close();
    }
  });
});
