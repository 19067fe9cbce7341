/**
 * @module Throwaway databases on SQLite (a temp file), PostgreSQL or MySQL/MariaDB, created under a
 * unique name and dropped afterwards, so parallel runs never collide. No test runner here: the
 * benchmark uses it too. `databases.ts` adds the test-runner side (skip or fail when unreachable).
 *
 * The servers are named by `LATCHKEY_TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/test`)
 * and `LATCHKEY_TEST_MYSQL_URL` (default `mysql://root@127.0.0.1:3306/test`); the database in each URL
 * is only where the admin connection lands.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { openDatabase } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { Database } from '../../src/db/schema.js';

/** The dialects a test can run on. */
export type TestDialect = 'sqlite' | 'postgres' | 'mysql';

/** Every dialect, SQLite first (it needs no server). */
export const TEST_DIALECTS: readonly TestDialect[] = ['sqlite', 'postgres', 'mysql'];

/** The dialects that need a server. */
export type ServerDialect = Exclude<TestDialect, 'sqlite'>;

export const SERVERS: Readonly<
  Record<ServerDialect, { name: string; env: string; fallback: string; port: number }>
> = {
  postgres: {
    name: 'PostgreSQL',
    env: 'LATCHKEY_TEST_POSTGRES_URL',
    fallback: 'postgres://postgres@127.0.0.1:5432/test',
    port: 5432,
  },
  mysql: {
    name: 'MySQL/MariaDB',
    env: 'LATCHKEY_TEST_MYSQL_URL',
    fallback: 'mysql://root@127.0.0.1:3306/test',
    port: 3306,
  },
};

/** The admin URL of a server: where databases are created from. */
export function serverUrl(dialect: ServerDialect): string {
  const server = SERVERS[dialect];
  const url = process.env[server.env]?.trim();
  return url === undefined || url === '' ? server.fallback : url;
}

/** `host:port` of a server: never its password. */
export function serverLabel(dialect: ServerDialect): string {
  const url = new URL(serverUrl(dialect));
  return `${SERVERS[dialect].name} at ${url.hostname}:${url.port || SERVERS[dialect].port}`;
}

/** Runs `statement` on a short-lived admin connection to the server. */
async function admin(dialect: ServerDialect, statement: string): Promise<void> {
  if (dialect === 'postgres') {
    const client = new pg.Client({ connectionString: serverUrl(dialect), connectionTimeoutMillis: 3_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query(statement);
    } finally {
      await client.end().catch(() => undefined);
    }
    return;
  }
  const connection = await mysql.createConnection({ uri: serverUrl(dialect), connectTimeout: 3_000 });
  try {
    await connection.query(statement);
  } finally {
    await connection.end().catch(() => undefined);
  }
}

const reachability = new Map<ServerDialect, Promise<string | null>>();

/**
 * `null` when the server answers, else why not (a driver message: host and port, no password).
 * @example
 * if ((await serverProblem('postgres')) === null) { ... }
 */
export function serverProblem(dialect: ServerDialect): Promise<string | null> {
  let check = reachability.get(dialect);
  if (check === undefined) {
    check = admin(dialect, 'select 1').then(
      () => null,
      (error: unknown) => (error instanceof Error ? error.message || error.name : String(error)),
    );
    reachability.set(dialect, check);
  }
  return check;
}

/** A database created for one test file. */
export interface TestDatabase {
  readonly dialect: TestDialect;
  /** Its `DATABASE_URL`. */
  readonly url: string;
  /** Opened through `openDatabase(url)`, like the app's. */
  readonly db: Kysely<Database>;
  /** Closes `db` and drops the database (or deletes the SQLite file). */
  drop(): Promise<void>;
}

/** Options of {@link createTestDatabase}. */
export interface CreateTestDatabaseOptions {
  /** Apply Latchkey's migrations (the default); off to test migrating itself. */
  readonly migrate?: boolean;
}

/** A database name no other run or file uses: `latchkey_test_<pid>_<random>`. */
export function uniqueDatabaseName(): string {
  return `latchkey_test_${process.pid}_${randomBytes(5).toString('hex')}`;
}

/** `serverUrl(dialect)` pointing at database `name`. */
export function databaseUrl(dialect: ServerDialect, name: string): string {
  const url = new URL(serverUrl(dialect));
  url.pathname = `/${name}`;
  return url.toString();
}

export async function createServerDatabase(
  dialect: ServerDialect,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = uniqueDatabaseName();
  // The name is ours (letters, digits, underscores), so quoting it is enough.
  const quoted = dialect === 'postgres' ? `"${name}"` : `\`${name}\``;
  await admin(dialect, `create database ${quoted}`);
  // WITH (FORCE) (PostgreSQL 13+) ends connections a failed test left open.
  const dropStatement =
    dialect === 'postgres'
      ? `drop database if exists ${quoted} with (force)`
      : `drop database if exists ${quoted}`;
  return { url: databaseUrl(dialect, name), drop: () => admin(dialect, dropStatement) };
}

/**
 * Creates a fresh database on `dialect`, opens it with `openDatabase` and (by default) migrates it.
 * @example
 * let test: TestDatabase;
 * beforeAll(async () => { test = await createTestDatabase('mysql'); });
 * afterAll(() => test.drop());
 */
export async function createTestDatabase(
  dialect: TestDialect,
  options: CreateTestDatabaseOptions = {},
): Promise<TestDatabase> {
  let url: string;
  let remove: () => Promise<void>;
  if (dialect === 'sqlite') {
    const dir = await mkdtemp(join(tmpdir(), 'latchkey-db-'));
    url = `sqlite:${join(dir, 'test.sqlite3')}`;
    remove = () => rm(dir, { recursive: true, force: true });
  } else {
    ({ url, drop: remove } = await createServerDatabase(dialect));
  }
  const { db } = await openDatabase(url).catch(async (error: unknown) => {
    await remove();
    throw error;
  });
  if (options.migrate ?? true) await migrateToLatest(db);
  return {
    dialect,
    url,
    db,
    async drop(): Promise<void> {
      await db.destroy().catch(() => undefined);
      await remove();
    },
  };
}

/** Every table, children first, so rows can be deleted without breaking a foreign key. */
const TABLES_CHILDREN_FIRST = [
  'latchkey_user_groups',
  'latchkey_group_permissions',
  'latchkey_user_permissions',
  'latchkey_user',
  'latchkey_group',
  'latchkey_permission',
  'latchkey_session',
  'latchkey_audit',
  'latchkey_token',
] as const;

/**
 * Deletes every row of every Latchkey table, for a clean slate between tests on one database.
 * @example
 * beforeEach(() => emptyTables(test.db));
 */
export async function emptyTables(db: Kysely<Database>): Promise<void> {
  for (const table of TABLES_CHILDREN_FIRST) await db.deleteFrom(table).execute();
}
