/** Django mode's settings, the datetime columns as Django stores them, and the CLI's refusals. */
import { describe, expect, test } from 'vitest';
import { ConfigurationError } from '../../src/core/errors.js';
import { fromDjangoDateTime, toDjangoDateTime } from '../../src/django/schema.js';
import { djangoSettingsFromEnv } from '../../src/django/settings.js';

describe('DJANGO_DATABASE and friends', () => {
  test('off by default; ModelBackend, pbkdf2_sha256 and Django 5.2’s iterations otherwise', () => {
    expect(djangoSettingsFromEnv({})).toEqual({
      enabled: false,
      pbkdf2Iterations: 1_000_000,
      passwordHasher: 'pbkdf2_sha256',
      authBackends: ['django.contrib.auth.backends.ModelBackend'],
    });
    const on = djangoSettingsFromEnv({
      DJANGO_DATABASE: 'true',
      DJANGO_PBKDF2_ITERATIONS: '260000',
      DJANGO_PASSWORD_HASHER: 'argon2',
      DJANGO_AUTH_BACKENDS: 'myapp.backends.EmailBackend, django.contrib.auth.backends.ModelBackend',
    });
    expect(on.enabled).toBe(true);
    expect(on.pbkdf2Iterations).toBe(260_000);
    expect(on.passwordHasher).toBe('argon2');
    expect(on.authBackends).toEqual([
      'myapp.backends.EmailBackend',
      'django.contrib.auth.backends.ModelBackend',
    ]);
  });

  test('bad values are refused together, each naming its variable', () => {
    let error: unknown;
    try {
      djangoSettingsFromEnv({
        DJANGO_DATABASE: 'maybe',
        DJANGO_PBKDF2_ITERATIONS: '12abc',
        DJANGO_PASSWORD_HASHER: 'md5',
        DJANGO_AUTH_BACKENDS: 'not a path',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    const problems = (error as ConfigurationError).problems.join('\n');
    for (const name of [
      'DJANGO_DATABASE',
      'DJANGO_PBKDF2_ITERATIONS',
      'DJANGO_PASSWORD_HASHER',
      'DJANGO_AUTH_BACKENDS',
    ])
      expect(problems).toContain(`${name}:`);
  });
});

describe('Django datetime columns', () => {
  const at = Date.UTC(2026, 0, 2, 3, 4, 5, 6);

  test('SQLite and MySQL get naive UTC text with microseconds, PostgreSQL a Date', () => {
    expect(toDjangoDateTime('sqlite', at)).toBe('2026-01-02 03:04:05.006000');
    expect(toDjangoDateTime('mysql', at)).toBe('2026-01-02 03:04:05.006000');
    expect(toDjangoDateTime('postgres', at)).toEqual(new Date(at));
  });

  test('what Django wrote reads back to the millisecond, whatever its form', () => {
    expect(fromDjangoDateTime('sqlite', '2026-01-02 03:04:05.006789')).toBe(at);
    expect(fromDjangoDateTime('sqlite', '2026-01-02 03:04:05')).toBe(at - 6);
    expect(fromDjangoDateTime('postgres', new Date(at))).toBe(at);
    // mysql2 builds a Date from the naive UTC fields in local time.
    expect(fromDjangoDateTime('mysql', new Date(2026, 0, 2, 3, 4, 5, 6))).toBe(at);
    expect(fromDjangoDateTime('sqlite', 'yesterday')).toBeNaN();
    expect(fromDjangoDateTime('sqlite', null)).toBeNaN();
  });

  test('text comparison orders times as the times themselves (expiry checks run in SQL)', () => {
    const earlier = toDjangoDateTime('sqlite', at) as string;
    const later = toDjangoDateTime('sqlite', at + 1) as string;
    expect(earlier < later).toBe(true);
    expect('2026-01-02 03:04:05' < earlier).toBe(true);
  });
});
