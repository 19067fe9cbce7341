/**
 * @module The CLI's database: the one `DATABASE_URL` names (as the app's), migrated before use as
 * the app migrates on start, and closed when the command ends.
 */
import type { Kysely } from 'kysely';
import { ConfigurationError } from '../core/errors.js';
import { DEFAULT_DATABASE_URL, openDatabase } from '../db/connect.js';
import { migrateToLatest } from '../db/migrate.js';
import type { Database } from '../db/schema.js';
import type { ClearExpiredOptions, SessionStore, StoredSession } from '../sessions/store.js';
import { openSessionStore } from '../stores/from-settings.js';
import { type RedisSettings, redisSettingsFromEnv } from '../stores/redis-settings.js';
import { SqlRevocationRegistry } from '../stores/revocation-sql.js';
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

/**
 * What the CLI can do with one user's sessions on the engine `SESSION_ENGINE` names. Counts and
 * lists are `null` where the engine cannot know them: `signed_cookies` keeps sessions in the
 * browsers' cookies, and ends them all by bumping the user's revocation epoch.
 */
export interface UserSessions {
  /** The engine, as named by `SESSION_ENGINE`. */
  readonly engine: string;
  /** The user's live sessions, or `null` when the engine cannot list them. */
  list(userId: string): Promise<StoredSession[] | null>;
  /** Ends every session of the user; how many, or `null` when the engine cannot count them. */
  endAll(userId: string): Promise<number | null>;
  /** Deletes expired records (on `signed_cookies`: denials of cookies that expired); how many. */
  clearExpired(options?: ClearExpiredOptions): Promise<number>;
}

const SERVER_SIDE = ['db', 'redis', 'cached_db'] as const;

async function openUserSessions(
  ctx: CliContext,
  db: Kysely<Database>,
  engine: string,
): Promise<UserSessions & { close(): Promise<void> }> {
  // Django mode: sessions in Django's django_session table, owned by the Django mode (not closed here).
  const django = await cliDjangoMode(ctx, db);
  if (django !== null) return fromStore(django.sessionStore, 'django', async () => undefined);
  if (engine === 'signed_cookies') {
    // The cookies live on clients; the server holds only their revocation state (migration 0005).
    // Bumping the user's epoch is what the app's "log out everywhere" does on this engine, and
    // needs no signing key: every cookie issued under the old epoch is refused from then on.
    const registry = new SqlRevocationRegistry({ db, clock: ctx.clock });
    return {
      engine,
      list: async () => null,
      endAll: async (userId) => {
        await registry.bumpEpoch(userId);
        return null;
      },
      clearExpired: () => registry.clearExpired(),
      close: () => registry.close(),
    };
  }
  if (!(SERVER_SIDE as readonly string[]).includes(engine)) {
    const why =
      engine === 'memory'
        ? "keeps sessions inside the app's process, out of the CLI's reach"
        : 'is not a session engine';
    throw new CliError(`SESSION_ENGINE: "${engine}" ${why} (use db, redis, cached_db or signed_cookies)`);
  }
  const store = await openSessionStore({
    engine: engine as (typeof SERVER_SIDE)[number],
    db,
    redis: redisSettings(ctx),
    clock: ctx.clock,
  });
  return fromStore(store, engine, () => store.close());
}

/** {@link UserSessions} over a server-side store, which can list and count. */
function fromStore(
  store: SessionStore,
  engine: string,
  close: () => Promise<void>,
): UserSessions & { close(): Promise<void> } {
  return {
    engine,
    list: (userId) => store.listUserSessions(userId),
    endAll: (userId) => store.deleteUserSessions(userId),
    clearExpired: (options) => store.clearExpired(options),
    close,
  };
}

/**
 * Opens the sessions of the engine `SESSION_ENGINE` names (as the app's), over `db`, runs `work`,
 * and closes them. The engine is opened (Redis connected) before `work` runs, so a command that
 * writes inside `work` refuses before writing anything when the engine is out of reach.
 * @example
 * const ended = await withUserSessions(ctx, db, (sessions) => sessions.endAll(user.id));
 */
export async function withUserSessions<T>(
  ctx: CliContext,
  db: Kysely<Database>,
  work: (sessions: UserSessions) => Promise<T>,
): Promise<T> {
  const sessions = await openUserSessions(ctx, db, ctx.env.SESSION_ENGINE?.trim() || 'db');
  try {
    return await work(sessions);
  } finally {
    await sessions.close();
  }
}
