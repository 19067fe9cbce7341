/**
 * @module Opens a PostgreSQL database through Kysely's `PostgresDialect` over a `pg` pool. `pg` is
 * imported on first use, so only deployments that use PostgreSQL need it installed.
 */

import { Kysely, PostgresDialect } from 'kysely';
import { importPeer } from '../core/peers.js';
import {
  DEFAULT_MAX_CONNECTIONS,
  type ServerDatabaseOptions,
  serverAddress,
  verifyConnection,
} from './connect.js';
import type { Database } from './schema.js';

/** PostgreSQL's default port, for messages about URLs that leave it out. */
const DEFAULT_PORT = 5432;

/**
 * Opens a pool on the PostgreSQL server `url` names (`postgres://user:password@host:port/db`, with
 * libpq query parameters such as `sslmode`) and checks it with one `select 1`. A server that cannot
 * be reached throws `StoreUnavailableError` naming only host and port.
 * @example
 * const db = await openPostgres('postgres://app@127.0.0.1:5432/app');
 */
export async function openPostgres<DB = Database>(
  url: string,
  options: ServerDatabaseOptions = {},
): Promise<Kysely<DB>> {
  const { default: pg } = await importPeer(
    'pg',
    'A postgres:// DATABASE_URL (PostgreSQL)',
    () => import('pg'),
  );
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    // Without a timeout a server that drops packets leaves every request waiting forever; with one,
    // the request fails closed with a 503 (INVARIANTS 10).
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle pooled connection that the server closes (a restart, a failover) is reported here;
  // without a listener Node would crash the process. The pool drops that connection, and the next
  // query opens a fresh one or fails with its own error.
  pool.on('error', () => undefined);
  // A connection reset while a client is checked out (between Kysely's queries, or after its query
  // already failed) is emitted on that client, where the pool listens only while it is idle: with
  // no listener the 'error' event would crash the process (found by test/faults/sql-outage.test.ts).
  // The failed query rejects on its own path (a 503); the pool drops the unusable client on release.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  await verifyConnection(db, 'PostgreSQL', serverAddress(url, DEFAULT_PORT));
  return db;
}
