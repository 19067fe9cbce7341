import { describe, expect, test } from 'vitest';
import { defaultPasswordValidators } from '../auth/users/password-rules.js';
import { ConfigurationError } from './errors.js';
import { defineSettings, settingsFromEnv } from './settings.js';

const SECRET = 'k3y-'.repeat(13);

/** What `build` refuses (an empty list when it accepts). */
function refusals(build: () => unknown): readonly string[] {
  let problems: readonly string[] = [];
  expect(() => {
    try {
      build();
    } catch (error) {
      if (error instanceof ConfigurationError) problems = error.problems;
      throw error;
    }
  }).toThrow(ConfigurationError);
  return problems;
}

describe('mail, password reset and password validation settings', () => {
  test('defaults: Django’s, with the contract’s 127.0.0.1 and Django’s four validators', () => {
    expect(defineSettings({ SECRET_KEY: SECRET })).toMatchObject({
      EMAIL_BACKEND: 'console',
      EMAIL_FILE_PATH: null,
      EMAIL_HOST: '127.0.0.1',
      EMAIL_PORT: 25,
      EMAIL_HOST_USER: '',
      EMAIL_HOST_PASSWORD: '',
      EMAIL_USE_TLS: false,
      DEFAULT_FROM_EMAIL: 'webmaster@localhost',
      PASSWORD_RESET_TIMEOUT: 259_200,
      AUTH_PASSWORD_VALIDATORS: defaultPasswordValidators().map((validator) => validator.name),
      LOGIN_BY_EMAIL: false,
    });
  });

  test('read from the environment', () => {
    const s = settingsFromEnv({
      SECRET_KEY: SECRET,
      EMAIL_BACKEND: 'SMTP',
      EMAIL_PORT: '2525',
      EMAIL_USE_TLS: 'true',
      EMAIL_HOST_USER: 'mailer',
      EMAIL_HOST_PASSWORD: 'hunter2-mail',
      PASSWORD_RESET_TIMEOUT: '3600',
      AUTH_PASSWORD_VALIDATORS: 'MinimumLengthValidator:min_length=12, CommonPasswordValidator',
      LOGIN_BY_EMAIL: 'on',
    });
    expect(s).toMatchObject({
      EMAIL_BACKEND: 'smtp',
      EMAIL_PORT: 2525,
      EMAIL_USE_TLS: true,
      PASSWORD_RESET_TIMEOUT: 3600,
      AUTH_PASSWORD_VALIDATORS: ['MinimumLengthValidator:min_length=12', 'CommonPasswordValidator'],
      LOGIN_BY_EMAIL: true,
    });
  });

  test('every bad value is named, and the mail password is never repeated', () => {
    const problems = refusals(() =>
      settingsFromEnv({
        SECRET_KEY: SECRET,
        EMAIL_BACKEND: 'sendmail',
        EMAIL_PORT: '70000',
        EMAIL_HOST: 'smtp.example.com\r\nX: y',
        DEFAULT_FROM_EMAIL: 'Latchkey <no-reply@example.com>',
        EMAIL_HOST_PASSWORD: 'hunter2-mail',
        PASSWORD_RESET_TIMEOUT: '0',
        AUTH_PASSWORD_VALIDATORS: 'MinimumLengthValidator:min_length=0,ZxcvbnValidator',
      }),
    );
    expect(problems).toEqual([
      'EMAIL_BACKEND: expected console, file, smtp, got "sendmail"',
      'PASSWORD_RESET_TIMEOUT: expected a positive whole number, got 0',
      'EMAIL_PORT: expected a port number, got 70000',
      'EMAIL_HOST: expected a host name or address, got "smtp.example.com\\r\\nX: y"',
      'DEFAULT_FROM_EMAIL: must be one plain address such as webmaster@example.com',
      'EMAIL_HOST_USER: must be set when EMAIL_HOST_PASSWORD is',
      'AUTH_PASSWORD_VALIDATORS: MinimumLengthValidator: min_length must be a whole number from 1 to 9999',
      expect.stringMatching(/^AUTH_PASSWORD_VALIDATORS: unknown validator "ZxcvbnValidator"/),
    ]);
    expect(problems.join('\n')).not.toContain('hunter2');
    expect(refusals(() => defineSettings({ SECRET_KEY: SECRET, EMAIL_BACKEND: 'file' }))).toEqual([
      'EMAIL_FILE_PATH: must be set with EMAIL_BACKEND=file',
    ]);
  });
});
