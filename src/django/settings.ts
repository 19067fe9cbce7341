/**
 * @module The settings of Django mode, read from the environment next to Latchkey's own:
 * `DJANGO_DATABASE` (../shared/CONTRACT.md) turns it on; the others say what Django's side expects
 * so that nothing Latchkey writes makes Django rehash or refuse it.
 */

import { DEFAULT_PBKDF2_ITERATIONS } from '../auth/hashers/index.js';
import { ConfigurationError } from '../core/errors.js';
import { MODEL_BACKEND } from './session-codec.js';

/** The hashers Latchkey can write in Django mode: each is in Django's default `PASSWORD_HASHERS`. */
export type DjangoPasswordHasherName = 'pbkdf2_sha256' | 'argon2';

/** Django mode's settings. */
export interface DjangoSettings {
  /** `DJANGO_DATABASE`: users, sessions, CSRF and messages in Django's tables and formats. */
  readonly enabled: boolean;
  /**
   * `DJANGO_PBKDF2_ITERATIONS` [1000000]: the `PBKDF2PasswordHasher.iterations` of the Django
   * version in use (3.2: 260000, 4.2: 600000, 5.2: 1000000), so neither app rehashes the other's.
   */
  readonly pbkdf2Iterations: number;
  /** `DJANGO_PASSWORD_HASHER` [pbkdf2_sha256]: `argon2` only when Django has argon2-cffi and lists it first. */
  readonly passwordHasher: DjangoPasswordHasherName;
  /** `DJANGO_AUTH_BACKENDS` [ModelBackend] (comma-separated): the first is written at login, all are accepted. */
  readonly authBackends: readonly [string, ...string[]];
}

function flag(raw: string | undefined, problems: string[]): boolean {
  const text = (raw ?? '').trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(text)) return true;
  if (!['', '0', 'false', 'no', 'off'].includes(text))
    problems.push(`DJANGO_DATABASE: expected true or false, got ${JSON.stringify(raw)}`);
  return false;
}

/**
 * Reads Django mode's settings; throws one {@link ConfigurationError} naming every bad variable.
 * @example
 * const django = djangoSettingsFromEnv(process.env);
 * if (django.enabled) { ... }
 */
export function djangoSettingsFromEnv(env: Readonly<Record<string, string | undefined>>): DjangoSettings {
  const problems: string[] = [];
  const enabled = flag(env.DJANGO_DATABASE, problems);
  const iterationsText = env.DJANGO_PBKDF2_ITERATIONS?.trim() || String(DEFAULT_PBKDF2_ITERATIONS);
  const pbkdf2Iterations = Number(iterationsText);
  if (!/^[1-9][0-9]{0,9}$/.test(iterationsText) || pbkdf2Iterations > 2 ** 31 - 1)
    problems.push(`DJANGO_PBKDF2_ITERATIONS: expected a whole number of iterations, got "${iterationsText}"`);
  const hasher = env.DJANGO_PASSWORD_HASHER?.trim() || 'pbkdf2_sha256';
  if (hasher !== 'pbkdf2_sha256' && hasher !== 'argon2')
    problems.push(`DJANGO_PASSWORD_HASHER: expected pbkdf2_sha256 or argon2, got "${hasher}"`);
  const backends = (env.DJANGO_AUTH_BACKENDS ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (backends.some((name) => !/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(name)))
    problems.push('DJANGO_AUTH_BACKENDS: expected dotted Python paths, comma-separated');
  if (problems.length > 0) throw new ConfigurationError(problems);
  return {
    enabled,
    pbkdf2Iterations,
    passwordHasher: hasher as DjangoPasswordHasherName,
    authBackends: backends.length > 0 ? (backends as [string, ...string[]]) : [MODEL_BACKEND],
  };
}
