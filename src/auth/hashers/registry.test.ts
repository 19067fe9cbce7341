import { describe, expect, test } from 'vitest';
import { ConfigurationError } from '../../core/errors.js';
import type { PasswordHasher } from './hasher.js';
import { createPbkdf2Hasher } from './pbkdf2.js';
import { createHasherRegistry, defaultHasherRegistry } from './registry.js';

describe('hasher registry', () => {
  test('the default registry hashes with argon2 and knows every hasher of Django’s default PASSWORD_HASHERS', () => {
    expect(defaultHasherRegistry.default.algorithm).toBe('argon2');
    expect(defaultHasherRegistry.hashers.map((hasher) => hasher.algorithm)).toEqual([
      'argon2',
      'pbkdf2_sha256',
      'pbkdf2_sha1',
      'bcrypt_sha256',
      'scrypt',
    ]);
    expect(defaultHasherRegistry.get('scrypt')?.algorithm).toBe('scrypt');
    expect(defaultHasherRegistry.get('md5')).toBeNull();
  });

  test('the default comes first and wins over a later hasher of the same algorithm', () => {
    const fast = createPbkdf2Hasher({ iterations: 1000 });
    const registry = createHasherRegistry({ default: fast, others: defaultHasherRegistry.hashers });
    expect(registry.default).toBe(fast);
    expect(registry.get('pbkdf2_sha256')).toBe(fast);
    expect(registry.hashers[0]).toBe(fast);
    expect(registry.hashers.filter((hasher) => hasher.algorithm === 'pbkdf2_sha256')).toHaveLength(1);
    expect(registry.get('argon2')).toBe(defaultHasherRegistry.get('argon2'));
  });

  test('a registry with only a default knows only that algorithm', () => {
    const registry = createHasherRegistry({ default: createPbkdf2Hasher({ digest: 'sha1' }) });
    expect(registry.hashers.map((hasher) => hasher.algorithm)).toEqual(['pbkdf2_sha1']);
    expect(registry.get('pbkdf2_sha256')).toBeNull();
  });

  test('hashers without a usable algorithm name are refused when the registry is built', () => {
    const unnamed = { ...createPbkdf2Hasher(), algorithm: '' } as PasswordHasher;
    const dollar = { ...createPbkdf2Hasher(), algorithm: 'a$b' } as PasswordHasher;
    expect(() => createHasherRegistry({ default: unnamed })).toThrow(ConfigurationError);
    expect(() => createHasherRegistry({ default: createPbkdf2Hasher(), others: [dollar] })).toThrow(
      /hashers\[1\]\.algorithm/,
    );
  });
});
