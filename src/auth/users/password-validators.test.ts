import { describe, expect, test } from 'vitest';
import { commonPasswords, isCommonPassword } from './common-passwords.js';
import {
  commonPasswordValidator,
  minimumLengthValidator,
  numericPasswordValidator,
  passwordValidatorsFrom,
  userAttributeSimilarityValidator,
  validatePassword,
  validatorSpecProblem,
} from './password-validators.js';

describe('UserAttributeSimilarityValidator', () => {
  // Verdicts computed with Django 3.2.25's own validator (python3-django) on the same inputs.
  const django: [password: string, username: string, email: string, similarTo: string | null][] = [
    ['alice2026', 'alice', 'alice@example.com', 'username'],
    ['ecila', 'alice', '', 'username'],
    ['correct horse battery', 'alice', 'alice@example.com', null],
    ['exampleexample', 'bob', 'bob.smith@example.com', null],
    ['smithbob', 'bob', 'bob.smith@example.com', 'email address'],
    ['bobsmith!', 'bobby', '', null],
    ['testclient', 'testclient', '', 'username'],
    ['a'.repeat(50), 'a', '', null],
    ['Alexander1', 'alexander1', '', 'username'],
    ['lice', 'alice', '', 'username'],
    ['password', 'alice', 'a@b.c', null],
    ['sm1th.b0b', 'bob', 'bob.smith@example.com', null],
  ];
  test.each(django)('%s for %s <%s> gives Django’s verdict', (password, username, email, similarTo) => {
    const verdict = userAttributeSimilarityValidator().validate(password, { username, email });
    expect(verdict).toBe(similarTo === null ? null : `The password is too similar to the ${similarTo}.`);
  });

  test('a fullwidth copy of the username is as similar as the plain one (NFKC, as usernames are stored)', () => {
    expect(
      userAttributeSimilarityValidator().validate('\uFF41lexander1', { username: 'alexander1' }),
    ).not.toBe(null);
  });

  test('without a user, or with only the attributes asked for, nothing else is compared', () => {
    expect(userAttributeSimilarityValidator().validate('alice2026', null)).toBe(null);
    const onlyEmail = userAttributeSimilarityValidator({ attributes: ['email'] });
    expect(onlyEmail.validate('alice2026', { username: 'alice', email: 'x@y.z' })).toBe(null);
  });
});

describe('MinimumLengthValidator and NumericPasswordValidator', () => {
  test('length counts characters (code points), not UTF-16 units', () => {
    const rule = minimumLengthValidator();
    expect(rule.validate('\u{1F511}'.repeat(7), null)).toMatch(/at least 8 characters/);
    expect(rule.validate('\u{1F511}'.repeat(8), null)).toBe(null);
    expect(minimumLengthValidator({ minLength: 12 }).validate('abcdefghij', null)).toMatch(/at least 12/);
  });

  test('all-digit passwords are refused in any script; one letter is enough to pass', () => {
    const rule = numericPasswordValidator();
    expect(rule.validate('20260501', null)).toBe('This password is entirely numeric.');
    expect(rule.validate('٢٠٢٦٠٥٠١', null)).toBe('This password is entirely numeric.');
    expect(rule.validate('2026050a', null)).toBe(null);
  });
});

describe('CommonPasswordValidator', () => {
  test('the list is a real one of at least 20,000 passwords, loaded on first use', async () => {
    const list = await commonPasswords();
    expect(list.size).toBeGreaterThanOrEqual(20_000);
    expect(await commonPasswords()).toBe(list); // loaded once, then shared
  });

  test('matches ignore case and surrounding spaces', async () => {
    for (const password of ['password', 'PASSWORD', ' Dragon ', 'iloveyou', 'trustno1', 'qwertyuiop'])
      expect(await isCommonPassword(password)).toBe(true);
    expect(await isCommonPassword('correct horse battery staple 2026')).toBe(false);
    expect(await commonPasswordValidator().validate('Baseball', null)).toBe('This password is too common.');
  });
});

describe('AUTH_PASSWORD_VALIDATORS entries', () => {
  test('build the rules in order, with options', async () => {
    const validators = passwordValidatorsFrom([
      'MinimumLengthValidator:min_length=12',
      'NumericPasswordValidator',
      'CommonPasswordValidator',
    ]);
    expect(validators.map((v) => v.name)).toEqual([
      'MinimumLengthValidator',
      'NumericPasswordValidator',
      'CommonPasswordValidator',
    ]);
    expect(await validatePassword('12345678', { validators })).toEqual([
      'This password is too short. It must contain at least 12 characters.',
      'This password is entirely numeric.',
      'This password is too common.',
    ]);
    expect(await validatePassword('a long unusual passphrase', { validators })).toEqual([]);
  });

  test('a bad entry is named clearly', () => {
    expect(validatorSpecProblem('MinimumLengthValidator')).toBe(null);
    expect(
      validatorSpecProblem('UserAttributeSimilarityValidator:max_similarity=0.5:user_attributes=email'),
    ).toBe(null);
    expect(validatorSpecProblem('LengthValidator')).toMatch(/unknown validator "LengthValidator"/);
    expect(validatorSpecProblem('MinimumLengthValidator:min_length=x')).toMatch(/min_length must be/);
    expect(validatorSpecProblem('MinimumLengthValidator:min_length')).toMatch(/expected option=value/);
    expect(validatorSpecProblem('UserAttributeSimilarityValidator:max_similarity=0.05')).toMatch(/0\.1 to 1/);
    expect(validatorSpecProblem('UserAttributeSimilarityValidator:user_attributes=first_name')).toMatch(
      /user_attributes/,
    );
    expect(validatorSpecProblem('CommonPasswordValidator:path=x')).toMatch(/takes no options/);
    expect(() => passwordValidatorsFrom(['nope'])).toThrow(RangeError);
  });
});
