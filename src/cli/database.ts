/**
 * @module The CLI's database: the one `DATABASE_URL` names (as the app's), migrated before use as
 * the app migrates on start, and closed when the command ends.
 */
import type { Kysely } from 'kysely';
import { ConfigurationError } from '../core/errors.js';
import { DEFAULT_DATABASE_URL, openDatabase } from '../db/connect.js';
import { migrateToLatest } from '../db/migrate.js';
import type { Database } from '../db/schema.js';
import type { SessionStore } from '../sessions/store.js';
import { openSessionStore } from '../stores/from-settings.js';
import { type RedisSettings, redisSettingsFromEnv } from '../stores/redis-settings.js';
import { type CliContext, CliError } from './context.js';
import { cliDjangoMode } from './django-mode.js';

/** The `DATABASE_URL` of `env`, or the default SQLite file when unset or empty. */
export function databaseUrl(env: CliContext['env']): string {
  const url = env.DATABASE_URL?.trim();
  return url === undefined || url === '' ? DEFAULT_DATABASE_URL : url;
}

/** Options of {@link withDatabase}. */
export interface WithDatabaseOptions {
  /** Apply pending migrations first (the default); `migrate` itself turns this off. */
  readonly migrate?: boolean;
}

/**
 * Opens the database, migrates it, runs `work`, and closes it whatever happens.
 * @example
 * await withDatabase(ctx, async (db) => new AuditLog(db).list());
 */
export async function withDatabase<T>(
  ctx: CliContext,
  work: (db: Kysely<Database>) => Promise<T>,
  options: WithDatabaseOptions = {},
): Promise<T> {
  const { db } = await openDatabase(databaseUrl(ctx.env));
  try {
    if (options.migrate ?? true) await migrateToLatest(db);
    return await work(db);
  } finally {
    await db.destroy();
  }
}

/** The app's `REDIS_*` settings, so the CLI acts on the app's keys (INVARIANTS 15). */
function redisSettings(ctx: CliContext): RedisSettings {
  try {
    return redisSettingsFromEnv(ctx.env);
  } catch (error) {
    if (error instanceof ConfigurationError) throw new CliError(error.problems.join('; '));
    throw error;
  }
}

const ENGINES = ['db', 'redis', 'cached_db', 'memory'] as const;

/**
 * The session store `SESSION_ENGINE` names (as the app's), over `db`, closed when `work` ends.
 * `memory` holds nothing between processes, so the CLI refuses it rather than act on an empty store.
 */
export async function withSessionStore<T>(
  ctx: CliContext,
  db: Kysely<Database>,
  work: (store: SessionStore) => Promise<T>,
): Promise<T> {
  const django = await cliDjangoMode(ctx, db);
  if (django !== null) return work(django.sessionStore);
  const engine = ctx.env.SESSION_ENGINE?.trim() || 'db';
  if (!(ENGINES as readonly string[]).includes(engine) || engine === 'memory') {
    throw new CliError(
      `SESSION_ENGINE: "${engine}" has no sessions the CLI can reach (use db, redis or cached_db)`,
    );
  }
  const store = await openSessionStore({
    engine: engine as (typeof ENGINES)[number],
    db,
    redis: redisSettings(ctx),
    clock: ctx.clock,
  });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
