/**
 * @module Wires the reference app (and its tests) together from a configuration: the database
 * (migrated), the session store chosen by `SESSION_ENGINE`, users, the audit log fed by the
 * authentication events, and the Latchkey instance.
 */
import type { Kysely } from 'kysely';
import { AuditLog, recordAuthEvents } from '../src/audit/index.js';
import { RememberTokenRepository, TokenRepository } from '../src/auth/tokens/index.js';
import { type User, UserRepository } from '../src/auth/users/index.js';
import { openDatabase } from '../src/db/connect.js';
import { type DjangoMode, type DjangoSettings, openDjangoMode } from '../src/django/index.js';
import {
  type Clock,
  consoleLogger,
  createLatchkey,
  type Latchkey,
  type Logger,
  type PasswordService,
  type Settings,
  systemClock,
} from '../src/index.js';
import { createMailer, type Mailer, Outbox } from '../src/mail/index.js';
import { openSessionStore } from '../src/stores/from-settings.js';
import type { RedisSettings } from '../src/stores/redis.js';
import { type Database, migrateToLatest } from '../src/stores/sqlite.js';
import { loginRequiredByDefault } from '../src/views/index.js';
import { publicRoutes } from './public-routes.js';
import { renderErrorPage } from './templates/error-page.js';

/** The parts of `createLatchkey`'s config that Django mode replaces. */
function djangoParts(django: DjangoMode) {
  const { users, codec, passwords, sessionAuthHashSalt, messageCookieSigning } = django;
  return { users, codec, passwords, sessionAuthHashSalt, messageCookieSigning };
}

/** What the app runs on. */
export interface Runtime {
  readonly db: Kysely<Database>;
  readonly users: UserRepository;
  readonly audit: AuditLog;
  readonly tokens: TokenRepository;
  readonly rememberTokens: RememberTokenRepository;
  readonly latchkey: Latchkey<User>;
  /** Mail (password reset links) sent after the response, through the `EMAIL_*` settings' mailer. */
  readonly outbox: Outbox;
  close(): Promise<void>;
}

/** Options of {@link createRuntime}. */
export interface RuntimeOptions {
  readonly settings: Settings;
  readonly databaseUrl: string;
  /** For `SESSION_ENGINE=redis` and `cached_db`; `redis://127.0.0.1:6379/0` by default. */
  readonly redisUrl?: string;
  /** Redis key prefix (tests give each run its own); by default derived from the database. */
  readonly redisPrefix?: string;
  /** The other `REDIS_*` settings (Cluster, Sentinel, timeouts, `WAIT`). */
  readonly redis?: Partial<RedisSettings>;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Password hashing; argon2id by default (tests pass a fast PBKDF2 service). */
  readonly passwords?: PasswordService;
  /** Django mode (`DJANGO_DATABASE=true`): users, sessions and messages in Django's tables and formats. */
  readonly django?: DjangoSettings;
  /** Sends mail; the one the `EMAIL_*` settings describe by default. */
  readonly mailer?: Mailer;
}

/**
 * Opens and migrates the database and builds everything on top of it.
 * @example
 * const runtime = await createRuntime({ settings, databaseUrl: 'sqlite:./data/latchkey.sqlite3' });
 */
export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { db } = await openDatabase(options.databaseUrl);
  try {
    await migrateToLatest(db);
    const clock = options.clock;
    const django = options.django?.enabled
      ? await openDjangoMode({
          db,
          keys: { secret: options.settings.SECRET_KEY, fallbacks: options.settings.SECRET_KEY_FALLBACKS },
          django: options.django,
          clock: clock ?? systemClock,
          logger: options.logger ?? consoleLogger,
        })
      : null;
    const sessionStore =
      django?.sessionStore ??
      (await openSessionStore({
        engine: options.settings.SESSION_ENGINE,
        db,
        ...(options.redis ? { redis: options.redis } : {}),
        ...(options.redisUrl ? { redisUrl: options.redisUrl } : {}),
        signing: { secret: options.settings.SECRET_KEY, fallbacks: options.settings.SECRET_KEY_FALLBACKS },
        ...(options.redisPrefix ? { redisPrefix: options.redisPrefix } : {}),
        ...(clock ? { clock } : {}),
        ...(options.logger ? { logger: options.logger } : {}),
      }));
    const users = new UserRepository(db, {
      ...(clock ? { clock } : {}),
      uniqueEmails: options.settings.LOGIN_BY_EMAIL,
    });
    const audit = new AuditLog(db, clock ? { clock } : {});
    const tokens = new TokenRepository(db, clock ? { clock } : {});
    const rememberTokens = new RememberTokenRepository(db, clock ? { clock } : {});
    const latchkey = createLatchkey<User>({
      settings: options.settings,
      sessionStore,
      users,
      tokens,
      renderError: renderErrorPage,
      rememberTokens,
      // Every route needs a login unless app/public-routes.ts marks it public (Django 5.1).
      routes: publicRoutes,
      guards: [loginRequiredByDefault<User>()],
      ...(clock ? { clock } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
      ...(django === null ? {} : djangoParts(django)),
      ...(options.passwords ? { passwords: options.passwords } : {}),
    });
    recordAuthEvents(latchkey.events, audit);
    const outbox = new Outbox(options.mailer ?? createMailer(options.settings), latchkey.logger);
    return {
      db,
      users,
      audit,
      tokens,
      rememberTokens,
      latchkey,
      outbox,
      async close() {
        // Pending mail first: its jobs still read users and write audit rows.
        await outbox.close();
        await sessionStore.close();
        await db.destroy().catch(() => undefined);
      },
    };
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw error;
  }
}
