/**
 * @module Opens the database named by `DATABASE_URL`. Each dialect's driver is loaded by a dynamic
 * import when its URL is used, so an SQLite deployment never loads `pg` or `mysql2`.
 */
import { type Kysely, MysqlAdapter, PostgresAdapter, SqliteAdapter, sql } from 'kysely';
import { ConfigurationError, LatchkeyError, StoreUnavailableError } from '../core/errors.js';
import type { Database } from './schema.js';

/** The SQL dialects Latchkey's schema is written for. */
export type DialectName = 'sqlite' | 'postgres' | 'mysql';

/** What a `DATABASE_URL` names. `target` is a file name for SQLite and the URL itself otherwise. */
export interface DatabaseTarget {
  readonly dialect: DialectName;
  readonly target: string;
}

/** An open database and its dialect. Call `db.destroy()` when done. */
export interface OpenDatabase {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
}

/** Options of the PostgreSQL and MySQL openers. */
export interface ServerDatabaseOptions {
  /** Most connections the pool opens. Default {@link DEFAULT_MAX_CONNECTIONS}. */
  readonly maxConnections?: number;
}

/** The default `DATABASE_URL` (CONTRACT.md: an SQLite file under `./data/`). */
export const DEFAULT_DATABASE_URL = 'sqlite:./data/latchkey.sqlite3';

/** Pool size per process: session queries are short, and 10 per process times a few processes stays
 * well under PostgreSQL's default `max_connections` (100) and MySQL's (151). */
export const DEFAULT_MAX_CONNECTIONS = 10;

const SQLITE_MEMORY = 'sqlite::memory:';

function parseSqlite(rest: string): DatabaseTarget | null {
  // `sqlite:///abs/path` (an empty authority, like SQLAlchemy) or `sqlite:relative/or/abs/path`.
  let path = rest;
  if (rest.startsWith('//')) {
    if (!rest.startsWith('///')) return null;
    path = rest.slice(2);
  }
  if (path === '' || path.includes('\0') || path.includes('?')) return null;
  return { dialect: 'sqlite', target: path };
}

/**
 * Parses a `DATABASE_URL`; `null` when it names no supported form. A MySQL URL must name a
 * database (MySQL has no default one); PostgreSQL defaults to the user's.
 * @example
 * parseDatabaseUrl('sqlite:./data/latchkey.sqlite3'); // { dialect: 'sqlite', target: './data/latchkey.sqlite3' }
 */
export function parseDatabaseUrl(url: string): DatabaseTarget | null {
  const text = url.trim();
  if (text === SQLITE_MEMORY) return { dialect: 'sqlite', target: ':memory:' };
  if (text.startsWith('sqlite:')) return parseSqlite(text.slice('sqlite:'.length));
  if (!URL.canParse(text)) return null;
  const parsed = new URL(text);
  if (parsed.protocol === 'postgres:' || parsed.protocol === 'postgresql:') {
    return { dialect: 'postgres', target: text };
  }
  if (parsed.protocol === 'mysql:' || parsed.protocol === 'mariadb:') {
    return parsed.hostname === '' || parsed.pathname.length < 2 ? null : { dialect: 'mysql', target: text };
  }
  return null;
}

/** Names the URL's scheme without repeating the URL, which may hold a password (INVARIANTS 9). */
function describeUrl(url: string): string {
  if (url.trim() === '') return 'an empty value';
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url.trim())?.[1];
  return scheme === undefined ? 'a value without a scheme' : `a malformed "${scheme}:" URL`;
}

/**
 * `host:port` of a server URL, for error messages: never the user, password or database.
 * @example
 * serverAddress('postgres://app:s3cret@db.internal/app', 5432); // 'db.internal:5432'
 */
export function serverAddress(url: string, defaultPort: number): string {
  const parsed = URL.canParse(url) ? new URL(url) : null;
  // libpq also takes the host as a query parameter (a Unix socket directory, for instance).
  const host = parsed?.hostname || parsed?.searchParams.get('host') || 'localhost';
  return `${host}:${parsed?.port || defaultPort}`;
}

// Driver error codes (Node's, PostgreSQL SQLSTATEs, MySQL's) that say what went wrong without the
// server's message, which can repeat the user or database name.
const CONNECT_FAILURES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  '28P01': 'authentication failed',
  '28000': 'authentication failed',
  '3D000': 'database does not exist',
  '53300': 'too many connections',
  ER_ACCESS_DENIED_ERROR: 'authentication failed',
  ER_DBACCESS_DENIED_ERROR: 'access to the database denied',
  ER_BAD_DB_ERROR: 'database does not exist',
  ER_CON_COUNT_ERROR: 'too many connections',
};

function connectFailure(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  const known = typeof code === 'string' ? CONNECT_FAILURES[code] : undefined;
  if (known !== undefined) return known;
  return error instanceof Error && /timeout/i.test(error.message) ? 'timed out' : 'see the cause';
}

/**
 * Runs `select 1` once, so a server that is down or refuses the credentials fails at start-up with
 * one clear line instead of at the first request. On failure the pool is closed and a
 * {@link StoreUnavailableError} names the server by host and port only, keeping the driver error as
 * `cause`.
 * @example
 * await verifyConnection(db, 'PostgreSQL', serverAddress(url, 5432));
 */
export async function verifyConnection<DB>(db: Kysely<DB>, server: string, address: string): Promise<void> {
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw new StoreUnavailableError(`Cannot connect to ${server} at ${address} (${connectFailure(error)})`, {
      cause: error,
    });
  }
}

/** One opener per dialect; each imports its driver only when called. */
const openers: { readonly [D in DialectName]: (target: string) => Promise<Kysely<Database>> } = {
  sqlite: async (filename) => {
    const { openSqlite } = await import('./sqlite.js');
    return openSqlite<Database>(filename);
  },
  postgres: async (url) => {
    const { openPostgres } = await import('./postgres.js');
    return openPostgres<Database>(url);
  },
  mysql: async (url) => {
    const { openMysql } = await import('./mysql.js');
    return openMysql<Database>(url);
  },
};

/**
 * Opens the database `url` names. A malformed URL throws a {@link ConfigurationError} naming
 * `DATABASE_URL`; a database that cannot be opened or reached throws {@link StoreUnavailableError}
 * (for PostgreSQL and MySQL after one `select 1`, naming only host and port).
 * @example
 * const { db } = await openDatabase(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
 */
export async function openDatabase(url: string): Promise<OpenDatabase> {
  const parsed = parseDatabaseUrl(url);
  if (parsed === null) {
    throw new ConfigurationError([
      `DATABASE_URL: expected sqlite:<path>, sqlite:///<absolute path>, sqlite::memory:, postgres://… or mysql://…/<database>, got ${describeUrl(url)}`,
    ]);
  }
  try {
    return { db: await openers[parsed.dialect](parsed.target), dialect: parsed.dialect };
  } catch (error) {
    if (error instanceof LatchkeyError) throw error;
    throw new StoreUnavailableError(`Could not open the ${parsed.dialect} database named by DATABASE_URL`, {
      cause: error,
    });
  }
}

/**
 * The dialect a Kysely instance speaks, for the few DDL statements that differ (auto-increment keys).
 * @example
 * const id = dialectOf(db) === 'postgres' ? 'bigserial' : 'integer';
 */
export function dialectOf<DB>(db: Kysely<DB>): DialectName {
  // Kysely exposes no public dialect name; its adapter classes are the stable signal.
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof SqliteAdapter) return 'sqlite';
  if (adapter instanceof PostgresAdapter) return 'postgres';
  if (adapter instanceof MysqlAdapter) return 'mysql';
  throw new LatchkeyError(
    'LATCHKEY_DATABASE_UNSUPPORTED',
    'Unsupported Kysely dialect: Latchkey supports SQLite, PostgreSQL and MySQL',
  );
}
