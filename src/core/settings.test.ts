import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { ConfigurationError } from './errors.js';
import {
  defaultSettings,
  defineSettings,
  MIN_SECRET_KEY_LENGTH,
  SECRET_KEY_RULE,
  type Settings,
  settingsFromEnv,
} from './settings.js';

const SECRET = 'k3y-'.repeat(13); // 52 characters: long enough outside DEBUG.
/** What every valid production-like configuration must give: a key and the hosts it serves. */
const REQUIRED = { SECRET_KEY: SECRET, ALLOWED_HOSTS: ['app.test'] } as const;
/** The same, as environment variables. */
const ENV_REQUIRED = { SECRET_KEY: SECRET, ALLOWED_HOSTS: 'app.test' } as const;

/** The problems of the ConfigurationError `build` throws; fails the test when it does not throw. */
function problemsOf(build: () => unknown): readonly string[] {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as ConfigurationError).problems;
  }
  throw new Error('expected a ConfigurationError');
}

describe('Django defaults', () => {
  test('defaults match django/conf/global_settings.py', () => {
    const s = defineSettings({ ...REQUIRED });
    expect(s).toMatchObject({
      DEBUG: false,
      SECRET_KEY_FALLBACKS: [],
      SESSION_COOKIE_NAME: 'sessionid',
      SESSION_COOKIE_AGE: 1_209_600,
      SESSION_COOKIE_DOMAIN: null,
      SESSION_COOKIE_PATH: '/',
      SESSION_COOKIE_SECURE: false,
      SESSION_COOKIE_HTTPONLY: true,
      SESSION_COOKIE_SAMESITE: 'Lax',
      SESSION_EXPIRE_AT_BROWSER_CLOSE: false,
      SESSION_SAVE_EVERY_REQUEST: false,
      CSRF_COOKIE_NAME: 'csrftoken',
      CSRF_COOKIE_AGE: 31_449_600,
      CSRF_COOKIE_DOMAIN: null,
      CSRF_COOKIE_PATH: '/',
      CSRF_COOKIE_SECURE: false,
      CSRF_COOKIE_HTTPONLY: false,
      CSRF_COOKIE_SAMESITE: 'Lax',
      CSRF_HEADER_NAME: 'X-CSRFToken',
      CSRF_FIELD_NAME: 'csrfmiddlewaretoken',
      CSRF_TRUSTED_ORIGINS: [],
      LOGIN_URL: '/accounts/login/',
      LOGIN_REDIRECT_URL: '/accounts/profile/',
      LOGOUT_REDIRECT_URL: null,
      DATA_UPLOAD_MAX_MEMORY_SIZE: 2_621_440,
    });
    expect(s.SESSION_ENGINE).toBe('db');
  });

  test('the defaults themselves cannot be changed, lists included', () => {
    expect(Object.isFrozen(defaultSettings)).toBe(true);
    expect(() => (defaultSettings.ALLOWED_HOSTS as string[]).push('evil.example')).toThrow(TypeError);
    expect(() => (defaultSettings.LOGOUT_CLEAR_SITE_DATA as string[]).push('"*"')).toThrow(TypeError);
    expect(defaultSettings.ALLOWED_HOSTS).toEqual([]);
  });
});

describe('defineSettings', () => {
  test('overrides replace defaults and the rest are kept', () => {
    const s = defineSettings({ ...REQUIRED, SESSION_COOKIE_NAME: 'sid', ALLOWED_HOSTS: ['a.test'] });
    expect(s.SESSION_COOKIE_NAME).toBe('sid');
    expect(s.ALLOWED_HOSTS).toEqual(['a.test']);
    expect(s.CSRF_COOKIE_NAME).toBe('csrftoken');
  });

  test('the result is frozen, its arrays too, and the caller keeps control of its own arrays', () => {
    const hosts = ['a.test'];
    const fallbacks = ['old-secret'];
    const s = defineSettings({ ...REQUIRED, ALLOWED_HOSTS: hosts, SECRET_KEY_FALLBACKS: fallbacks });
    expect(Object.isFrozen(s)).toBe(true);
    for (const value of Object.values(s)) if (Array.isArray(value)) expect(Object.isFrozen(value)).toBe(true);
    expect(() => {
      (s as { DEBUG: boolean }).DEBUG = true;
    }).toThrow(TypeError);
    expect(() => (s.ALLOWED_HOSTS as string[]).push('evil.test')).toThrow(TypeError);
    // The caller's arrays are neither frozen nor shared: changing them later changes nothing.
    hosts.push('evil.test');
    fallbacks.push('another');
    expect(s.ALLOWED_HOSTS).toEqual(['a.test']);
    expect(s.SECRET_KEY_FALLBACKS).toEqual(['old-secret']);
  });

  test('DEBUG allows a missing or short SECRET_KEY', () => {
    expect(defineSettings({ DEBUG: true }).SECRET_KEY).toBe('');
    expect(defineSettings({ DEBUG: true, SECRET_KEY: 'short' }).SECRET_KEY).toBe('short');
  });

  test('refuses a missing SECRET_KEY outside DEBUG with the one rule: setting, length, how to make one', () => {
    const rule =
      "SECRET_KEY: not set. SECRET_KEY must be set to at least 50 random characters (only DEBUG=true runs without one); make one with: node -e \"console.log(require('node:crypto').randomBytes(48).toString('base64url'))\"";
    expect(problemsOf(() => defineSettings({ ALLOWED_HOSTS: ['app.test'] }))).toEqual([rule]);
    // `process.env.SECRET_KEY` unset is a key not given, not "expected a string, got undefined".
    const unset = { SECRET_KEY: undefined, ALLOWED_HOSTS: ['app.test'] } as unknown as Partial<Settings>;
    expect(problemsOf(() => defineSettings(unset))).toEqual([rule]);
  });

  test('the command the SECRET_KEY message gives makes a key the rule accepts', () => {
    const command = /make one with: node -e "(.*)"$/.exec(SECRET_KEY_RULE)?.[1] ?? '';
    const key = execFileSync(process.execPath, ['-e', command], { encoding: 'utf8' }).trim();
    expect(key.length).toBeGreaterThanOrEqual(MIN_SECRET_KEY_LENGTH);
    expect(defineSettings({ SECRET_KEY: key, ALLOWED_HOSTS: ['app.test'] }).SECRET_KEY).toBe(key);
  });

  test('refuses a SECRET_KEY shorter than 50 characters outside DEBUG, giving its length only', () => {
    expect(
      problemsOf(() => defineSettings({ SECRET_KEY: 'x'.repeat(49), ALLOWED_HOSTS: ['app.test'] })),
    ).toEqual([`SECRET_KEY: 49 characters is too short. ${SECRET_KEY_RULE}`]);
    expect(
      defineSettings({ SECRET_KEY: 'x'.repeat(50), ALLOWED_HOSTS: ['app.test'] }).SECRET_KEY,
    ).toHaveLength(50);
  });

  test('an empty ALLOWED_HOSTS outside DEBUG stops start-up naming the setting (issue 15 item 1)', () => {
    expect(problemsOf(() => defineSettings({ SECRET_KEY: SECRET }))).toEqual([
      expect.stringMatching(
        /^ALLOWED_HOSTS: empty, so every request would be refused \(400\); list the host names/,
      ),
    ]);
    // DEBUG keeps Django's local default: the list stays empty and localhost names are accepted.
    expect(defineSettings({ DEBUG: true }).ALLOWED_HOSTS).toEqual([]);
  });

  test.each(['SESSION', 'CSRF'] as const)('refuses %s SameSite=None without Secure', (prefix) => {
    const problems = problemsOf(() => defineSettings({ ...REQUIRED, [`${prefix}_COOKIE_SAMESITE`]: 'None' }));
    expect(problems).toEqual([`${prefix}_COOKIE_SAMESITE: "None" requires ${prefix}_COOKIE_SECURE=true`]);
    const ok = defineSettings({
      ...REQUIRED,
      [`${prefix}_COOKIE_SAMESITE`]: 'None',
      [`${prefix}_COOKIE_SECURE`]: true,
    });
    expect(ok[`${prefix}_COOKIE_SAMESITE`]).toBe('None');
  });

  test.each(['SESSION', 'CSRF'] as const)('refuses a %s __Host- cookie with a Domain', (prefix) => {
    const problems = problemsOf(() =>
      defineSettings({
        ...REQUIRED,
        [`${prefix}_COOKIE_NAME`]: `__Host-${prefix.toLowerCase()}`,
        [`${prefix}_COOKIE_SECURE`]: true,
        [`${prefix}_COOKIE_DOMAIN`]: 'example.com',
      }),
    );
    expect(problems).toEqual([`${prefix}_COOKIE_DOMAIN: a __Host- cookie must not set a Domain`]);
  });

  test.each(['SESSION', 'CSRF'] as const)('refuses a %s __Host- cookie on a path other than /', (prefix) => {
    const problems = problemsOf(() =>
      defineSettings({
        ...REQUIRED,
        [`${prefix}_COOKIE_NAME`]: `__Host-${prefix.toLowerCase()}`,
        [`${prefix}_COOKIE_SECURE`]: true,
        [`${prefix}_COOKIE_PATH`]: '/app/',
      }),
    );
    expect(problems).toEqual([`${prefix}_COOKIE_PATH: a __Host- cookie must use the path "/"`]);
  });

  test.each([
    ['__Host-sid', '__Host-'],
    ['__Secure-sid', '__Secure-'],
    ['__host-sid', '__Host-'],
    ['__SECURE-sid', '__Secure-'],
  ])(
    'refuses the prefixed cookie name %s without Secure (prefixes match case-insensitively)',
    (name, prefix) => {
      const problems = problemsOf(() => defineSettings({ ...REQUIRED, SESSION_COOKIE_NAME: name }));
      expect(problems).toEqual([
        `SESSION_COOKIE_NAME: a ${prefix} cookie requires SESSION_COOKIE_SECURE=true`,
      ]);
    },
  );

  test('accepts a well-formed __Host- session cookie', () => {
    const s = defineSettings({
      ...REQUIRED,
      SESSION_COOKIE_NAME: '__Host-sid',
      SESSION_COOKIE_SECURE: true,
    });
    expect(s.SESSION_COOKIE_NAME).toBe('__Host-sid');
  });

  test('refuses unknown setting names, prototype names included', () => {
    const overrides = { ...REQUIRED, SESION_COOKIE_AGE: 5, toString: 'x' } as Partial<Settings>;
    expect(problemsOf(() => defineSettings(overrides))).toEqual([
      'SESION_COOKIE_AGE: unknown setting',
      'toString: unknown setting',
    ]);
  });

  test('refuses values of the wrong type, naming the setting', () => {
    const overrides = {
      ...REQUIRED,
      SESSION_COOKIE_AGE: 0,
      SESSION_COOKIE_SECURE: 'yes',
      SESSION_ENGINE: 'mongo',
    } as unknown as Partial<Settings>;
    const problems = problemsOf(() => defineSettings(overrides));
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^SESSION_ENGINE: /);
    expect(problems[1]).toMatch(/^SESSION_COOKIE_AGE: expected a positive whole number, got 0/);
    expect(problems[2]).toMatch(/^SESSION_COOKIE_SECURE: expected true or false/);
  });

  test('reports every problem at once, each naming its setting', () => {
    const error = (() => {
      try {
        defineSettings({
          SECRET_KEY: 'short',
          ALLOWED_HOSTS: ['app.test'],
          SESSION_COOKIE_SAMESITE: 'None',
          CSRF_COOKIE_NAME: '__Host-csrf',
          CSRF_COOKIE_SECURE: true,
          CSRF_COOKIE_PATH: '/x/',
        });
      } catch (e) {
        return e as ConfigurationError;
      }
      throw new Error('expected a ConfigurationError');
    })();
    expect(error.code).toBe('LATCHKEY_CONFIGURATION');
    expect(error.problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'CSRF_COOKIE_PATH',
      'SECRET_KEY',
      'SESSION_COOKIE_SAMESITE',
    ]);
    for (const problem of error.problems) expect(error.message).toContain(problem);
  });

  test('a value of the wrong type does not hide unrelated problems', () => {
    const problems = problemsOf(() =>
      defineSettings({ SESSION_COOKIE_AGE: -1, SESSION_COOKIE_SAMESITE: 'None' } as Partial<Settings>),
    );
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'ALLOWED_HOSTS',
      'SECRET_KEY',
      'SESSION_COOKIE_AGE',
      'SESSION_COOKIE_SAMESITE',
    ]);
  });

  test('never puts SECRET_KEY or its fallbacks in an error message', () => {
    const secret = 'super-secret-value-that-must-never-leak';
    const fallback = 'old-secret-value-that-must-never-leak';
    for (const overrides of [
      { SECRET_KEY: secret },
      { SECRET_KEY: secret, SECRET_KEY_FALLBACKS: fallback },
      { SECRET_KEY: [secret] },
      { DEBUG: true, SECRET_KEY_FALLBACKS: [fallback, 42] },
      { DEBUG: true, SECRET_KEY: { value: secret } },
    ] as unknown as Partial<Settings>[]) {
      const problems = problemsOf(() => defineSettings(overrides));
      expect(problems.length).toBeGreaterThan(0);
      const message = (() => {
        try {
          defineSettings(overrides);
        } catch (e) {
          return `${(e as Error).message} ${String(e)}`;
        }
        return '';
      })();
      expect(message).not.toContain('must-never-leak');
      expect(problems.join('\n')).not.toContain('must-never-leak');
    }
  });

  test('refuses equal session and CSRF cookie names and header-splitting URLs', () => {
    const problems = problemsOf(() =>
      defineSettings({
        ...REQUIRED,
        CSRF_COOKIE_NAME: 'sessionid',
        LOGIN_URL: '/login\r\nSet-Cookie: x=1',
        LOGOUT_REDIRECT_URL: '/\n',
        CSRF_TRUSTED_ORIGINS: ['example.com'],
      }),
    );
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'CSRF_COOKIE_NAME',
      'CSRF_TRUSTED_ORIGINS',
      'LOGIN_URL',
      'LOGOUT_REDIRECT_URL',
    ]);
  });
});

describe('settingsFromEnv', () => {
  test('parses every kind of setting from its string form', () => {
    const s = settingsFromEnv({
      DEBUG: 'off',
      ...ENV_REQUIRED,
      SECRET_KEY_FALLBACKS: ' old-one , old-two ,,',
      ALLOWED_HOSTS: 'a.test,b.test',
      SESSION_ENGINE: 'redis',
      SESSION_COOKIE_AGE: '3600',
      SESSION_COOKIE_DOMAIN: 'example.com',
      CSRF_COOKIE_DOMAIN: 'None',
      SESSION_COOKIE_SECURE: 'TRUE',
      SESSION_COOKIE_HTTPONLY: 'no',
      SESSION_EXPIRE_AT_BROWSER_CLOSE: '1',
      SESSION_SAVE_EVERY_REQUEST: 'yes',
      SESSION_COOKIE_SAMESITE: 'none',
      CSRF_COOKIE_SAMESITE: 'false',
      CSRF_COOKIE_SECURE: 'on',
      LOGOUT_REDIRECT_URL: 'null',
      LOGIN_REDIRECT_URL: '/home/',
      DATA_UPLOAD_MAX_MEMORY_SIZE: '1024',
      CSRF_TRUSTED_ORIGINS: '',
      UNRELATED_VARIABLE: 'ignored',
    });
    expect(s).toMatchObject({
      DEBUG: false,
      ...ENV_REQUIRED,
      SECRET_KEY_FALLBACKS: ['old-one', 'old-two'],
      ALLOWED_HOSTS: ['a.test', 'b.test'],
      SESSION_ENGINE: 'redis',
      SESSION_COOKIE_AGE: 3600,
      SESSION_COOKIE_DOMAIN: 'example.com',
      CSRF_COOKIE_DOMAIN: null,
      SESSION_COOKIE_SECURE: true,
      SESSION_COOKIE_HTTPONLY: false,
      SESSION_EXPIRE_AT_BROWSER_CLOSE: true,
      SESSION_SAVE_EVERY_REQUEST: true,
      SESSION_COOKIE_SAMESITE: 'None',
      CSRF_COOKIE_SAMESITE: false,
      CSRF_COOKIE_SECURE: true,
      LOGOUT_REDIRECT_URL: null,
      LOGIN_REDIRECT_URL: '/home/',
      DATA_UPLOAD_MAX_MEMORY_SIZE: 1024,
      CSRF_TRUSTED_ORIGINS: [],
    });
    expect(Object.keys(s)).not.toContain('UNRELATED_VARIABLE');
    expect(Object.isFrozen(s.SECRET_KEY_FALLBACKS)).toBe(true);
  });

  test('names each unparsable value, and reports them with the other problems', () => {
    const problems = problemsOf(() =>
      settingsFromEnv({
        DEBUG: 'maybe',
        SESSION_COOKIE_AGE: '2 weeks',
        CSRF_COOKIE_AGE: '-5',
        SESSION_COOKIE_SAMESITE: 'loose',
        SESSION_ENGINE: 'mongo',
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'DEBUG: expected true or false, got "maybe"',
        'SESSION_COOKIE_AGE: expected a positive whole number, got "2 weeks"',
        'CSRF_COOKIE_AGE: expected a positive whole number, got "-5"',
        'SESSION_COOKIE_SAMESITE: expected Lax, Strict, None or false, got "loose"',
        expect.stringMatching(/^SESSION_ENGINE: .*"mongo"/),
        expect.stringMatching(/^SECRET_KEY: not set/),
        expect.stringMatching(/^ALLOWED_HOSTS: empty/),
      ]),
    );
    expect(problems).toHaveLength(7);
  });

  test('a parse error alone still throws', () => {
    expect(problemsOf(() => settingsFromEnv({ ...ENV_REQUIRED, SESSION_COOKIE_SECURE: 'sure' }))).toEqual([
      'SESSION_COOKIE_SECURE: expected true or false, got "sure"',
    ]);
  });

  test('the environment wins over the app defaults given, which win over Django`s', () => {
    const s = settingsFromEnv(
      { ...ENV_REQUIRED, LOGIN_REDIRECT_URL: '/from-env/' },
      { LOGIN_REDIRECT_URL: '/dashboard/', LOGIN_URL: '/app-login/' },
    );
    expect(s.LOGIN_REDIRECT_URL).toBe('/from-env/');
    expect(s.LOGIN_URL).toBe('/app-login/');
    expect(s.CSRF_COOKIE_NAME).toBe('csrftoken');
  });

  test('unknown names among the defaults are refused like any other problem', () => {
    const defaults = { LOGIN_REDIRECT: '/x/' } as Partial<Settings>;
    expect(problemsOf(() => settingsFromEnv({ ...ENV_REQUIRED }, defaults))).toEqual([
      'LOGIN_REDIRECT: unknown setting',
    ]);
  });

  test('a SECRET_KEY from the environment never appears in an error', () => {
    const secret = 'env-secret-that-must-never-leak';
    const problems = problemsOf(() =>
      settingsFromEnv({ SECRET_KEY: secret, SECRET_KEY_FALLBACKS: secret, ALLOWED_HOSTS: 'app.test' }),
    );
    expect(problems).toEqual([`SECRET_KEY: ${secret.length} characters is too short. ${SECRET_KEY_RULE}`]);
    expect(problems.join('\n')).not.toContain('must-never-leak');
  });
});
