import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { migrateToLatest } from './migrate.js';
import { migrations } from './migrations/index.js';
import type { Database } from './schema.js';
import { openSqlite, withStatementCache } from './sqlite.js';

const ALL = Object.keys(migrations);

describe('openSqlite and migrateToLatest', () => {
  let dir: string;
  let filename: string;
  const opened: Kysely<Database>[] = [];

  function open(): Kysely<Database> {
    const db = openSqlite(filename);
    opened.push(db);
    return db;
  }

  async function pragma(db: Kysely<Database>, name: string): Promise<unknown> {
    const { rows } = await sql<Record<string, unknown>>`PRAGMA ${sql.raw(name)}`.execute(db);
    return rows[0]?.[name] ?? rows[0]?.timeout;
  }

  async function tables(db: Kysely<Database>): Promise<string[]> {
    const { rows } = await sql<{ name: string }>`
      SELECT name FROM sqlite_master WHERE type IN ('table', 'index') AND name LIKE 'latchkey_%' ORDER BY name
    `.execute(db);
    return rows.map((r) => r.name);
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'latchkey-db-'));
    filename = join(dir, 'nested', 'dirs', 'latchkey.sqlite3');
  });

  afterEach(async () => {
    for (const db of opened.splice(0)) await db.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  test('creates missing parent directories and turns on WAL, a busy timeout and foreign keys', async () => {
    const db = open();
    expect(await pragma(db, 'journal_mode')).toBe('wal');
    expect(await pragma(db, 'busy_timeout')).toBe(5000);
    expect(await pragma(db, 'foreign_keys')).toBe(1);
    // synchronous=NORMAL (1) is durable enough under WAL: https://www.sqlite.org/wal.html#performance_considerations
    expect(await pragma(db, 'synchronous')).toBe(1);
  });

  test('the first run creates the session table with its user and expiry indexes', async () => {
    const db = open();
    expect(await migrateToLatest(db)).toEqual({ applied: ALL });
    expect(await tables(db)).toEqual(
      expect.arrayContaining([
        'latchkey_session',
        'latchkey_session_expire_date',
        'latchkey_session_user_id',
      ]),
    );
    const { rows } = await sql<{ name: string }>`PRAGMA index_info(latchkey_session_user_id)`.execute(db);
    expect(rows.map((r) => r.name)).toEqual(['user_id']);
  });

  test('migrations are idempotent: a second run applies nothing and changes nothing', async () => {
    const db = open();
    await migrateToLatest(db);
    await db
      .insertInto('latchkey_session')
      .values({ session_key: 'k', session_data: 'd', expire_date: 1, user_id: null })
      .execute();
    const before = await tables(db);
    expect(await migrateToLatest(db)).toEqual({ applied: [] });
    expect(await migrateToLatest(open())).toEqual({ applied: [] });
    expect(await tables(db)).toEqual(before);
    expect(await db.selectFrom('latchkey_session').select('session_key').execute()).toEqual([
      { session_key: 'k' },
    ]);
  });

  test('two connections migrating one new file at once: both succeed, the schema is applied once', async () => {
    const results = await Promise.all([
      migrateToLatest(open()),
      migrateToLatest(open()),
      migrateToLatest(open()),
    ]);
    expect(results.flatMap((r) => r.applied)).toEqual(ALL);
    const applied = await sql<{ name: string }>`SELECT name FROM latchkey_migration ORDER BY name`.execute(
      open(),
    );
    expect(applied.rows.map((r) => r.name)).toEqual(ALL);
  });

  test('a migration that fails halfway leaves nothing behind, and a later run completes it', async () => {
    const db = open();
    // An index of the same name elsewhere makes 0001 fail after it created the table and one index.
    await sql`CREATE TABLE blocker (x INTEGER)`.execute(db);
    await sql`CREATE INDEX latchkey_session_expire_date ON blocker (x)`.execute(db);
    await expect(migrateToLatest(db)).rejects.toMatchObject({
      code: 'LATCHKEY_MIGRATION',
      message: expect.stringContaining('0001_sessions'),
    });
    expect(await tables(db)).toEqual(['latchkey_session_expire_date']);
    await sql`DROP TABLE blocker`.execute(db);
    expect(await migrateToLatest(db)).toEqual({ applied: ALL });
  });
});

describe('withStatementCache', () => {
  test('reuses a compiled statement per SQL text and keeps at most `size`, dropping the least recently used', () => {
    const raw = new SQLite(':memory:');
    let compiled = 0;
    const prepare = raw.prepare.bind(raw);
    raw.prepare = ((source: string) => {
      compiled++;
      return prepare(source);
    }) as typeof raw.prepare;
    const cached = withStatementCache(raw, 2);
    const one = cached.prepare('SELECT 1 AS n');
    expect(cached.prepare('SELECT 1 AS n')).toBe(one);
    cached.prepare('SELECT 2 AS n');
    cached.prepare('SELECT 1 AS n'); // now the most recently used
    cached.prepare('SELECT 3 AS n'); // evicts SELECT 2
    expect(compiled).toBe(3);
    expect(cached.prepare('SELECT 1 AS n')).toBe(one);
    cached.prepare('SELECT 2 AS n');
    expect(compiled).toBe(4);
    cached.close();
    expect(raw.open).toBe(false);
  });

  test('a cached statement sees a column added after it was compiled', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'latchkey-db-'));
    const db = openSqlite<{ t: { a: number; b?: number } }>(join(dir, 'x.sqlite3'));
    try {
      await sql`CREATE TABLE t (a INTEGER)`.execute(db);
      await sql`INSERT INTO t (a) VALUES (1)`.execute(db);
      expect(await db.selectFrom('t').selectAll().execute()).toEqual([{ a: 1 }]);
      await sql`ALTER TABLE t ADD COLUMN b INTEGER DEFAULT 7`.execute(db);
      expect(await db.selectFrom('t').selectAll().execute()).toEqual([{ a: 1, b: 7 }]);
    } finally {
      await db.destroy();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
