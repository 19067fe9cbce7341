import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  normalizeEmail,
  normalizeUsername,
  parseUsername,
  USERNAME_RULE,
  usernameProblem,
} from './normalize.js';

describe('username normalisation and validation', () => {
  test('compatibility forms collapse to one spelling', () => {
    expect(normalizeUsername('\uFB01ona')).toBe('fiona');
    expect(normalizeUsername('\uFF21\uFF4C\uFF49\uFF43\uFF45')).toBe('Alice');
    expect(normalizeUsername('e\u0301')).toBe('\u00E9');
    expect(parseUsername('\u2460bob')).toBe('1bob');
  });

  test('normalising twice changes nothing, so creation and lookup always agree', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (name) => {
        const once = normalizeUsername(name);
        expect(normalizeUsername(once)).toBe(once);
        const parsed = parseUsername(name);
        if (parsed !== null) expect(parseUsername(parsed)).toBe(parsed);
      }),
    );
  });

  test('every control character is refused', () => {
    for (let code = 0; code < 0x20; code += 1) {
      expect(usernameProblem(`a${String.fromCharCode(code)}b`)).toBe(USERNAME_RULE);
    }
    expect(usernameProblem('a\u007Fb')).toBe(USERNAME_RULE);
    expect(usernameProblem('a\u0085b')).toBe(USERNAME_RULE);
  });

  test('length counts characters, not UTF-16 units', () => {
    expect(usernameProblem('\u{1D400}'.repeat(150))).toBeNull();
    expect(usernameProblem('\u{1D400}'.repeat(151))).toMatch(/at most 150/);
    expect(usernameProblem('')).toBe('A username is required.');
  });
});

describe('email normalisation', () => {
  test('the domain is lower-cased and the local part kept', () => {
    expect(normalizeEmail('Alice.Smith@Example.COM')).toBe('Alice.Smith@example.com');
    expect(normalizeEmail(' "a@b"@EXAMPLE.org ')).toBe('"a@b"@example.org');
    expect(normalizeEmail('no-at-sign')).toBe('no-at-sign');
  });
});
