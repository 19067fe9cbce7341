import { createHash, createHmac } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createManualClock } from './clock.js';
import { BadSignatureError, SignatureExpiredError } from './errors.js';
import {
  b62Decode,
  b62Encode,
  b64Decode,
  b64Encode,
  constantTimeEquals,
  dumps,
  loads,
  Signer,
  saltedHmac,
  TimestampSigner,
} from './signing.js';

// Django's default salts: `Signer.salt` is "<module>.<class>"; `dumps`/`loads` use "django.core.signing".
const DJANGO_SIGNER_SALT = 'django.core.signing.Signer';
const DJANGO_TIMESTAMP_SALT = 'django.core.signing.TimestampSigner';
const SECRET = 'a-test-secret-that-is-long-enough-for-production-use-1234';

/** Asserts `fn` throws exactly a BadSignatureError (or a subclass). */
function expectBadSignature(fn: () => unknown): void {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(BadSignatureError);
}

describe('compatibility with django.core.signing (known answers)', () => {
  test('salted_hmac sha256 matches tests/utils_tests/test_crypto.py', () => {
    // Django's test settings use SECRET_KEY = "django_tests_secret_key".
    expect(saltedHmac('salt', 'value', 'django_tests_secret_key').toString('hex')).toBe(
      'ee0bf789e4e009371a5372c90f73fcf17695a8439c9108b0480f14e347b3f9ec',
    );
  });

  test.each([':', '/', '*sep*', ','])(
    'Signer signs "foo" as tests/signing/tests.py expects (sep %s)',
    (sep) => {
      const signer = new Signer({ secret: 'predictable-secret', salt: DJANGO_SIGNER_SALT, sep });
      const signed = signer.sign('foo');
      expect(signed).toBe(`foo${sep}jZQoX_FtSO70jX9HLRGg2A_2s4kdDBxz1QoO_OpEQb0`);
      expect(signer.unsign(signed)).toBe('foo');
    },
  );

  test('the compressed payload of dumps(list(range(1, 20)), compress=True) matches Django`s docstring', () => {
    // django/core/signing.py module docstring; the payload before the first ":" is key-independent.
    const token = dumps(
      Array.from({ length: 19 }, (_, i) => i + 1),
      { secret: SECRET, salt: 'django.core.signing', compress: true },
    );
    expect(token.split(':')[0]).toBe('.eJwFwcERACAIwLCF-rCiILN47r-GyZVJsNgkxaFxoDgxcOHGxMKD_T7vhAml');
  });

  test('the payload of dumps("hello") matches Django`s docstring', () => {
    expect(dumps('hello', { secret: SECRET, salt: 'django.core.signing' }).split(':')[0]).toBe('ImhlbGxvIg');
  });

  // Django's tests have no literal sha256 vectors for TimestampSigner or dumps, so these were computed
  // independently with Python's standard library (hashlib, hmac, json, zlib, base64), transcribing
  // django/core/signing.py (b62_encode, salted_hmac, Signer.sign, TimestampSigner.sign, sign_object) line by line.
  test('TimestampSigner at Django`s frozen time 123456789 gives the independently computed value', () => {
    const signer = new TimestampSigner({
      secret: 'predictable-key',
      salt: DJANGO_TIMESTAMP_SALT,
      clock: createManualClock(123_456_789_000),
    });
    expect(signer.sign('hello')).toBe('hello:8M0kX:0pJB1_TN9Bno2aK29thnZKKHn76ngzcQVnIrp_DNs5M');
  });

  test('dumps escapes non-ASCII as Python`s json.dumps does, giving Django`s exact token', () => {
    const clock = createManualClock(1_767_225_600_000);
    const value = { text: 'h\u00e9llo \u{1F40D}', n: [1, 2, 3], del: '\x7f' };
    const token = dumps(value, { secret: 'django-insecure-test-key', salt: 'latchkey.test', clock });
    expect(token).toBe(
      'eyJ0ZXh0IjoiaFx1MDBlOWxsbyBcdWQ4M2RcdWRjMGQiLCJuIjpbMSwyLDNdLCJkZWwiOiJcdTAwN2YifQ:1vb66i:U5-oz-an11OgUQ1c_HnHjgXKUpW9AYd-tE4U79HUSBY',
    );
    expect(loads(token, { secret: 'django-insecure-test-key', salt: 'latchkey.test' })).toEqual(value);
  });

  test('compressed dumps gives the independently computed Django token', () => {
    const clock = createManualClock(1_767_225_600_000);
    const token = dumps(
      { cart: Array.from({ length: 30 }, () => 'apple') },
      { secret: 'django-insecure-test-key', salt: 'latchkey.test', compress: true, clock },
    );
    expect(token).toBe(
      '.eJyrVkpOLCpRsopWSiwoyElV0hkhdGwtAKpOTuk:1vb66i:Cib3seZaIg-MJOvi46ILfpMzEKrS9nydnGs80DiiASk',
    );
  });

  test('Signer.signature follows salted_hmac step by step (node:crypto recomputation)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string({ minLength: 1 }), (salt, value, secret) => {
        // salted_hmac: key = sha256(key_salt + secret); hmac(key, value, sha256); base64url, no padding.
        const key = createHash('sha256').update(`${salt}signer${secret}`).digest();
        const expected = createHmac('sha256', key).update(value).digest('base64url');
        expect(new Signer({ secret, salt }).sign(value)).toBe(`${value}:${expected}`);
      }),
    );
  });
});

describe('Signer', () => {
  const signer = new Signer({ secret: SECRET, salt: 'latchkey.test' });

  test('sign then unsign returns the value, separators and unicode included', () => {
    for (const value of ['', 'q;wjmbk;wkmb', '3098247:529:087:', 'jkw osanteuh ,rcuh', '\u2019', '🐍']) {
      const signed = signer.sign(value);
      expect(signed).not.toBe(value);
      expect(signer.unsign(signed)).toBe(value);
    }
  });

  test.each([
    ['upper-cased', (s: string) => s.toUpperCase()],
    ['appended to', (s: string) => `${s}a`],
    ['value changed', (s: string) => `B${s.slice(1)}`],
    ['separator removed', (s: string) => s.replace(':', '')],
    ['signature truncated', (s: string) => s.slice(0, -1)],
    ['signature removed', (s: string) => s.slice(0, s.lastIndexOf(':') + 1)],
    ['empty', () => ''],
    ['unicode signature', (s: string) => `${s.slice(0, -1)}é`],
    ['signature of another value', (s: string) => `Other${s.slice(s.indexOf(':'))}`],
  ])('tampering (%s) throws BadSignatureError', (_name, tamper) => {
    const signed = signer.sign('Another string');
    expect(signer.unsign(signed)).toBe('Another string');
    expectBadSignature(() => signer.unsign(tamper(signed)));
  });

  test('refuses separators made only of URL-safe base64 characters, as Django does', () => {
    for (const sep of ['', '-', 'abc', '=', '_']) {
      expect(() => new Signer({ secret: SECRET, salt: 's', sep })).toThrow(TypeError);
    }
  });

  test('salts separate purposes', () => {
    const signed = new Signer({ secret: SECRET, salt: 'one' }).sign('hello');
    expectBadSignature(() => new Signer({ secret: SECRET, salt: 'two' }).unsign(signed));
  });

  test('rotation: an old key verifies while listed in fallbacks, and not once removed', () => {
    const old = new Signer({ secret: 'old-secret', salt: 's' });
    const signedWithOld = old.sign('abc');
    const rotated = new Signer({
      secret: 'new-secret',
      fallbacks: ['other-secret', 'old-secret'],
      salt: 's',
    });
    expect(rotated.unsign(signedWithOld)).toBe('abc');
    const removed = new Signer({ secret: 'new-secret', fallbacks: ['other-secret'], salt: 's' });
    expectBadSignature(() => removed.unsign(signedWithOld));
  });

  test('rotation: new signatures use the current key, never a fallback', () => {
    const rotated = new Signer({ secret: 'new-secret', fallbacks: ['old-secret'], salt: 's' });
    const signed = rotated.sign('abc');
    expect(new Signer({ secret: 'new-secret', salt: 's' }).unsign(signed)).toBe('abc');
    expectBadSignature(() => new Signer({ secret: 'old-secret', salt: 's' }).unsign(signed));
  });

  test('a bad signature message never contains the value, the signature or a key', () => {
    const signed = new Signer({ secret: 'another-key', salt: 's' }).sign('private-value');
    try {
      new Signer({ secret: SECRET, salt: 's' }).unsign(signed);
      expect.unreachable();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).not.toContain('private-value');
      expect(message).not.toContain(signed.slice(signed.lastIndexOf(':') + 1));
      expect(message).not.toContain(SECRET);
    }
  });
});

describe('TimestampSigner', () => {
  test('expires only after maxAge seconds on the injected clock', () => {
    const clock = createManualClock();
    const signer = new TimestampSigner({ secret: SECRET, salt: 'reset', clock });
    const signed = signer.sign('42');
    clock.advance(10_000);
    expect(signer.unsign(signed, { maxAge: 10 })).toBe('42');
    clock.advance(1_000);
    expect(() => signer.unsign(signed, { maxAge: 10 })).toThrow(SignatureExpiredError);
    expect(signer.unsign(signed, { maxAge: 11 })).toBe('42');
    expect(signer.unsign(signed)).toBe('42');
  });

  test('an expired signature is still a BadSignatureError, with its own code', () => {
    const clock = createManualClock();
    const signer = new TimestampSigner({ secret: SECRET, salt: 'reset', clock });
    const signed = signer.sign('42');
    clock.advance(60_000);
    try {
      signer.unsign(signed, { maxAge: 1 });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(BadSignatureError);
      expect((error as SignatureExpiredError).code).toBe('LATCHKEY_SIGNATURE_EXPIRED');
    }
  });

  test('a NaN maxAge is refused instead of accepting every age', () => {
    const clock = createManualClock();
    const signer = new TimestampSigner({ secret: SECRET, salt: 'reset', clock });
    const signed = signer.sign('42');
    clock.advance(10 ** 9);
    expect(() => signer.unsign(signed, { maxAge: Number.NaN })).toThrow(TypeError);
  });

  test('a plain Signer value without a timestamp is refused', () => {
    const plain = new Signer({ secret: SECRET, salt: 'reset' }).sign('42');
    expectBadSignature(() => new TimestampSigner({ secret: SECRET, salt: 'reset' }).unsign(plain));
  });
});

describe('dumps and loads', () => {
  const keys = { secret: SECRET, salt: 'latchkey.test' };
  const values: unknown[] = [
    ['a', 'list'],
    'a string \u2019',
    { a: 'dictionary' },
    42,
    null,
    true,
    { deep: [{}] },
  ];

  test('round-trip with and without compression', () => {
    for (const value of values) {
      expect(loads(dumps(value, keys), keys)).toEqual(value);
      expect(loads(dumps(value, { ...keys, compress: true }), keys)).toEqual(value);
    }
  });

  test('compresses only when that makes the token shorter', () => {
    expect(dumps('x', { ...keys, compress: true }).startsWith('.')).toBe(false);
    const big = { data: 'abc'.repeat(200) };
    const compressed = dumps(big, { ...keys, compress: true });
    expect(compressed.startsWith('.')).toBe(true);
    expect(compressed.length).toBeLessThan(dumps(big, keys).length);
  });

  test('compressMinBytes leaves shorter JSON uncompressed, and loads reads both', () => {
    const big = { data: 'abc'.repeat(200) }; // 611 bytes of JSON
    const plain = dumps(big, { ...keys, compress: true, compressMinBytes: 612 });
    expect(plain.startsWith('.')).toBe(false);
    expect(dumps(big, { ...keys, compress: true, compressMinBytes: 611 }).startsWith('.')).toBe(true);
    expect(loads(plain, keys)).toEqual(big);
  });

  test('saltedHmac keeps matching a fresh derivation for every salt and secret', () => {
    const expected = (salt: string, value: string, secret: string): string => {
      const key = createHash('sha256')
        .update(salt + secret)
        .digest();
      return createHmac('sha256', key).update(value).digest('hex');
    };
    for (let round = 0; round < 2; round++)
      for (let i = 0; i < 300; i++) {
        // More pairs than the derived-key cache holds, twice: evictions never change a result.
        const salt = `salt-${i % 7}`;
        const secret = `secret-${i}`;
        expect(saltedHmac(salt, 'value', secret).toString('hex')).toBe(expected(salt, 'value', secret));
      }
    // Django derives from the plain concatenation, so ("ab", "c") and ("a", "bc") share a key here too.
    expect(saltedHmac('ab', 'v', 'c').equals(saltedHmac('a', 'v', 'bc'))).toBe(true);
  });

  test('a value dumped with one salt does not load with another', () => {
    const token = dumps({ user: 42 }, { secret: SECRET, salt: 'A' });
    expectBadSignature(() => loads(token, { secret: SECRET, salt: 'B' }));
  });

  test('loads accepts a fallback key and refuses once it is dropped', () => {
    const token = dumps({ user: 42 }, { secret: 'old-secret', salt: 's' });
    expect(loads(token, { secret: 'new-secret', fallbacks: ['old-secret'], salt: 's' })).toEqual({
      user: 42,
    });
    expectBadSignature(() => loads(token, { secret: 'new-secret', salt: 's' }));
  });

  test('maxAge expiry with a manual clock', () => {
    const clock = createManualClock();
    const token = dumps({ user: 42 }, { ...keys, clock });
    clock.advance(3_600_000);
    expect(loads(token, { ...keys, clock, maxAge: 3600 })).toEqual({ user: 42 });
    clock.advance(1_000);
    expect(() => loads(token, { ...keys, clock, maxAge: 3600 })).toThrow(SignatureExpiredError);
  });

  test('refuses a signed zip bomb larger than maxSize', () => {
    const bomb = JSON.stringify('a'.repeat(2 * 1024 * 1024));
    const deflated = deflateSync(Buffer.from(bomb));
    expect(deflated.length).toBeLessThan(10_000);
    const token = new TimestampSigner(keys).sign(`.${b64Encode(deflated)}`);
    expectBadSignature(() => loads(token, keys));
    expectBadSignature(() => loads(token, { ...keys, maxSize: 1024 }));
    expect(loads(token, { ...keys, maxSize: 3 * 1024 * 1024 })).toHaveLength(2 * 1024 * 1024);
  });

  test('signed garbage (not base64, not zlib, not JSON) throws BadSignatureError', () => {
    const signer = new TimestampSigner(keys);
    for (const payload of [
      'not base64!',
      `.${b64Encode(Buffer.from('not zlib'))}`,
      b64Encode(Buffer.from('{no')),
    ]) {
      expectBadSignature(() => loads(signer.sign(payload), keys));
    }
  });

  test('arbitrary strings never throw anything but BadSignatureError', () => {
    const token = dumps({ a: 1 }, { ...keys, compress: true });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.constantFrom(`.${token}`, `${token}é`, '🐍:🐍:🐍', 'a:\ud800', '\u0000:0:0'),
        ),
        (input) => {
          try {
            loads(input, keys);
          } catch (error) {
            expect(error).toBeInstanceOf(BadSignatureError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  test('changing any one character of a token makes it fail verification', () => {
    const token = dumps({ user: 42 }, { ...keys, compress: true });
    fc.assert(
      fc.property(
        fc.nat(token.length - 1),
        fc.oneof(fc.string({ minLength: 1, maxLength: 2 }), fc.constantFrom('é', '🐍', '\ud800')),
        (at, char) => {
          const tampered = token.slice(0, at) + char + token.slice(at + 1);
          fc.pre(tampered !== token);
          expectBadSignature(() => loads(tampered, keys));
        },
      ),
      { numRuns: 500 },
    );
  });

  test('a value JSON cannot represent is refused at dumps', () => {
    expect(() => dumps(undefined, keys)).toThrow(TypeError);
  });
});

describe('base64 and base62', () => {
  test('b62 encodes known values and round-trips Django`s test range', () => {
    expect(b62Encode(0)).toBe('0');
    expect(b62Encode(61)).toBe('z');
    expect(b62Encode(62)).toBe('10');
    expect(b62Encode(123_456_789)).toBe('8M0kX');
    expect(b62Encode(1_620_378_259)).toBe('1lewPD');
    expect(b62Encode(-(10 ** 10))).toBe('-Aukyoa');
    for (const n of [-(10 ** 10), 10 ** 10, 1_620_378_259]) expect(b62Decode(b62Encode(n))).toBe(n);
    for (let n = -100; n < 100; n++) expect(b62Decode(b62Encode(n))).toBe(n);
  });

  test('b62Decode returns null on anything outside the alphabet', () => {
    for (const text of ['', '-', 'a b', '1.5', 'é', '+1']) expect(b62Decode(text)).toBeNull();
  });

  test('b64 is URL-safe without padding and decodes with or without it', () => {
    const bytes = Buffer.from([0xfb, 0xff, 0xfe]);
    expect(b64Encode(bytes)).toBe('-__-');
    expect(b64Encode(Buffer.from('a'))).toBe('YQ');
    expect(b64Decode('YQ')?.toString()).toBe('a');
    expect(b64Decode('YQ==')?.toString()).toBe('a');
    expect(b64Decode('a+b/')).toBeNull();
    expect(b64Decode('not base64!')).toBeNull();
  });

  test('constantTimeEquals compares content and length', () => {
    expect(constantTimeEquals('spam', 'spam')).toBe(true);
    expect(constantTimeEquals('spam', 'eggs')).toBe(false);
    expect(constantTimeEquals('spam', 'spam!')).toBe(false);
    expect(constantTimeEquals('é', 'e\u0301')).toBe(false);
  });
});
