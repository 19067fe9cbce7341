import { describe, expect, test } from 'vitest';
import { ConfigurationError } from '../../core/errors.js';
import { createBcryptSha256Hasher } from './bcrypt.js';
import { PasswordHashingError } from './hasher.js';

const cheap = createBcryptSha256Hasher({ rounds: 4 });
const stored = 'bcrypt_sha256$$2b$12$LZSJchsWG/DrBy1erNs4eeYo6tZNlLFQmONdxN9HPesa1EyXVcTXK';

describe('bcrypt_sha256 hasher', () => {
  test('salt() is a fresh bcrypt salt with the configured cost', () => {
    const salt = cheap.salt();
    expect(salt).toMatch(/^\$2b\$04\$[./A-Za-z0-9]{22}$/);
    expect(cheap.salt()).not.toBe(salt);
    expect(createBcryptSha256Hasher().salt()).toMatch(/^\$2b\$12\$/);
  });

  test('a hash verifies with its password only, blank passwords included (Django test_bcrypt_sha256)', async () => {
    const encoded = await cheap.encode('lètmein', cheap.salt());
    expect(await cheap.verify('lètmein', encoded)).toBe(true);
    expect(await cheap.verify('lètmeinz', encoded)).toBe(false);
    const blank = await cheap.encode('', cheap.salt());
    expect(await cheap.verify('', blank)).toBe(true);
    expect(await cheap.verify(' ', blank)).toBe(false);
  });

  test('passwords past bcrypt’s 72 bytes are not truncated (Django ticket #20138)', async () => {
    const password =
      'VSK0UYV6FFQVZ0KG88DYN9WADAADZO1CTSIVDJUNZSUML6IBX7LN7ZS3R5JGB3RGZ7VI7G7DJQ9NI8BQFSRPTG6UWTTVESA5ZPUN';
    const encoded = await cheap.encode(password, cheap.salt());
    expect(await cheap.verify(password, encoded)).toBe(true);
    expect(await cheap.verify(password.slice(0, 72), encoded)).toBe(false);
  });

  test('encode accepts $2a$ and $2y$ salts and keeps their prefix; verify reads them back', async () => {
    for (const prefix of ['$2a$', '$2y$']) {
      const encoded = await cheap.encode('lètmein', `${prefix}04$LZSJchsWG/DrBy1erNs4ee`);
      expect(encoded.startsWith(`bcrypt_sha256$${prefix}04$LZSJchsWG/DrBy1erNs4ee`)).toBe(true);
      expect(await cheap.verify('lètmein', encoded)).toBe(true);
    }
  });

  test.each([
    'seasalt',
    '$2b$03$LZSJchsWG/DrBy1erNs4ee',
    '$2b$32$LZSJchsWG/DrBy1erNs4ee',
    '$2x$04$LZSJchsWG/DrBy1erNs4ee',
    '$2b$04$short',
  ])('encode refuses the salt %j', async (salt) => {
    const error = await cheap.encode('hunter2', salt).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PasswordHashingError);
    expect((error as PasswordHashingError).code).toBe('LATCHKEY_HASHER_BAD_SALT');
    expect((error as Error).message).not.toContain('hunter2');
  });

  test('mustUpdate when the cost differs (Django test_bcrypt_upgrade and test_bcryptsha256_salt_check)', async () => {
    const encoded = await cheap.encode('letmein', cheap.salt());
    expect(cheap.mustUpdate(encoded)).toBe(false);
    expect(createBcryptSha256Hasher({ rounds: 5 }).mustUpdate(encoded)).toBe(true);
    expect(cheap.mustUpdate(stored)).toBe(true);
  });

  test('hardenRuntime runs for a cheaper stored cost and skips values it cannot read', async () => {
    const encoded = await cheap.encode('letmein', cheap.salt());
    await expect(
      createBcryptSha256Hasher({ rounds: 6 }).hardenRuntime('wrong', encoded),
    ).resolves.toBeUndefined();
    await expect(cheap.hardenRuntime('wrong', 'bcrypt_sha256$')).resolves.toBeUndefined();
  });

  test('safeSummary shows the work factor and masks salt and checksum (Django safe_summary)', () => {
    expect(cheap.safeSummary(stored)).toEqual({
      algorithm: 'bcrypt_sha256',
      workFactor: 12,
      salt: `LZSJch${'*'.repeat(16)}`,
      checksum: `Yo6tZN${'*'.repeat(25)}`,
    });
  });

  test.each([
    '',
    'bcrypt_sha256$',
    'bcrypt_sha256$$2b$12$short',
    stored.replace('$2b$', '$2x$'),
    stored.replace('$12$', '$03$'),
    stored.replace('$12$', '$32$'),
    `${stored}x`,
    stored.slice(0, -1),
    stored.replace('bcrypt_sha256$', 'bcrypt$'),
  ])('malformed value %j: verify is false, mustUpdate true, no summary', async (encoded) => {
    expect(await cheap.verify('ExjGmyUT73bFoT', encoded)).toBe(false);
    expect(cheap.mustUpdate(encoded)).toBe(true);
    expect(cheap.safeSummary(encoded)).toBeNull();
  });

  test('options are validated when the hasher is created', () => {
    expect(() => createBcryptSha256Hasher({ rounds: 3 })).toThrow(ConfigurationError);
    expect(() => createBcryptSha256Hasher({ rounds: 32 })).toThrow(/bcrypt_sha256\.rounds/);
  });
});
