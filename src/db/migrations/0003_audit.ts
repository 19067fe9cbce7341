/** @module Migration 0003: the audit log of logins, logouts, failures and password changes. */
import type { Kysely } from 'kysely';
import { createTable, serialKey } from './ddl.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const id = serialKey(db);
  // No foreign key to latchkey_user: a failed login names a user that may not exist, and the
  // trail must outlive a deleted account (OWASP Logging Cheat Sheet: retain security events).
  await createTable(db, 'latchkey_audit')
    .addColumn('id', id.type, id.define)
    .addColumn('event', 'varchar(64)', (col) => col.notNull())
    .addColumn('user_id', 'varchar(64)')
    .addColumn('username', 'varchar(150)')
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('ip', 'varchar(64)')
    .addColumn('user_agent', 'varchar(512)')
    .addColumn('session_hash', 'varchar(32)')
    .addColumn('detail', 'text')
    .execute();
  await db.schema
    .createIndex('latchkey_audit_created_at')
    .on('latchkey_audit')
    .column('created_at')
    .execute();
  await db.schema
    .createIndex('latchkey_audit_username')
    .on('latchkey_audit')
    .columns(['username', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('latchkey_audit').execute();
}
