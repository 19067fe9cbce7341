import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  CSRF_TOKEN_LENGTH,
  checkTokenFormat,
  doesTokenMatch,
  generateCsrfSecret,
  isValidSecret,
  maskSecret,
  parseCsrfCookie,
  unmaskToken,
} from './tokens.js';

// Django's test vectors (tests/csrf_tests/tests.py).
const TEST_SECRET = 'lcccccccX2kcccccccY2jcccccccssIC';
const MASKED_TEST_SECRET1 = '1bcdefghij2bcdefghij3bcdefghij4bcdefghij5bcdefghij6bcdefghijABCD';
const MASKED_TEST_SECRET2 = '2JgchWvM1tpxT2lfz9aydoXW9yT1DN3NdLiejYxOOlzzV4nhBbYqmqZYbAV3V5Bf';

const secretArb = fc.stringMatching(/^[a-zA-Z0-9]{32}$/);

describe('secrets', () => {
  test('a new secret is 32 characters of [a-zA-Z0-9] and differs every time', () => {
    const secrets = new Set(Array.from({ length: 50 }, () => generateCsrfSecret()));
    expect(secrets.size).toBe(50);
    for (const secret of secrets) expect(secret).toMatch(/^[a-zA-Z0-9]{32}$/);
  });

  test('isValidSecret accepts only 32 characters of [a-zA-Z0-9]', () => {
    expect(isValidSecret(TEST_SECRET)).toBe(true);
    for (const bad of [MASKED_TEST_SECRET1, `${TEST_SECRET.slice(1)}!`, '', TEST_SECRET.slice(1), null, 42]) {
      expect(isValidSecret(bad)).toBe(false);
    }
  });
});

describe('masking (BREACH)', () => {
  test.each([
    [TEST_SECRET, MASKED_TEST_SECRET1],
    [TEST_SECRET, MASKED_TEST_SECRET2],
    ['a'.repeat(32), 'vFioG3XOLyGyGsPRFyB9iYUs341ufzIEvFioG3XOLyGyGsPRFyB9iYUs341ufzIE'],
    ['a'.repeat(32), 'a'.repeat(64)],
    ['a'.repeat(32), 'b'.repeat(64)],
    ['b'.repeat(32), 'a'.repeat(32) + 'b'.repeat(32)],
    ['b'.repeat(32), 'b'.repeat(32) + 'c'.repeat(32)],
    ['c'.repeat(32), 'a'.repeat(32) + 'c'.repeat(32)],
  ])("unmasks Django's token to %s", (secret, token) => {
    expect(unmaskToken(token)).toBe(secret);
  });

  test('masking the same secret twice gives two different tokens that both unmask to it', () => {
    const first = maskSecret(TEST_SECRET);
    const second = maskSecret(TEST_SECRET);
    expect(first).not.toBe(second);
    expect(first).toMatch(/^[a-zA-Z0-9]{64}$/);
    expect([unmaskToken(first), unmaskToken(second)]).toEqual([TEST_SECRET, TEST_SECRET]);
  });

  test('the masked token does not contain the secret', () => {
    expect(maskSecret('a'.repeat(32)).slice(32)).not.toBe('a'.repeat(32));
  });

  test('maskSecret refuses a non-secret without echoing it', () => {
    expect(() => maskSecret('not-a-secret')).toThrow(new TypeError('maskSecret: not a CSRF secret'));
  });

  test('property: mask then unmask returns any secret', () => {
    fc.assert(
      fc.property(secretArb, (secret) => {
        const token = maskSecret(secret);
        expect(token).toHaveLength(CSRF_TOKEN_LENGTH);
        expect(unmaskToken(token)).toBe(secret);
        expect(doesTokenMatch(token, secret)).toBe(true);
      }),
    );
  });

  test('property: unmaskToken and parseCsrfCookie never throw on garbage', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.anything()), (garbage) => {
        const secret = unmaskToken(garbage);
        expect(secret === null || isValidSecret(secret)).toBe(true);
        const parsed = parseCsrfCookie(typeof garbage === 'string' ? garbage : null);
        expect(parsed === null || isValidSecret(parsed)).toBe(true);
      }),
    );
  });
});

describe("token format (Django's _check_token_format)", () => {
  test.each([
    ['a'.repeat(16), 'has incorrect length'],
    ['', 'has incorrect length'],
    ['a'.repeat(65), 'has incorrect length'],
    ['*'.repeat(64), 'has invalid characters'],
    [`${'a'.repeat(31)}é`, 'has invalid characters'],
    [TEST_SECRET, null],
    [MASKED_TEST_SECRET1, null],
  ])('%s → %s', (value, problem) => {
    expect(checkTokenFormat(value)).toBe(problem);
  });
});

describe('parseCsrfCookie', () => {
  test('a 32-character cookie is the secret', () => {
    expect(parseCsrfCookie(TEST_SECRET)).toBe(TEST_SECRET);
  });

  test('a 64-character cookie (Django before 4.1 masked it) is unmasked', () => {
    expect(parseCsrfCookie(MASKED_TEST_SECRET1)).toBe(TEST_SECRET);
  });

  test.each([
    ['empty', ''],
    ['too short', 'badvalue'],
    ['oversized', 'x'.repeat(100_000)],
    ['bad characters', `!@#${MASKED_TEST_SECRET2}`.slice(0, 64)],
    ['missing', null],
    ['undefined', undefined],
  ])('a %s cookie is no secret', (_, value) => {
    expect(parseCsrfCookie(value)).toBeNull();
  });
});

describe('doesTokenMatch', () => {
  test('masked tokens and the bare secret match; others do not', () => {
    expect(doesTokenMatch(MASKED_TEST_SECRET1, TEST_SECRET)).toBe(true);
    expect(doesTokenMatch(MASKED_TEST_SECRET2, TEST_SECRET)).toBe(true);
    expect(doesTokenMatch(TEST_SECRET, TEST_SECRET)).toBe(true);
    expect(doesTokenMatch('a'.repeat(64), TEST_SECRET)).toBe(false);
    expect(doesTokenMatch(maskSecret(generateCsrfSecret()), TEST_SECRET)).toBe(false);
    expect(doesTokenMatch('*'.repeat(64), TEST_SECRET)).toBe(false);
  });
});
