/**
 * @module Which Redis keys belong to this app (INVARIANTS 15). Apps on different databases have
 * different users, so they must never share sessions, per-user indexes or "log out everywhere" even on
 * one Redis: by default the key prefix is derived from the database's random id (migration 0006), which
 * every process on that database (app, CLI, workers) reads alike and no configuration can get wrong.
 * An explicit `REDIS_KEY_PREFIX` is claimed for the database at start-up; a prefix another database
 * already claimed stops start-up with one clear line.
 *
 * Chosen over a required `REDIS_KEY_PREFIX`: a setting can be copied between two apps' configurations
 * (the very mistake this guards against), while the database's id cannot. A database copied whole (a
 * staging clone) keeps its id: give the copy its own `REDIS_KEY_PREFIX` or its own Redis.
 */
import type { Kysely } from 'kysely';
import { ConfigurationError } from '../core/errors.js';
import type { Database } from '../db/schema.js';
import type { RedisSessionStore } from './redis.js';

/**
 * The database's id (migration 0006).
 * @example
 * const id = await databaseId(db); // '9f2c41d07ab3e655'
 */
export async function databaseId(db: Kysely<Database>): Promise<string> {
  const row = await db.selectFrom('latchkey_instance').select('id').orderBy('id').limit(1).executeTakeFirst();
  if (row === undefined)
    throw new ConfigurationError([
      'DATABASE_URL: the database has no latchkey_instance row; run `latchkey migrate`',
    ]);
  return row.id;
}

/**
 * The default Redis key prefix of the apps on database `id`.
 * @example
 * defaultRedisPrefix('9f2c41d07ab3e655'); // 'latchkey:9f2c41d07ab3e655:'
 */
export function defaultRedisPrefix(id: string): string {
  return `latchkey:${id}:`;
}

/**
 * Claims `store`'s prefix for database `id`; throws {@link ConfigurationError} when another database
 * holds it.
 * @example
 * await claimRedisPrefix(store, await databaseId(db));
 */
export async function claimRedisPrefix(store: RedisSessionStore, id: string): Promise<void> {
  const owner = await store.claimPrefix(id);
  if (owner !== id)
    throw new ConfigurationError([
      `REDIS_KEY_PREFIX: "${store.prefix}" already holds the sessions of an app on another database (id ${owner}); give each app its own prefix, or leave REDIS_KEY_PREFIX unset to derive one from the database`,
    ]);
}
