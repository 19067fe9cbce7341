/** @module Migration 0001: the session table with its user and expiry indexes. */
import type { Kysely } from 'kysely';
import { createTable, longText } from './ddl.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await createTable(db, 'latchkey_session')
    .addColumn('session_key', 'varchar(40)', (col) => col.primaryKey())
    // A session can hold more than MySQL's 64 KB TEXT; see longText.
    .addColumn('session_data', longText(db), (col) => col.notNull())
    .addColumn('expire_date', 'bigint', (col) => col.notNull())
    .addColumn('user_id', 'varchar(64)')
    .execute();
  // "Log out everywhere" reads one user's rows; clearsessions reads expired rows.
  await db.schema.createIndex('latchkey_session_user_id').on('latchkey_session').column('user_id').execute();
  await db.schema
    .createIndex('latchkey_session_expire_date')
    .on('latchkey_session')
    .column('expire_date')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('latchkey_session').execute();
}
