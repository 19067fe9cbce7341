/**
 * @module Migration 0002: users, groups and permissions (Django's `auth_user`, `auth_group`,
 * `auth_permission` and their link tables). A permission is one string such as `cart.add_item`.
 */
import type { Kysely } from 'kysely';
import { createTable, serialKey } from './ddl.js';

/** The link tables, each with its two foreign keys; deleting either side deletes the link. */
const links = [
  ['latchkey_user_groups', 'user_id', 'latchkey_user', 'group_id', 'latchkey_group'],
  ['latchkey_group_permissions', 'group_id', 'latchkey_group', 'permission_id', 'latchkey_permission'],
  ['latchkey_user_permissions', 'user_id', 'latchkey_user', 'permission_id', 'latchkey_permission'],
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  const id = serialKey(db);
  await createTable(db, 'latchkey_user')
    .addColumn('id', id.type, id.define)
    // Django's AbstractUser: username max_length=150, email 254 (RFC 5321 path limit), unique names.
    // On MySQL the table's utf8mb4_bin collation keeps `Alice` and `alice` two users, as in Django.
    .addColumn('username', 'varchar(150)', (col) => col.notNull().unique())
    .addColumn('email', 'varchar(254)', (col) => col.notNull().defaultTo(''))
    .addColumn('password', 'varchar(255)', (col) => col.notNull())
    .addColumn('is_active', 'smallint', (col) => col.notNull().defaultTo(1))
    .addColumn('is_staff', 'smallint', (col) => col.notNull().defaultTo(0))
    .addColumn('is_superuser', 'smallint', (col) => col.notNull().defaultTo(0))
    .addColumn('date_joined', 'bigint', (col) => col.notNull())
    .addColumn('last_login', 'bigint')
    .execute();
  await createTable(db, 'latchkey_group')
    .addColumn('id', id.type, id.define)
    .addColumn('name', 'varchar(150)', (col) => col.notNull().unique())
    .execute();
  await createTable(db, 'latchkey_permission')
    .addColumn('id', id.type, id.define)
    .addColumn('codename', 'varchar(255)', (col) => col.notNull().unique())
    .execute();
  for (const [table, left, leftTable, right, rightTable] of links) {
    // Table-level FOREIGN KEY clauses: MySQL parses a column-level REFERENCES and ignores it, which
    // would leave deleteUser's links behind (https://dev.mysql.com/doc/refman/8.0/en/create-table-foreign-keys.html).
    await createTable(db, table)
      .addColumn(left, 'bigint', (col) => col.notNull())
      .addColumn(right, 'bigint', (col) => col.notNull())
      .addPrimaryKeyConstraint(`${table}_pk`, [left, right])
      .addForeignKeyConstraint(`${table}_${left}_fk`, [left], leftTable, ['id'], (fk) =>
        fk.onDelete('cascade'),
      )
      .addForeignKeyConstraint(`${table}_${right}_fk`, [right], rightTable, ['id'], (fk) =>
        fk.onDelete('cascade'),
      )
      .execute();
    // The primary key serves lookups by the left column; this one serves the right.
    await db.schema.createIndex(`${table}_${right}`).on(table).column(right).execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [table] of [...links].reverse()) await db.schema.dropTable(table).execute();
  await db.schema.dropTable('latchkey_permission').execute();
  await db.schema.dropTable('latchkey_group').execute();
  await db.schema.dropTable('latchkey_user').execute();
}
