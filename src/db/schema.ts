/**
 * @module The tables Latchkey keeps in SQL, as Kysely types. One schema for SQLite, PostgreSQL and
 * MySQL: times are whole milliseconds since the epoch in BIGINT columns (exact on every dialect),
 * booleans are small integers (0/1).
 */
import type { ColumnType, Generated } from 'kysely';

/** A BIGINT epoch-milliseconds column: some drivers return it as a string, so read it through `Number`. */
export type Millis = ColumnType<number | string, number, number>;

/** `latchkey_session` (Django's `django_session`, plus an indexed user id for "log out everywhere"). */
export interface SessionTable {
  session_key: string;
  session_data: string;
  expire_date: Millis;
  user_id: string | null;
}

/**
 * An integer primary key the database assigns (SQLite `INTEGER PRIMARY KEY AUTOINCREMENT`,
 * PostgreSQL `bigserial`, MySQL `bigint AUTO_INCREMENT`). PostgreSQL returns BIGINT as a string.
 */
export type SerialId = ColumnType<number | string, never, never>;

/** A reference to a {@link SerialId}: written as a number, read as a number or a string. */
export type IdRef = ColumnType<number | string, number, number>;

/** A 0/1 flag (a boolean that reads the same on every dialect). */
export type Flag = ColumnType<number, number, number>;

/** `latchkey_user` (Django's `auth_user`). */
export interface UserTable {
  id: SerialId;
  /** NFKC-normalised; unique. */
  username: string;
  email: string;
  /** The encoded hash (`algorithm$...`), or an unusable marker starting with `!`. */
  password: string;
  is_active: Flag;
  is_staff: Flag;
  is_superuser: Flag;
  date_joined: Millis;
  last_login: ColumnType<number | string | null, number | null, number | null>;
}

/** `latchkey_group` (Django's `auth_group`). */
export interface GroupTable {
  id: SerialId;
  name: string;
}

/** `latchkey_permission`: one row per permission string such as `cart.add_item`. */
export interface PermissionTable {
  id: SerialId;
  codename: string;
}

/** `latchkey_user_groups`: which groups a user belongs to. */
export interface UserGroupTable {
  user_id: IdRef;
  group_id: IdRef;
}

/** `latchkey_group_permissions`: the permissions a group grants its members. */
export interface GroupPermissionTable {
  group_id: IdRef;
  permission_id: IdRef;
}

/** `latchkey_user_permissions`: permissions granted to one user directly. */
export interface UserPermissionTable {
  user_id: IdRef;
  permission_id: IdRef;
}

/** `latchkey_audit`: who logged in or out, when and from where. Never a session key (INVARIANTS 9). */
export interface AuditTable {
  id: SerialId;
  event: string;
  user_id: string | null;
  username: string | null;
  created_at: Millis;
  ip: string | null;
  user_agent: string | null;
  /** `hashSessionKey(key)`: identifies a session without revealing its key. */
  session_hash: string | null;
  /** JSON text. */
  detail: string | null;
}

/** All tables, by name. Later features (tokens, ...) add theirs here. */
/** `latchkey_token`: API tokens (Django REST framework's `authtoken`), kept only as SHA-256 hashes. */
export interface TokenTable {
  id: Generated<number>;
  key_hash: string;
  user_id: string;
  name: string;
  created_at: Millis;
  last_used_at: Millis | null;
}

/** `latchkey_session_denylist`: logged-out keys of client-side sessions, until their own expiry. */
export interface SessionDenylistTable {
  session_key: string;
  expire_date: Millis;
}

/** `latchkey_user_epoch`: per-user revocation epoch of client-side sessions ("log out everywhere"). */
export interface UserEpochTable {
  user_id: string;
  epoch: Millis;
  kept_key: string | null;
}

/**
 * `latchkey_remember_token`: remember-me series. The series id and its secrets are kept only as
 * SHA-256 hashes (INVARIANTS 14); `previous_secret_hash` is the secret before the last rotation.
 */
export interface RememberTokenTable {
  series_hash: string;
  user_id: string;
  secret_hash: string;
  previous_secret_hash: string | null;
  rotated_at: Millis;
  created_at: Millis;
  expire_date: Millis;
  user_agent: string | null;
  ip: string | null;
}

/** `latchkey_instance`: one row, the database's random id (migration 0006). */
export interface InstanceTable {
  id: string;
}

export interface Database {
  latchkey_session: SessionTable;
  latchkey_user: UserTable;
  latchkey_group: GroupTable;
  latchkey_permission: PermissionTable;
  latchkey_user_groups: UserGroupTable;
  latchkey_group_permissions: GroupPermissionTable;
  latchkey_user_permissions: UserPermissionTable;
  latchkey_audit: AuditTable;
  latchkey_token: TokenTable;
  latchkey_session_denylist: SessionDenylistTable;
  latchkey_user_epoch: UserEpochTable;
  latchkey_instance: InstanceTable;
  latchkey_remember_token: RememberTokenTable;
}

/** Reads a {@link Millis} column as a number. */
export function toMillis(value: number | string | bigint): number {
  return typeof value === 'number' ? value : Number(value);
}

/** A column that the database fills in. */
export type Serial = Generated<number>;
