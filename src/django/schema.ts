/**
 * @module Django's tables as Kysely types (Django 3.2+, default `auth.User`, `USE_TZ = True`), the
 * one side table Latchkey adds next to them, and how Django's datetime columns read and write on
 * each dialect. Latchkey maps these tables; it never creates, alters or migrates them.
 */
import type { ColumnType, Kysely } from 'kysely';
import type { DialectName } from '../db/connect.js';
import type { Database } from '../db/schema.js';

/**
 * A Django `DateTimeField`: SQLite and MySQL keep naive UTC text/`datetime(6)`, PostgreSQL a
 * `timestamptz`. Written through {@link toDjangoDateTime}, read through {@link fromDjangoDateTime}.
 */
export type DjangoDateTime = ColumnType<Date | string, Date | string, Date | string>;
/** A Django `BooleanField`: 0/1 on SQLite and MySQL, a boolean on PostgreSQL. */
export type DjangoBool = ColumnType<number | boolean, number | boolean, number | boolean>;
/** A Django `AutoField` key: PostgreSQL may return a bigint as a string. */
export type DjangoId = ColumnType<number | string, never, never>;

/** `django_session` (`django.contrib.sessions.models.Session`). */
export interface DjangoSessionTable {
  session_key: string;
  session_data: string;
  expire_date: DjangoDateTime;
}

/** `auth_user` (`django.contrib.auth.models.User`). */
export interface DjangoUserTable {
  id: DjangoId;
  password: string;
  last_login: ColumnType<Date | string | null, Date | string | null, Date | string | null>;
  is_superuser: DjangoBool;
  username: string;
  first_name: string;
  last_name: string;
  email: string;
  is_staff: DjangoBool;
  is_active: DjangoBool;
  date_joined: DjangoDateTime;
}

/** `auth_group`, `auth_permission`, `django_content_type` and the three link tables. */
export interface DjangoGroupTable {
  id: DjangoId;
  name: string;
}
export interface DjangoPermissionTable {
  id: DjangoId;
  name: string;
  content_type_id: number;
  codename: string;
}
export interface DjangoContentTypeTable {
  id: DjangoId;
  app_label: string;
  model: string;
}
export interface DjangoUserGroupTable {
  id: DjangoId;
  user_id: number;
  group_id: number;
}
export interface DjangoUserPermissionTable {
  id: DjangoId;
  user_id: number;
  permission_id: number;
}
export interface DjangoGroupPermissionTable {
  id: DjangoId;
  group_id: number;
  permission_id: number;
}

/**
 * `latchkey_django_session_user`: Latchkey's own per-user index of `django_session`, which has no
 * user column. One row per session key either app created; `user_id` is `null` for anonymous ones.
 */
export interface DjangoSessionIndexTable {
  session_key: string;
  user_id: string | null;
}

/** Django's tables plus Latchkey's own, as one Kysely database type. */
export interface DjangoDatabase extends Database {
  django_session: DjangoSessionTable;
  auth_user: DjangoUserTable;
  auth_group: DjangoGroupTable;
  auth_permission: DjangoPermissionTable;
  django_content_type: DjangoContentTypeTable;
  auth_user_groups: DjangoUserGroupTable;
  auth_user_user_permissions: DjangoUserPermissionTable;
  auth_group_permissions: DjangoGroupPermissionTable;
  latchkey_django_session_user: DjangoSessionIndexTable;
}

/** The index table's name. */
export const SESSION_INDEX_TABLE = 'latchkey_django_session_user';

/**
 * The same connection, typed with Django's tables as well.
 * @example
 * const django = asDjangoDatabase(db);
 */
export function asDjangoDatabase(db: Kysely<Database>): Kysely<DjangoDatabase> {
  return db as unknown as Kysely<DjangoDatabase>;
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/**
 * A time as Django stores it on `dialect`: a `Date` for PostgreSQL's `timestamptz`; elsewhere the
 * naive UTC text Django's SQLite and MySQL backends write (`str(datetime)`, microseconds always
 * shown so that text comparison orders them).
 * @example
 * toDjangoDateTime('sqlite', Date.UTC(2026, 0, 2, 3, 4, 5, 6)); // '2026-01-02 03:04:05.006000'
 */
export function toDjangoDateTime(dialect: DialectName, millis: number): Date | string {
  const at = new Date(millis);
  if (dialect === 'postgres') return at;
  const date = `${at.getUTCFullYear()}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())}`;
  const time = `${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())}`;
  return `${date} ${time}.${pad(at.getUTCMilliseconds(), 3)}000`;
}

/**
 * Reads a Django datetime column as epoch milliseconds; `NaN` when it is not a time. Text is naive
 * UTC (SQLite); a `Date` from mysql2 was built from naive UTC fields in local time, so its local
 * fields are read back as UTC; a `Date` from pg is already exact.
 * @example
 * fromDjangoDateTime('sqlite', '2026-01-02 03:04:05.006000'); // Date.UTC(2026, 0, 2, 3, 4, 5, 6)
 */
export function fromDjangoDateTime(dialect: DialectName, value: Date | string | null): number {
  if (value === null) return Number.NaN;
  if (value instanceof Date) {
    if (dialect !== 'mysql') return value.getTime();
    return Date.UTC(
      value.getFullYear(),
      value.getMonth(),
      value.getDate(),
      value.getHours(),
      value.getMinutes(),
      value.getSeconds(),
      value.getMilliseconds(),
    );
  }
  const match = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?(Z|[+-]00:?00)?$/.exec(value);
  if (match === null) return Number.NaN;
  const [, y, mo, d, h, mi, s, frac = '0'] = match;
  const ms = Math.floor(Number(frac.padEnd(6, '0')) / 1000);
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
}
