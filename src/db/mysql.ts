/**
 * @module Opens a MySQL or MariaDB database through Kysely's `MysqlDialect` over a `mysql2` pool.
 * `mysql2` is imported on first use, so only deployments that use MySQL need it installed.
 */
import { CompiledQuery, type DatabaseConnection, Kysely, MysqlDialect } from 'kysely';
import { importPeer } from '../core/peers.js';
import {
  DEFAULT_MAX_CONNECTIONS,
  type ServerDatabaseOptions,
  serverAddress,
  verifyConnection,
} from './connect.js';
import type { Database } from './schema.js';

/** MySQL's default port, for messages about URLs that leave it out. */
const DEFAULT_PORT = 3306;

/**
 * Session settings every connection gets before its first query.
 * - READ COMMITTED: Django's MySQL default since 2.0 (ticket #27683). REPEATABLE READ takes gap
 *   locks on the user-id index, so concurrent logins and "log out everywhere" deadlock far more.
 * - STRICT_ALL_TABLES: a value too long for its column is an error, never silently truncated; a
 *   truncated user id would hide a session from "log out everywhere" (INVARIANTS 13).
 */
async function configureConnection(connection: DatabaseConnection): Promise<void> {
  await connection.executeQuery(CompiledQuery.raw('set session transaction isolation level read committed'));
  await connection.executeQuery(
    CompiledQuery.raw(
      "set session sql_mode = trim(both ',' from concat(@@session.sql_mode, ',STRICT_ALL_TABLES'))",
    ),
  );
}

/**
 * Opens a pool on the MySQL or MariaDB server `url` names (`mysql://user:password@host:port/db`)
 * and checks it with one `select 1`. A server that cannot be reached throws `StoreUnavailableError`
 * naming only host and port.
 * @example
 * const db = await openMysql('mysql://app@127.0.0.1:3306/app');
 */
export async function openMysql<DB = Database>(
  url: string,
  options: ServerDatabaseOptions = {},
): Promise<Kysely<DB>> {
  const { createPool } = await importPeer(
    'mysql2',
    'A mysql:// DATABASE_URL (MySQL)',
    () => import('mysql2'),
  );
  const pool = createPool({
    uri: url,
    connectionLimit: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    connectTimeout: 10_000,
    // utf8mb4 so every username and payload round-trips, supplementary planes included. mysql2's
    // default FOUND_ROWS flag is kept: an UPDATE that changes nothing still counts its row, which
    // `save` relies on to tell "unchanged" from "deleted" (INVARIANTS 1).
    charset: 'UTF8MB4_UNICODE_CI',
  });
  const db = new Kysely<DB>({
    dialect: new MysqlDialect({ pool, onCreateConnection: configureConnection }),
  });
  await verifyConnection(db, 'MySQL', serverAddress(url, DEFAULT_PORT));
  return db;
}
