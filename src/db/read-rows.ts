/**
 * @module One compiled read, run the cheapest way the database allows: at once on an idle SQLite
 * connection (`sqliteReaderOf`), otherwise through Kysely's executor. For the reads every request
 * makes (the session, the user), whose SQL is compiled once.
 */
import { CompiledQuery, type Kysely } from 'kysely';
import { sqliteReaderOf } from './sqlite.js';

/**
 * The rows of `sql` (compiled by Kysely for `db`'s dialect) with `parameters` bound.
 * @example
 * const sql = db.selectFrom('latchkey_user').selectAll().where('id', '=', 0).compile().sql;
 * const [row] = await readRows<UserRow>(db, sql, [42]);
 */
export async function readRows<Row, DB = unknown>(
  db: Kysely<DB>,
  sql: string,
  parameters: readonly unknown[],
): Promise<Row[]> {
  const now = sqliteReaderOf(db)?.(sql, parameters);
  if (now !== null && now !== undefined) return now.rows as Row[];
  return (await db.executeQuery(CompiledQuery.raw(sql, [...parameters]) as CompiledQuery<Row>)).rows;
}
