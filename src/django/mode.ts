/**
 * @module Django mode (`DJANGO_DATABASE=true`): everything Latchkey needs to act as a peer of a
 * live Django project on its database — Django's users, the `django` session store and codec,
 * Django's session auth hash salt, Django's `messages` cookie, and passwords hashed in a format
 * Django verifies without rehashing. CSRF needs nothing: Latchkey's `csrftoken` is Django's format.
 */
import { type Kysely, sql } from 'kysely';
import { createArgon2Hasher } from '../auth/hashers/argon2.js';
import { createPbkdf2Hasher } from '../auth/hashers/pbkdf2.js';
import { createHasherRegistry, defaultHasherRegistry } from '../auth/hashers/registry.js';
import { createPasswordService } from '../auth/password-service.js';
import { DJANGO_SESSION_AUTH_HASH_SALT } from '../auth/session-hash.js';
import type { PasswordService } from '../auth/types.js';
import type { Clock } from '../core/clock.js';
import { ConfigurationError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { SigningKeys } from '../core/signing.js';
import type { Database } from '../db/schema.js';
import type { MessageCookieSigning } from '../messages/cookie-storage.js';
import type { SessionCodec } from '../sessions/codec.js';
import { createDjangoMessageSigning } from './messages-format.js';
import { createDjangoSessionCodec } from './session-codec.js';
import { createDjangoSessionStore, type DjangoSessionStore } from './session-store.js';
import type { DjangoSettings } from './settings.js';
import { DjangoUserSource } from './users.js';

/** The tables Django mode reads and writes; Django's `migrate` creates them. */
export const DJANGO_TABLES = [
  'django_session',
  'auth_user',
  'auth_group',
  'auth_permission',
  'django_content_type',
  'auth_user_groups',
  'auth_user_user_permissions',
  'auth_group_permissions',
] as const;

/**
 * Throws a {@link ConfigurationError} of one line when the database lacks Django's tables, so a
 * wrong `DATABASE_URL` stops start-up instead of failing at the first login.
 * @example
 * await checkDjangoTables(db);
 */
export async function checkDjangoTables(db: Kysely<Database>): Promise<void> {
  const missing: string[] = [];
  for (const table of DJANGO_TABLES) {
    try {
      await sql`select 1 from ${sql.table(table)} where 1 = 0`.execute(db);
    } catch {
      missing.push(table);
    }
  }
  if (missing.length === 0) return;
  throw new ConfigurationError([
    `DJANGO_DATABASE: the database DATABASE_URL names has no Django tables (missing ${missing.join(', ')}); run Django's "manage.py migrate" on it, or unset DJANGO_DATABASE`,
  ]);
}

/**
 * Hashes new passwords the way the Django project does: PBKDF2-SHA256 with its iteration count, or
 * argon2 with Django's parameters (2 passes, 100 MiB, 8 lanes) when the team opted in. Every
 * Django format still verifies; a hash of another algorithm or cost is upgraded at login, as
 * Django's `check_password` would upgrade it, so neither app ever undoes the other's upgrade.
 * @example
 * const passwords = createDjangoPasswordService(djangoSettingsFromEnv(process.env));
 */
export function createDjangoPasswordService(
  django: Pick<DjangoSettings, 'passwordHasher' | 'pbkdf2Iterations'>,
): PasswordService {
  const preferred =
    django.passwordHasher === 'argon2'
      ? createArgon2Hasher({ timeCost: 2, memoryCost: 102_400, parallelism: 8, hashLength: 16 })
      : createPbkdf2Hasher({ iterations: django.pbkdf2Iterations });
  return createPasswordService(
    createHasherRegistry({ default: preferred, others: defaultHasherRegistry.hashers }),
  );
}

/** What Latchkey is built from in Django mode (spread into `createLatchkey`'s config). */
export interface DjangoMode {
  readonly users: DjangoUserSource;
  readonly sessionStore: DjangoSessionStore;
  readonly codec: SessionCodec;
  readonly passwords: PasswordService;
  readonly sessionAuthHashSalt: string;
  readonly messageCookieSigning: MessageCookieSigning;
}

/** Options of {@link openDjangoMode}. */
export interface OpenDjangoModeOptions {
  readonly db: Kysely<Database>;
  /** `SECRET_KEY` (Django's) and `SECRET_KEY_FALLBACKS`. */
  readonly keys: SigningKeys;
  readonly django: DjangoSettings;
  readonly clock: Clock;
  readonly logger: Logger;
}

/**
 * Checks Django's tables, creates Latchkey's session index beside them, and builds the parts.
 * @example
 * const mode = await openDjangoMode({ db, keys, django, clock, logger });
 * const latchkey = createLatchkey({ settings, ...mode });
 */
export async function openDjangoMode(options: OpenDjangoModeOptions): Promise<DjangoMode> {
  await checkDjangoTables(options.db);
  const codec = createDjangoSessionCodec({
    ...options.keys,
    clock: options.clock,
    logger: options.logger,
    backend: options.django.authBackends[0],
    acceptedBackends: options.django.authBackends,
  });
  return {
    users: new DjangoUserSource(options.db),
    sessionStore: await createDjangoSessionStore({ db: options.db, codec, clock: options.clock }),
    codec,
    passwords: createDjangoPasswordService(options.django),
    sessionAuthHashSalt: DJANGO_SESSION_AUTH_HASH_SALT,
    messageCookieSigning: createDjangoMessageSigning({ ...options.keys, clock: options.clock }),
  };
}
