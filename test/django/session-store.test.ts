/**
 * The `django` session store runs the store conformance suite on `django_session` tables made by
 * Django's own `migrate` (SQLite and PostgreSQL), plus what only it must do: find and index the
 * sessions Django wrote, and end them at "log out everywhere".
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createManualClock } from '../../src/core/clock.js';
import { createMemoryLogger } from '../../src/core/logger.js';
import { openDatabase } from '../../src/db/connect.js';
import type { Database } from '../../src/db/schema.js';
import { checkDjangoTables } from '../../src/django/mode.js';
import { asDjangoDatabase, SESSION_INDEX_TABLE, toDjangoDateTime } from '../../src/django/schema.js';
import { createDjangoSessionCodec } from '../../src/django/session-codec.js';
import { createDjangoSessionStore } from '../../src/django/session-store.js';
import { storeConformanceSuite } from '../../src/testing/store-suite.js';
import { createServerDatabase, describeOnDialect, type TestDialect } from '../support/databases.js';
import { migrateDjango, whenDjangoRuns } from './support/django-server.js';

const SECRET = 'django-insecure-store-tests-0123456789';

function suite(dialect: TestDialect): void {
  let db: Kysely<Database>;
  let dir: string;
  let drop: () => Promise<void> = async () => undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'latchkey-django-store-'));
    let url = `sqlite:${join(dir, 'django.sqlite3')}`;
    if (dialect !== 'sqlite') ({ url, drop } = await createServerDatabase(dialect));
    if (dialect !== 'mysql') migrateDjango({ DATABASE_URL: url, SECRET_KEY: SECRET });
    ({ db } = await openDatabase(url));
    // Debian has no mysqlclient for Django's MySQL backend, so the table is made here as Django's
    // sessions migration 0001 makes it on MySQL (datetime(6): microseconds, naive UTC).
    if (dialect === 'mysql')
      await sql`create table django_session (session_key varchar(40) not null primary key, session_data longtext not null, expire_date datetime(6) not null)`.execute(
        db,
      );
  }, 60_000);

  afterAll(async () => {
    await db?.destroy();
    await drop();
    await rm(dir, { recursive: true, force: true });
  });

  async function empty(): Promise<void> {
    await asDjangoDatabase(db).deleteFrom('django_session').execute();
    await asDjangoDatabase(db).schema.dropTable(SESSION_INDEX_TABLE).ifExists().execute();
  }

  storeConformanceSuite(
    `django (${dialect})`,
    async (clock) => {
      await empty();
      const codec = createDjangoSessionCodec({ secret: SECRET, clock, logger: createMemoryLogger() });
      return { store: await createDjangoSessionStore({ db, codec, clock }) };
    },
    { describe, test, beforeEach, afterEach },
  );

  describe(`sessions Django wrote (${dialect})`, () => {
    test('INVARIANTS 13: rows with no index row are decoded once, indexed, and ended by "log out everywhere"', async () => {
      await empty();
      const clock = createManualClock(new Date());
      const logger = createMemoryLogger();
      const codec = createDjangoSessionCodec({ secret: SECRET, clock, logger });
      const store = await createDjangoSessionStore({ db, codec, clock });
      const expire = toDjangoDateTime(dialect, clock.now() + 3_600_000);
      const rows = [
        {
          key: 'a'.repeat(32),
          data: { _auth_user_id: '7', _auth_user_backend: 'django.contrib.auth.backends.ModelBackend' },
        },
        {
          key: 'b'.repeat(32),
          data: { _auth_user_id: '7', _auth_user_backend: 'django.contrib.auth.backends.ModelBackend' },
        },
        {
          key: 'c'.repeat(32),
          data: { _auth_user_id: '8', _auth_user_backend: 'django.contrib.auth.backends.ModelBackend' },
        },
        { key: 'd'.repeat(32), data: { cart: ['anonymous'] } },
      ];
      // As Django's SessionStore.save writes them: no index row.
      for (const row of rows) {
        await asDjangoDatabase(db)
          .insertInto('django_session')
          .values({ session_key: row.key, session_data: codec.encode(row.data), expire_date: expire })
          .execute();
      }
      await asDjangoDatabase(db)
        .insertInto('django_session')
        .values({
          session_key: 'e'.repeat(32),
          session_data: `garbage-${randomBytes(4).toString('hex')}`,
          expire_date: expire,
        })
        .execute();
      expect((await store.listUserSessions('7')).map((s) => s.key).sort()).toEqual([
        'a'.repeat(32),
        'b'.repeat(32),
      ]);
      const indexed = await asDjangoDatabase(db).selectFrom(SESSION_INDEX_TABLE).selectAll().execute();
      expect(indexed).toHaveLength(5);
      expect(logger.events.filter((e) => e.event === 'security.session_corrupted')).toHaveLength(1);
      // Indexed once: a second listing decodes nothing (no new log line).
      await store.listUserSessions('8');
      expect(logger.events.filter((e) => e.event === 'security.session_corrupted')).toHaveLength(1);
      expect(await store.deleteUserSessions('7')).toBe(2);
      expect(await store.load('a'.repeat(32))).toBeNull();
      expect(await store.load('c'.repeat(32))).not.toBeNull();
    });

    test.skipIf(dialect === 'mysql')(
      'start-up refuses a database without Django’s tables, in one line',
      async () => {
        const { db: bare } = await openDatabase('sqlite::memory:');
        await expect(checkDjangoTables(bare)).rejects.toThrow(
          /DJANGO_DATABASE: .*missing django_session, auth_user/,
        );
        await bare.destroy();
      },
    );
  });
}

describe('django session store on SQLite', () => whenDjangoRuns('sqlite', suite));
await describeOnDialect('postgres', 'django session store on PostgreSQL', () =>
  whenDjangoRuns('postgres', suite),
);
// No Django run is needed on MySQL: the suite makes Django's table itself there.
await describeOnDialect('mysql', 'django session store on MySQL/MariaDB (django_session only)', () =>
  suite('mysql'),
);
