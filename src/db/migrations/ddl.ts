/**
 * @module The DDL that differs between SQLite, PostgreSQL and MySQL, in one place for every
 * migration. A shipped migration must keep producing the same schema: never change what a helper
 * emits once a migration that uses it has shipped; add a new helper instead.
 */
import {
  type ColumnDataType,
  type ColumnDefinitionBuilder,
  type CreateTableBuilder,
  type Expression,
  type Kysely,
  sql,
} from 'kysely';
import { dialectOf } from '../connect.js';

/**
 * `CREATE TABLE name`, with MySQL's table options: InnoDB (transactions and foreign keys), utf8mb4
 * (every Unicode character, where MySQL's `utf8` stops at three bytes) and the binary collation
 * `utf8mb4_bin`, so that text compares exactly as on SQLite and PostgreSQL. MySQL's usual
 * `_ci` collations would make `Alice` and `alice`, or `jose` and `josé`, one username (Django
 * documents the same trap for MySQL). `utf8mb4_bin` ignores trailing spaces when comparing, which
 * no username, session key or permission can contain.
 * @example
 * await createTable(db, 'latchkey_session').addColumn('session_key', 'varchar(40)').execute();
 */
export function createTable<N extends string>(db: Kysely<unknown>, name: N): CreateTableBuilder<N, never> {
  const builder = db.schema.createTable(name);
  if (dialectOf(db) !== 'mysql') return builder;
  return builder.modifyEnd(sql`engine = InnoDB default charset = utf8mb4 collate = utf8mb4_bin`);
}

/** A database-assigned integer key's column type and its column definition. */
export interface SerialKey {
  readonly type: ColumnDataType;
  readonly define: (col: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;
}

/**
 * An auto-increment primary key: SQLite `integer primary key autoincrement`, PostgreSQL
 * `bigserial primary key`, MySQL `bigint primary key auto_increment`.
 * @example
 * const id = serialKey(db);
 * createTable(db, 'latchkey_group').addColumn('id', id.type, id.define);
 */
export function serialKey(db: Kysely<unknown>): SerialKey {
  const dialect = dialectOf(db);
  if (dialect === 'postgres') return { type: 'bigserial', define: (col) => col.primaryKey() };
  return {
    type: dialect === 'mysql' ? 'bigint' : 'integer',
    define: (col) => col.primaryKey().autoIncrement(),
  };
}

/**
 * A text column without a practical length limit: MySQL's `TEXT` holds only 65,535 bytes, so a
 * session payload gets `LONGTEXT` (4 GB) there; `text` elsewhere is unlimited already.
 * @example
 * createTable(db, 't').addColumn('session_data', longText(db), (col) => col.notNull());
 */
export function longText(db: Kysely<unknown>): Expression<unknown> {
  return dialectOf(db) === 'mysql' ? sql`longtext` : sql`text`;
}
