/** @module Migration 0004: API tokens, stored only as hashes (INVARIANTS 9). */
import type { Kysely } from 'kysely';
import { createTable, serialKey } from './ddl.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const id = serialKey(db);
  await createTable(db, 'latchkey_token')
    .addColumn('id', id.type, id.define)
    .addColumn('key_hash', 'varchar(64)', (col) => col.notNull().unique())
    .addColumn('user_id', 'varchar(64)', (col) => col.notNull())
    .addColumn('name', 'varchar(100)', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('last_used_at', 'bigint')
    .execute();
  // "Log out everywhere" and password changes revoke all of one user's tokens.
  await db.schema.createIndex('latchkey_token_user_id').on('latchkey_token').column('user_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('latchkey_token').execute();
}
