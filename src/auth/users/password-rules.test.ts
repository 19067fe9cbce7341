import { describe, expect, test } from 'vitest';
import { MIN_PASSWORD_LENGTH, passwordProblems } from './password-rules.js';
import { minimumLengthValidator } from './password-validators.js';

describe('password rules (Django’s four validators by default)', () => {
  test('a long password unlike the username passes', async () => {
    expect(await passwordProblems('correct horse battery', { username: 'alice' })).toEqual([]);
  });

  test('an empty password is refused with one clear reason', async () => {
    expect(await passwordProblems('', { username: 'alice' })).toEqual(['The password must not be empty.']);
  });

  test(`a password under ${MIN_PASSWORD_LENGTH} characters is refused`, async () => {
    expect(await passwordProblems('qzv8wk')).toEqual([
      'This password is too short. It must contain at least 8 characters.',
    ]);
  });

  test('every default rule is applied, in Django’s order', async () => {
    expect(await passwordProblems('alice', { username: 'alice' })).toEqual([
      'The password is too similar to the username.',
      'This password is too short. It must contain at least 8 characters.',
      'This password is too common.',
    ]);
    expect(await passwordProblems('20260501')).toEqual(['This password is entirely numeric.']);
    expect(await passwordProblems('sunshine')).toEqual(['This password is too common.']);
    expect(await passwordProblems('smithbob', { username: 'bob', email: 'bob.smith@example.com' })).toEqual([
      'The password is too similar to the email address.',
    ]);
  });

  test('the rules can be replaced', async () => {
    const validators = [minimumLengthValidator({ minLength: 20 })];
    expect(await passwordProblems('sunshine', { validators })).toEqual([
      'This password is too short. It must contain at least 20 characters.',
    ]);
  });

  test('messages never repeat the password', async () => {
    for (const problem of await passwordProblems('secret', { username: 'secret' })) {
      expect(problem).not.toContain('secret');
    }
  });
});
