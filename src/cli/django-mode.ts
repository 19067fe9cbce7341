/**
 * @module The CLI in Django mode (`DJANGO_DATABASE=true`): the users the commands act on are
 * Django's `auth_user`, sessions are rows of `django_session`, and a new password is hashed as
 * Django hashes it — the same parts the app is built from (`src/django/mode.ts`).
 */
import type { Kysely } from 'kysely';
import { makePassword } from '../auth/hashers/index.js';
import type { UserSource } from '../auth/types.js';
import { UserRepository } from '../auth/users/repository.js';
import type { User } from '../auth/users/user.js';
import { systemClock } from '../core/clock.js';
import { ConfigurationError } from '../core/errors.js';
import { consoleLogger } from '../core/logger.js';
import type { Database } from '../db/schema.js';
import { type DjangoMode, openDjangoMode } from '../django/mode.js';
import { djangoSettingsFromEnv } from '../django/settings.js';
import { type CliContext, CliError } from './context.js';

/** Django mode's parts for this command, or `null` when `DJANGO_DATABASE` is off. */
export async function cliDjangoMode(ctx: CliContext, db: Kysely<Database>): Promise<DjangoMode | null> {
  let django: ReturnType<typeof djangoSettingsFromEnv>;
  try {
    django = djangoSettingsFromEnv(ctx.env);
  } catch (error) {
    if (error instanceof ConfigurationError) throw new CliError(error.problems.join('; '), { cause: error });
    throw error;
  }
  if (!django.enabled) return null;
  const secret = ctx.env.SECRET_KEY?.trim();
  if (!secret) throw new CliError('DJANGO_DATABASE: set SECRET_KEY to the Django project’s SECRET_KEY');
  const fallbacks = (ctx.env.SECRET_KEY_FALLBACKS ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter((key) => key !== '');
  try {
    return await openDjangoMode({
      db,
      keys: { secret, fallbacks },
      django,
      clock: ctx.clock ?? systemClock,
      logger: consoleLogger,
    });
  } catch (error) {
    if (error instanceof ConfigurationError) throw new CliError(error.problems.join('; '), { cause: error });
    throw error;
  }
}

/** The users and the password hashing a command acts with: Django's in Django mode. */
export interface CliAccounts {
  readonly users: Pick<UserSource<User>, 'getByUsername' | 'setPassword'>;
  hashPassword(password: string): Promise<string>;
}

/**
 * Latchkey's users, or Django's in Django mode.
 * @example
 * const { users } = await cliAccounts(ctx, db);
 */
export async function cliAccounts(ctx: CliContext, db: Kysely<Database>): Promise<CliAccounts> {
  const django = await cliDjangoMode(ctx, db);
  if (django === null)
    return { users: new UserRepository(db, { clock: ctx.clock }), hashPassword: makePassword };
  return { users: django.users, hashPassword: (password) => django.passwords.make(password) };
}
