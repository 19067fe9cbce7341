import { describe, expect, test } from 'vitest';
import { ConfigurationError } from '../../core/errors.js';
import { createArgon2Hasher } from './argon2.js';
import { PasswordHashingError } from './hasher.js';

const owasp = createArgon2Hasher();
/** Cheap parameters for tests that hash many times. */
const cheap = createArgon2Hasher({ memoryCost: 64, timeCost: 1, parallelism: 1 });
const salt = 'abcdefghijklmnopqrstuv';

describe('argon2 hasher', () => {
  test('writes argon2id with OWASP parameters in Django format and verifies it', async () => {
    const encoded = await owasp.encode('lètmein', salt);
    expect(encoded).toMatch(
      /^argon2\$argon2id\$v=19\$m=19456,t=2,p=1\$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dg\$[A-Za-z0-9+/]{43}$/,
    );
    expect(await owasp.verify('lètmein', encoded)).toBe(true);
    expect(await owasp.verify('lètmeinz', encoded)).toBe(false);
    expect(owasp.mustUpdate(encoded)).toBe(false);
  });

  test('blank passwords hash and verify; a space is another password', async () => {
    const blank = await cheap.encode('', cheap.salt());
    expect(await cheap.verify('', blank)).toBe(true);
    expect(await cheap.verify(' ', blank)).toBe(false);
  });

  test('mustUpdate when any parameter differs from the hasher’s (Django test_argon2_upgrade)', async () => {
    const base = { memoryCost: 64, timeCost: 1, parallelism: 1 } as const;
    const stored = await cheap.encode('letmein', salt);
    expect(cheap.mustUpdate(stored)).toBe(false);
    for (const other of [
      { ...base, timeCost: 2 },
      { ...base, memoryCost: 128 },
      { ...base, parallelism: 2 },
      { ...base, variety: 'argon2i' as const },
      { ...base, hashLength: 16 },
    ])
      expect(createArgon2Hasher(other).mustUpdate(stored)).toBe(true);
  });

  test('mustUpdate for Argon2 1.0 values and weak salts (Django test_argon2_version_upgrade)', async () => {
    const current = await cheap.encode('lètmein', salt);
    expect(cheap.mustUpdate(current)).toBe(false);
    // Same parameters, Argon2 1.0: written as v=16, or (argon2-cffi's old format) with no v= at all.
    expect(cheap.mustUpdate(current.replace('$v=19$', '$v=16$'))).toBe(true);
    expect(cheap.mustUpdate(current.replace('$v=19$', '$'))).toBe(true);
    expect(cheap.mustUpdate(await cheap.encode('lètmein', 'iodizedsalt'))).toBe(true);
  });

  test('safeSummary reports the parameters and masks salt and hash (Django test_argon2_decode)', async () => {
    const encoded = await owasp.encode('lètmein', 'abcdefghijk');
    const hash = encoded.split('$').at(-1) ?? '';
    expect(owasp.safeSummary(encoded)).toEqual({
      algorithm: 'argon2',
      variety: 'argon2id',
      version: 19,
      memoryCost: 19456,
      timeCost: 2,
      parallelism: 1,
      salt: 'abcdef*****',
      hash: `${hash.slice(0, 6)}${'*'.repeat(hash.length - 6)}`,
    });
  });

  test('verifies values made with other parameters and varieties, argon2d included', async () => {
    for (const variety of ['argon2id', 'argon2i', 'argon2d'] as const) {
      const encoded = await createArgon2Hasher({
        variety,
        memoryCost: 32,
        timeCost: 3,
        parallelism: 2,
      }).encode('pw', salt);
      expect(await owasp.verify('pw', encoded)).toBe(true);
      expect(await owasp.verify('pW', encoded)).toBe(false);
    }
  });

  test('a salt shorter than Argon2’s 8 bytes is refused without echoing it', async () => {
    const error = await cheap.encode('hunter2', 'pepper').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PasswordHashingError);
    expect((error as PasswordHashingError).code).toBe('LATCHKEY_HASHER_BAD_SALT');
    expect((error as Error).message).not.toMatch(/hunter2|pepper/);
  });

  const good = 'argon2$argon2i$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$YC9+jJCrQhs5R6db7LlN8Q';
  test.each([
    '',
    'argon2',
    'argon2$',
    'argon2$argon2id$v=19$m=19456,t=2,p=1$$',
    good.replace('argon2i', 'argon2x'),
    good.replace('v=19', 'v=18'),
    good.replace('v=19', 'v=019'),
    good.replace('m=8', 'm=4'),
    good.replace('m=8,t=1,p=1', 'm=16,t=1,p=3'),
    good.replace('m=8', 'm=4294967295'),
    good.replace('t=1', 't=0'),
    good.replace('p=1', 'p=0'),
    good.replace('m=8,t=1', 't=1,m=8'),
    good.replace('p=1', 'p=1,keyid=AAAA'),
    good.replace('c2FsdHNhbHQ', 'c2FsdA'),
    good.replace('c2FsdHNhbHQ', 'c2FsdHNhbHQ='),
    good.replace('YC9+jJCrQhs5R6db7LlN8Q', 'YC9-jJCrQhs5R6db7LlN8Q'),
    good.replace('YC9+jJCrQhs5R6db7LlN8Q', 'YC9'),
    good.replace('YC9+jJCrQhs5R6db7LlN8Q', 'YC9+jJCrQhs5R6db7LlN8Q$x'),
    good.replace('argon2$', 'argon3$'),
  ])('malformed value %j: verify is false, mustUpdate true, no summary', async (encoded) => {
    expect(await owasp.verify('secret', encoded)).toBe(false);
    expect(owasp.mustUpdate(encoded)).toBe(true);
    expect(owasp.safeSummary(encoded)).toBeNull();
  });

  test('options are validated when the hasher is created', () => {
    expect(() => createArgon2Hasher({ memoryCost: 7 })).toThrow(ConfigurationError);
    expect(() => createArgon2Hasher({ memoryCost: 16, parallelism: 4 })).toThrow(/argon2\.memoryCost/);
    expect(() => createArgon2Hasher({ timeCost: 0 })).toThrow(/argon2\.timeCost/);
    expect(() => createArgon2Hasher({ hashLength: 2 })).toThrow(/argon2\.hashLength/);
    expect(() => createArgon2Hasher({ variety: 'argon2x' as 'argon2i' })).toThrow(/argon2\.variety/);
  });
});
