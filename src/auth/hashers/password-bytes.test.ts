/** Passwords are any string, hashed as its UTF-8 bytes, in every format. */
import { describe, expect, test } from 'vitest';
import { createArgon2Hasher } from './argon2.js';
import { createBcryptSha256Hasher } from './bcrypt.js';
import { makePassword } from './passwords.js';
import { createPbkdf2Hasher } from './pbkdf2.js';
import { createScryptHasher } from './scrypt.js';

describe('passwords as any string', () => {
  const hashers = [
    createPbkdf2Hasher({ iterations: 1000 }),
    createArgon2Hasher({ memoryCost: 64, timeCost: 1 }),
    createBcryptSha256Hasher({ rounds: 4 }),
    createScryptHasher({ workFactor: 2 ** 10, parallelism: 1 }),
  ];

  test.each(hashers.map((hasher) => [hasher.algorithm, hasher] as const))(
    '%s: NUL bytes, emoji and combining marks round-trip, and near misses fail',
    async (_, hasher) => {
      const cases: Array<[string, string[]]> = [
        ['a\0b', ['a', 'ab', 'a\0', 'b\0a']],
        ['\0x', ['x', '']],
        ['🔑 clé', ['🔑 cle', '🔑']],
        ['e\u0301', ['é']], // NFD is not NFC: Django does not normalise passwords either.
        ['x'.repeat(1000), ['x'.repeat(999)]],
      ];
      for (const [password, others] of cases) {
        const encoded = await makePassword(password, { hasher });
        expect(await hasher.verify(password, encoded)).toBe(true);
        for (const other of others) expect(await hasher.verify(other, encoded)).toBe(false);
      }
    },
  );
});

describe('HMAC-based formats, as in Django', () => {
  // PBKDF2 (and scrypt, which starts with PBKDF2) keys HMAC with the password, and HMAC pads short
  // keys with zero bytes (RFC 2104 §2): a trailing NUL changes nothing. Django's pbkdf2_sha256 and
  // scrypt values behave the same, so matching them means keeping this; argon2 and bcrypt_sha256 do not.
  test.each([
    ['pbkdf2_sha256', true],
    ['scrypt', true],
    ['argon2', false],
    ['bcrypt_sha256', false],
  ] as const)('%s: a password with a trailing NUL matches the one without: %s', async (algorithm, same) => {
    const hasher = {
      pbkdf2_sha256: createPbkdf2Hasher({ iterations: 1000 }),
      scrypt: createScryptHasher({ workFactor: 2 ** 10, parallelism: 1 }),
      argon2: createArgon2Hasher({ memoryCost: 64, timeCost: 1 }),
      bcrypt_sha256: createBcryptSha256Hasher({ rounds: 4 }),
    }[algorithm];
    const encoded = await makePassword('secret', { hasher });
    expect(await hasher.verify('secret\0', encoded)).toBe(same);
  });
});
