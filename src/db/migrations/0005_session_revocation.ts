/**
 * @module Migration 0005: the revocation state of client-side (`signed_cookies`) sessions — a
 * denylist of logged-out session keys and a per-user epoch. No session data is kept.
 */
import type { Kysely } from 'kysely';
import { createTable } from './ddl.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await createTable(db, 'latchkey_session_denylist')
    .addColumn('session_key', 'varchar(40)', (col) => col.primaryKey())
    // The denied cookie's own expiry: past it the cookie is dead anyway and the row can go.
    .addColumn('expire_date', 'bigint', (col) => col.notNull())
    .execute();
  // clearsessions prunes by expiry.
  await db.schema
    .createIndex('latchkey_session_denylist_expire_date')
    .on('latchkey_session_denylist')
    .column('expire_date')
    .execute();
  await createTable(db, 'latchkey_user_epoch')
    .addColumn('user_id', 'varchar(64)', (col) => col.primaryKey())
    .addColumn('epoch', 'bigint', (col) => col.notNull())
    // The session spared by the last bump ("log out other sessions"), or null.
    .addColumn('kept_key', 'varchar(40)')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('latchkey_user_epoch').execute();
  await db.schema.dropTable('latchkey_session_denylist').execute();
}
