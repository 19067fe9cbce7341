/**
 * @module Migration 0006: the database's own random id. Apps that share this database share its users,
 * and so may share their sessions; the Redis stores derive their default key prefix from this id, so
 * apps on different databases never meet in one Redis (INVARIANTS 15).
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { createTable } from './ddl.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await createTable(db, 'latchkey_instance')
    .addColumn('id', 'varchar(32)', (col) => col.primaryKey())
    .execute();
  // 64 random bits: apps on one Redis are a handful, so a collision is out of reach.
  await (db as Kysely<{ latchkey_instance: { id: string } }>)
    .insertInto('latchkey_instance')
    .values({ id: randomBytes(8).toString('hex') })
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('latchkey_instance').execute();
}
