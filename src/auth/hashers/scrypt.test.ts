import { describe, expect, test } from 'vitest';
import { ConfigurationError } from '../../core/errors.js';
import { PasswordHashingError } from './hasher.js';
import { createScryptHasher } from './scrypt.js';

/** Cheap parameters for tests that hash many times. */
const cheap = createScryptHasher({ workFactor: 2 ** 10, blockSize: 8, parallelism: 1 });
const django = createScryptHasher();

describe('scrypt hasher', () => {
  test('writes N, salt, r, p and a 64-byte hash in Django’s field order, and verifies it', async () => {
    const encoded = await cheap.encode('lètmein', cheap.salt());
    expect(encoded).toMatch(/^scrypt\$1024\$[A-Za-z0-9]{22}\$8\$1\$[A-Za-z0-9+/]{86}==$/);
    expect(await cheap.verify('lètmein', encoded)).toBe(true);
    expect(await cheap.verify('lètmeinz', encoded)).toBe(false);
    const blank = await cheap.encode('', cheap.salt());
    expect(await cheap.verify('', blank)).toBe(true);
    expect(await cheap.verify(' ', blank)).toBe(false);
  });

  test('mustUpdate when N, r or p differ (Django test_scrypt_upgrade), or the salt is weak', async () => {
    const stored = await cheap.encode('lètmein', cheap.salt());
    expect(cheap.mustUpdate(stored)).toBe(false);
    expect(createScryptHasher({ workFactor: 2 ** 11, parallelism: 1 }).mustUpdate(stored)).toBe(true);
    expect(
      createScryptHasher({ workFactor: 2 ** 10, blockSize: 10, parallelism: 1 }).mustUpdate(stored),
    ).toBe(true);
    expect(createScryptHasher({ workFactor: 2 ** 10, parallelism: 2 }).mustUpdate(stored)).toBe(true);
    expect(cheap.mustUpdate(await cheap.encode('lètmein', 'seasalt'))).toBe(true);
  });

  test('safeSummary reports N, r and p with salt and hash masked (Django test_scrypt_decode)', () => {
    const stored =
      'scrypt$16384$seasalt$8$5$ECMIUp+LMxMSK8xB/IVyba+KYGTI7FTnet025q/1f/vBAVnnP3hdYqJuRi+mJn6ji6ze3Fbb7JEFPKGpuEf5vw==';
    expect(django.safeSummary(stored)).toEqual({
      algorithm: 'scrypt',
      workFactor: 16384,
      blockSize: 8,
      parallelism: 5,
      salt: 'seasal*',
      hash: `ECMIUp${'*'.repeat(82)}`,
    });
  });

  test('a value needing more than maxmem (Django’s 32 MiB) is refused unless maxmem is raised', async () => {
    // 128 · N · r = 64 MiB: Django (maxmem=0, OpenSSL's 32 MiB) cannot verify it either.
    const big = createScryptHasher({ workFactor: 2 ** 16, parallelism: 1, maxmem: 80 * 1024 * 1024 });
    const encoded = await big.encode('lètmein', big.salt());
    expect(await django.verify('lètmein', encoded)).toBe(false);
    expect(await big.verify('lètmein', encoded)).toBe(true);
  });

  const good = 'scrypt$1024$seasaltseasaltseasalt12$8$1$AAAA';
  test.each([
    '',
    'scrypt',
    'scrypt$',
    good.replace('$1024$', '$1000$'),
    good.replace('$1024$', '$1$'),
    good.replace('$1024$', '$01024$'),
    good.replace('$8$1$', '$0$1$'),
    good.replace('$8$1$', '$8$0$'),
    good.replace('$seasaltseasaltseasalt12$', '$$'),
    good.replace('$AAAA', '$'),
    good.replace('$AAAA', '$AA-A'),
    `${good}$extra`,
    'scrypt$1024$salt$8$AAAA',
  ])('malformed value %j: verify is false, mustUpdate true, no summary', async (encoded) => {
    expect(await cheap.verify('lètmein', encoded)).toBe(false);
    expect(cheap.mustUpdate(encoded)).toBe(true);
    expect(cheap.safeSummary(encoded)).toBeNull();
  });

  test('encode refuses an empty salt or one containing "$"', async () => {
    for (const salt of ['', 'sea$salt'])
      await expect(cheap.encode('hunter2', salt)).rejects.toBeInstanceOf(PasswordHashingError);
  });

  test('options are validated when the hasher is created', () => {
    expect(() => createScryptHasher({ workFactor: 1000 })).toThrow(ConfigurationError);
    expect(() => createScryptHasher({ blockSize: 0 })).toThrow(/scrypt\.blockSize/);
    expect(() => createScryptHasher({ parallelism: 0 })).toThrow(/scrypt\.parallelism/);
    expect(() => createScryptHasher({ workFactor: 2 ** 16 })).toThrow(/scrypt\.maxmem/);
  });
});
