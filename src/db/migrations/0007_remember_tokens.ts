/**
 * @module Migration 0007: remember-me tokens (a series and its current secret, both stored only as
 * SHA-256 hashes, INVARIANTS 14), with the previous secret kept for a short grace window.
 */
import type { Kysely } from 'kysely';
import { createTable } from './ddl.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await createTable(db, 'latchkey_remember_token')
    .addColumn('series_hash', 'varchar(64)', (col) => col.primaryKey())
    .addColumn('user_id', 'varchar(64)', (col) => col.notNull())
    .addColumn('secret_hash', 'varchar(64)', (col) => col.notNull())
    // The secret before the last rotation: accepted for REMEMBER_ME_GRACE_SECONDS (parallel tabs).
    .addColumn('previous_secret_hash', 'varchar(64)')
    .addColumn('rotated_at', 'bigint', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('expire_date', 'bigint', (col) => col.notNull())
    // What the sessions page shows of a remembered device.
    .addColumn('user_agent', 'varchar(256)')
    .addColumn('ip', 'varchar(64)')
    .execute();
  // Log out everywhere and the sessions page read one user's rows; clearsessions reads expired rows.
  await db.schema
    .createIndex('latchkey_remember_token_user_id')
    .on('latchkey_remember_token')
    .column('user_id')
    .execute();
  await db.schema
    .createIndex('latchkey_remember_token_expire_date')
    .on('latchkey_remember_token')
    .column('expire_date')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('latchkey_remember_token').execute();
}
