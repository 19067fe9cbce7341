import { describe, expect, test } from 'vitest';
import { MIN_PASSWORD_LENGTH, passwordProblems } from './password-rules.js';

describe('minimal password rules', () => {
  test('a long password unlike the username passes', () => {
    expect(passwordProblems('correct horse battery', { username: 'alice' })).toEqual([]);
  });

  test('an empty password is refused with one clear reason', () => {
    expect(passwordProblems('', { username: 'alice' })).toEqual(['The password must not be empty.']);
  });

  test(`a password under ${MIN_PASSWORD_LENGTH} characters is refused, counting characters`, () => {
    expect(passwordProblems('short')).toEqual([
      'This password is too short. It must contain at least 8 characters.',
    ]);
    expect(passwordProblems('\u{1F511}'.repeat(7))).toHaveLength(1);
    expect(passwordProblems('\u{1F511}'.repeat(8))).toEqual([]);
    expect(passwordProblems('abcdefghij', { minLength: 12 })).toHaveLength(1);
  });

  test('the username as password is refused, whatever its case or width', () => {
    expect(passwordProblems('Alexander1', { username: 'alexander1' })).toEqual([
      'The password is the same as the username.',
    ]);
    expect(passwordProblems('\uFF41lexander1', { username: 'alexander1' })).toHaveLength(1);
  });

  test('messages never repeat the password', () => {
    for (const problem of passwordProblems('secret', { username: 'secret' })) {
      expect(problem).not.toContain('secret');
    }
  });
});
