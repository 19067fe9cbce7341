import { describe, expect, test } from 'vitest';
import { generateSessionKey, isValidSessionKey, randomString, SESSION_KEY_LENGTH } from './keys.js';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

describe('generateSessionKey', () => {
  test('keys are 32 characters of [a-z0-9] and all distinct', () => {
    const keys = Array.from({ length: 1000 }, () => generateSessionKey());
    for (const key of keys) {
      expect(key).toMatch(/^[a-z0-9]{32}$/);
      expect(isValidSessionKey(key)).toBe(true);
    }
    expect(new Set(keys).size).toBe(keys.length);
    expect(SESSION_KEY_LENGTH).toBe(32);
  });

  test('every symbol is equally likely (no modulo bias)', () => {
    // 320,000 symbols: 8,889 expected each, standard deviation about 93. Plain `byte % 36` would give
    // the first four symbols 8/256 instead of 7/256 (about 10,000 each), far outside 6 deviations.
    const counts = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) {
      for (const char of generateSessionKey()) counts.set(char, (counts.get(char) ?? 0) + 1);
    }
    expect([...counts.keys()].sort().join('')).toBe([...ALPHABET].sort().join(''));
    const expected = (10_000 * 32) / 36;
    for (const count of counts.values()) expect(Math.abs(count - expected)).toBeLessThan(6 * 93);
  });
});

describe('isValidSessionKey', () => {
  test('accepts only the shape Latchkey issues', () => {
    const good = 'abcdefghijklmnopqrstuvwxyz012345';
    expect(isValidSessionKey(good)).toBe(true);
    for (const bad of [
      null,
      undefined,
      '',
      good.slice(1),
      `${good}6`,
      good.toUpperCase(),
      `${good.slice(1)}-`,
      `${good}\n`,
      `${good.slice(2)}é`,
      ' '.repeat(32),
      `${good.slice(0, 16)}'; DROP TABLE x;--`.slice(0, 32),
    ]) {
      expect(isValidSessionKey(bad)).toBe(false);
    }
  });
});

describe('randomString', () => {
  test('returns the asked length over the given alphabet', () => {
    expect(randomString(0, 'ab')).toBe('');
    expect(randomString(5, 'x')).toBe('xxxxx');
    const binary = randomString(1000, '01');
    expect(binary).toMatch(/^[01]{1000}$/);
    expect(binary).toContain('0');
    expect(binary).toContain('1');
    const all = Array.from({ length: 256 }, (_, i) => String.fromCharCode(0x100 + i)).join('');
    expect(randomString(64, all)).toHaveLength(64);
  });

  test('refuses an alphabet it cannot draw from and a length it cannot meet', () => {
    expect(() => randomString(4, '')).toThrow(RangeError);
    expect(() => randomString(4, 'a'.repeat(257))).toThrow(RangeError);
    expect(() => randomString(2.5, 'ab')).toThrow(RangeError);
    expect(() => randomString(-1, 'ab')).toThrow(RangeError);
  });
});
