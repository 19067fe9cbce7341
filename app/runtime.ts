/**
 * @module Wires the reference app (and its tests) together from a configuration: the database
 * (migrated), the session store chosen by `SESSION_ENGINE`, users, the audit log fed by the
 * authentication events, and the Latchkey instance.
 */
import type { Kysely } from 'kysely';
import { AuditLog } from '../src/audit/log.js';
import { recordAuthEvents } from '../src/audit/subscribe.js';
import { RememberTokenRepository } from '../src/auth/remember/repository.js';
import { TokenRepository } from '../src/auth/tokens/repository.js';
import type { PasswordService } from '../src/auth/types.js';
import { UserRepository } from '../src/auth/users/repository.js';
import type { User } from '../src/auth/users/user.js';
import type { Clock } from '../src/core/clock.js';
import { systemClock } from '../src/core/clock.js';
import type { Logger } from '../src/core/logger.js';
import { consoleLogger } from '../src/core/logger.js';
import type { Settings } from '../src/core/settings.js';
import { openDatabase } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrate.js';
import type { Database } from '../src/db/schema.js';
import { type DjangoMode, openDjangoMode } from '../src/django/mode.js';
import type { DjangoSettings } from '../src/django/settings.js';
import { createLatchkey, type Latchkey } from '../src/latchkey.js';
import { createMailer, type Mailer } from '../src/mail/mailer.js';
import { Outbox } from '../src/mail/outbox.js';
import { openSessionStore } from '../src/stores/from-settings.js';
import type { RedisSettings } from '../src/stores/redis-settings.js';
import { loginRequiredByDefault } from '../src/views/login-required-by-default.js';
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
