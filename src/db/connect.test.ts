import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import {
  createTestDatabase,
  databaseUrl,
  describeOnDialect,
  type TestDatabase,
  uniqueDatabaseName,
} from '../../test/support/databases.js';
import { freePort } from '../../test/support/ports.js';
import { ConfigurationError, StoreUnavailableError } from '../core/errors.js';
import {
  DEFAULT_MAX_CONNECTIONS,
  dialectOf,
  openDatabase,
  parseDatabaseUrl,
  serverAddress,
} from './connect.js';
import { migrateToLatest } from './migrate.js';
import { migrations } from './migrations/index.js';

const ALL_MIGRATIONS = Object.keys(migrations);

async function failure(attempt: Promise<unknown>): Promise<StoreUnavailableError> {
  const error = await attempt.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreUnavailableError);
  return error as StoreUnavailableError;
}

describe('DATABASE_URL parsing', () => {
  test('SQLite URLs name a relative file, an absolute file or memory', () => {
    expect(parseDatabaseUrl('sqlite:./data/latchkey.sqlite3')).toEqual({
      dialect: 'sqlite',
      target: './data/latchkey.sqlite3',
    });
    expect(parseDatabaseUrl('sqlite:data/app.db')).toEqual({ dialect: 'sqlite', target: 'data/app.db' });
    expect(parseDatabaseUrl('sqlite:///var/lib/app.db')).toEqual({
      dialect: 'sqlite',
      target: '/var/lib/app.db',
    });
    expect(parseDatabaseUrl('sqlite::memory:')).toEqual({ dialect: 'sqlite', target: ':memory:' });
  });

  test('PostgreSQL and MySQL URLs are recognised', () => {
    expect(parseDatabaseUrl('postgres://u:p@db:5432/app')?.dialect).toBe('postgres');
    expect(parseDatabaseUrl('postgresql://db/app')?.dialect).toBe('postgres');
    expect(parseDatabaseUrl('mysql://u:p@db/app')?.dialect).toBe('mysql');
    expect(parseDatabaseUrl('mariadb://u:p@db:3307/app')?.dialect).toBe('mysql');
  });

  test('anything else is null, including a MySQL URL without a database', () => {
    for (const bad of [
      '',
      'sqlite:',
      'sqlite://host/file',
      'sqlite:a?mode=ro',
      'redis://x',
      'data.db',
      'http://x',
      'mysql://root@db',
      'mysql://root@db/',
    ]) {
      expect(parseDatabaseUrl(bad)).toBeNull();
    }
  });

  test('a server is described by host and port only, never user or password', () => {
    expect(serverAddress('postgres://app:s3cret@db.internal/app', 5432)).toBe('db.internal:5432');
    expect(serverAddress('mysql://root:s3cret@127.0.0.1:3307/app', 3306)).toBe('127.0.0.1:3307');
    expect(serverAddress('postgres:///app?host=/var/run/postgresql', 5432)).toBe('/var/run/postgresql:5432');
  });
});

describe('openDatabase', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'latchkey-connect-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('opens and migrates an SQLite file, creating its directory', async () => {
    const { db, dialect } = await openDatabase(`sqlite:${join(dir, 'nested', 'app.sqlite3')}`);
    try {
      expect(dialect).toBe('sqlite');
      expect(dialectOf(db)).toBe('sqlite');
      expect((await migrateToLatest(db)).applied).toEqual(ALL_MIGRATIONS);
      expect((await migrateToLatest(db)).applied).toEqual([]);
    } finally {
      await db.destroy();
    }
  });

  test('opens an in-memory database', async () => {
    const { db } = await openDatabase('sqlite::memory:');
    await migrateToLatest(db);
    expect(await db.selectFrom('latchkey_user').selectAll().execute()).toEqual([]);
    await db.destroy();
  });

  test('a malformed URL is a one-line ConfigurationError naming DATABASE_URL, without the URL', async () => {
    const attempt = openDatabase('ftp://admin:s3cret@example.com/db');
    await expect(attempt).rejects.toBeInstanceOf(ConfigurationError);
    const error = (await attempt.catch((e: unknown) => e)) as ConfigurationError;
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/^DATABASE_URL: expected sqlite:/);
    expect(error.problems[0]).not.toContain('s3cret');
  });

  test.each([
    ['postgres', 'PostgreSQL'],
    ['mysql', 'MySQL'],
  ])(
    'a %s server that refuses connections is one line naming host and port, with the cause',
    async (scheme, server) => {
      const port = await freePort();
      const error = await failure(openDatabase(`${scheme}://app:s3cret@127.0.0.1:${port}/app`));
      expect(error.message).toBe(`Cannot connect to ${server} at 127.0.0.1:${port} (connection refused)`);
      expect(error.message).not.toMatch(/s3cret|app@/);
      expect(error.status).toBe(503);
      expect((error.cause as { code?: string }).code).toBe('ECONNREFUSED');
    },
  );

  test('a file that is not a database is StoreUnavailableError with the driver error as cause', async () => {
    const file = join(dir, 'notes.txt');
    await writeFile(file, 'this is not an SQLite database, just some text that is long enough '.repeat(20));
    const attempt = openDatabase(`sqlite:${file}`);
    await expect(attempt).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(((await attempt.catch((e: unknown) => e)) as Error).cause).toBeInstanceOf(Error);
  });
});

for (const dialect of ['postgres', 'mysql'] as const) {
  const server = dialect === 'postgres' ? 'PostgreSQL' : 'MySQL';

  await describeOnDialect(dialect, `openDatabase on ${server}`, () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await createTestDatabase(dialect, { migrate: false });
    });
    afterAll(async () => {
      await database?.drop();
    });

    test('several processes migrating at once apply every migration exactly once', async () => {
      // Separate pools stand in for separate processes: only the server's lock orders them.
      const others = await Promise.all([1, 2, 3].map(() => openDatabase(database.url)));
      try {
        expect(dialectOf(database.db)).toBe(dialect);
        const runs = await Promise.all(
          [database.db, ...others.map((o) => o.db)].map((db) => migrateToLatest(db)),
        );
        expect(runs.flatMap((run) => run.applied).sort()).toEqual(ALL_MIGRATIONS);
        expect((await migrateToLatest(database.db)).applied).toEqual([]);
      } finally {
        await Promise.all(others.map((o) => o.db.destroy()));
      }
    });

    test(`the pool opens at most ${DEFAULT_MAX_CONNECTIONS} connections`, async () => {
      const { db } = await openDatabase(database.url);
      try {
        // Each query reports its server connection id while holding the connection a moment.
        const query =
          dialect === 'postgres'
            ? sql<{ id: number }>`select pg_backend_pid() as id, pg_sleep(0.05)`
            : sql<{ id: number }>`select connection_id() as id, sleep(0.05)`;
        const results = await Promise.all(
          Array.from({ length: 3 * DEFAULT_MAX_CONNECTIONS }, () => query.execute(db)),
        );
        const ids = new Set(results.map((result) => Number(result.rows[0]?.id)));
        expect(ids.size).toBe(DEFAULT_MAX_CONNECTIONS);
      } finally {
        await db.destroy();
      }
    });

    test('a database that does not exist is named as the reason, not repeated', async () => {
      const missing = uniqueDatabaseName();
      const error = await failure(openDatabase(databaseUrl(dialect, missing)));
      expect(error.message).toMatch(
        new RegExp(`^Cannot connect to ${server} at [^ ]+:\\d+ \\(database does not exist\\)$`),
      );
      expect(error.message).not.toContain(missing);
    });
  });
}

await describeOnDialect('mysql', 'MySQL schema and session settings', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('mysql');
  });
  afterAll(async () => {
    await database?.drop();
  });

  test('every table is InnoDB, utf8mb4, with the binary collation', async () => {
    const { rows } = await sql<{ name: string; engine: string; collation: string }>`
      select table_name as name, engine, table_collation as collation from information_schema.tables
      where table_schema = database() and table_name like 'latchkey\\_%' and table_name not like 'latchkey\\_migration%'`.execute(
      database.db,
    );
    expect(rows.map((r) => r.name).sort()).toEqual(
      expect.arrayContaining(['latchkey_audit', 'latchkey_session', 'latchkey_user']),
    );
    for (const row of rows)
      expect([row.name, row.engine, row.collation]).toEqual([row.name, 'InnoDB', 'utf8mb4_bin']);
  });

  test('session data is LONGTEXT, not the 64 KB TEXT', async () => {
    const { rows } = await sql<{ type: string }>`
      select data_type as type from information_schema.columns
      where table_schema = database() and table_name = 'latchkey_session' and column_name = 'session_data'`.execute(
      database.db,
    );
    expect(rows).toEqual([{ type: 'longtext' }]);
  });

  test('connections run READ COMMITTED with strict mode, so nothing is silently truncated', async () => {
    const { rows } = await sql<{ mode: string }>`select @@session.sql_mode as mode`.execute(database.db);
    expect(rows[0]?.mode.split(',')).toContain('STRICT_ALL_TABLES');
    const isolation = await sql<{ level: string }>`select @@session.tx_isolation as level`
      .execute(database.db)
      .catch(() =>
        sql<{ level: string }>`select @@session.transaction_isolation as level`.execute(database.db),
      );
    expect(isolation.rows[0]?.level).toBe('READ-COMMITTED');
    const tooLong = database.db
      .insertInto('latchkey_session')
      .values({ session_key: 'k'.repeat(40), session_data: 'd', expire_date: 1, user_id: 'u'.repeat(65) })
      .execute();
    await expect(tooLong).rejects.toMatchObject({ code: 'ER_DATA_TOO_LONG' });
  });
});
