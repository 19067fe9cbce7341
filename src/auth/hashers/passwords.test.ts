import { describe, expect, test } from 'vitest';
import { createArgon2Hasher } from './argon2.js';
import { createBcryptSha256Hasher } from './bcrypt.js';
import { type PasswordHasher, PasswordHashingError } from './hasher.js';
import {
  checkPassword,
  hashDummy,
  identifyHasher,
  isPasswordUsable,
  makePassword,
  makeUnusablePassword,
  UNUSABLE_PASSWORD_PREFIX,
  UNUSABLE_PASSWORD_SUFFIX_LENGTH,
} from './passwords.js';
import { createPbkdf2Hasher } from './pbkdf2.js';
import { createHasherRegistry, defaultHasherRegistry } from './registry.js';
import { createScryptHasher } from './scrypt.js';

/** A real hasher that also records which of its methods ran. */
function recording(hasher: PasswordHasher): PasswordHasher & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    algorithm: hasher.algorithm,
    salt: () => hasher.salt(),
    encode(password, salt) {
      calls.push('encode');
      return hasher.encode(password, salt);
    },
    verify(password, encoded) {
      calls.push('verify');
      return hasher.verify(password, encoded);
    },
    mustUpdate: (encoded) => hasher.mustUpdate(encoded),
    hardenRuntime(password, encoded) {
      calls.push('hardenRuntime');
      return hasher.hardenRuntime(password, encoded);
    },
    safeSummary: (encoded) => hasher.safeSummary(encoded),
  };
}

/** A fast registry for tests that hash many times: every format, each with cheap parameters. */
const fast = createHasherRegistry({
  default: createPbkdf2Hasher({ iterations: 1000 }),
  others: [
    createPbkdf2Hasher({ digest: 'sha1', iterations: 1000 }),
    createArgon2Hasher({ memoryCost: 64, timeCost: 1 }),
    createBcryptSha256Hasher({ rounds: 4 }),
    createScryptHasher({ workFactor: 2 ** 10, parallelism: 1 }),
  ],
});

describe('makePassword and checkPassword', () => {
  test('by default hash with argon2id and check without asking for an update (Django test_simple)', async () => {
    const encoded = await makePassword('lètmein');
    expect(encoded.startsWith('argon2$argon2id$v=19$m=19456,t=2,p=1$')).toBe(true);
    expect(isPasswordUsable(encoded)).toBe(true);
    expect(await checkPassword('lètmein', encoded)).toEqual({ valid: true, mustUpdate: false });
    expect(await checkPassword('lètmeinz', encoded)).toEqual({ valid: false, mustUpdate: false });
    const blank = await makePassword('');
    expect((await checkPassword('', blank)).valid).toBe(true);
    expect((await checkPassword(' ', blank)).valid).toBe(false);
  });

  test('two hashes of one password differ: each gets a fresh salt', async () => {
    const [a, b] = await Promise.all([
      makePassword('same', { registry: fast }),
      makePassword('same', { registry: fast }),
    ]);
    expect(a).not.toBe(b);
  });

  test('a hasher can be named or passed, with a fixed salt for known answers', async () => {
    const byName = await makePassword('lètmein', {
      hasher: 'pbkdf2_sha256',
      salt: 'seasalt',
      registry: fast,
    });
    const byObject = await makePassword('lètmein', {
      hasher: createPbkdf2Hasher({ iterations: 1000 }),
      salt: 'seasalt',
    });
    expect(byName).toBe(byObject);
    expect(byName.startsWith('pbkdf2_sha256$1000$seasalt$')).toBe(true);
  });

  test('an unknown hasher name is an error that names the algorithm, never the password', async () => {
    const error = await makePassword('hunter2', { hasher: 'lolcat' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PasswordHashingError);
    expect((error as PasswordHashingError).code).toBe('LATCHKEY_HASHER_UNKNOWN');
    expect((error as Error).message).toContain('lolcat');
    expect((error as Error).message).not.toContain('hunter2');
  });

  test('a correct password under another algorithm than the default must be updated (Django test_upgrade)', async () => {
    for (const hasher of ['pbkdf2_sha1', 'argon2', 'bcrypt_sha256', 'scrypt']) {
      const encoded = await makePassword('lètmein', { hasher, registry: fast });
      expect(await checkPassword('lètmein', encoded, { registry: fast })).toEqual({
        valid: true,
        mustUpdate: true,
      });
      // Django test_no_upgrade_on_incorrect_pass: a wrong password never asks for an update.
      expect(await checkPassword('WRONG', encoded, { registry: fast })).toEqual({
        valid: false,
        mustUpdate: false,
      });
    }
  });

  test('a correct password under weaker default-algorithm parameters must be updated (Django test_pbkdf2_upgrade)', async () => {
    const encoded = await makePassword('letmein', { hasher: createPbkdf2Hasher({ iterations: 1 }) });
    expect(await checkPassword('letmein', encoded, { registry: fast })).toEqual({
      valid: true,
      mustUpdate: true,
    });
    const current = await makePassword('letmein', { registry: fast });
    expect(await checkPassword('letmein', current, { registry: fast })).toEqual({
      valid: true,
      mustUpdate: false,
    });
  });

  test('only a wrong password against a weaker hash of the default algorithm is hardened (Django test_check_password_calls_harden_runtime)', async () => {
    const hasher = recording(createPbkdf2Hasher({ iterations: 1000 }));
    const registry = createHasherRegistry({ default: hasher, others: defaultHasherRegistry.hashers });
    const weaker = await createPbkdf2Hasher({ iterations: 10 }).encode('letmein', 'seasaltseasaltseasalt1');
    await checkPassword('letmein', weaker, { registry });
    expect(hasher.calls).toEqual(['verify']);
    await checkPassword('wrong_password', weaker, { registry });
    expect(hasher.calls).toEqual(['verify', 'verify', 'hardenRuntime']);
    const current = await createPbkdf2Hasher({ iterations: 1000 }).encode(
      'letmein',
      'seasaltseasaltseasalt1',
    );
    await checkPassword('wrong_password', current, { registry });
    expect(hasher.calls).toEqual(['verify', 'verify', 'hardenRuntime', 'verify']);
  });

  test('no password, no hash, an unusable hash or an unknown algorithm each cost one default hash (Django #20760, CVE-2024-39329)', async () => {
    for (const [password, encoded] of [
      [null, await makePassword('lètmein', { registry: fast })],
      ['foo', makeUnusablePassword()],
      ['foo', null],
      ['foo', undefined],
      ['letmein', 'lolcat$salt$hash'],
      ['letmein', 'gibberish'],
    ] as const) {
      const hasher = recording(createPbkdf2Hasher({ iterations: 1000 }));
      const registry = createHasherRegistry({ default: hasher });
      expect(await checkPassword(password, encoded, { registry })).toEqual({
        valid: false,
        mustUpdate: false,
      });
      expect(hasher.calls).toEqual(['encode']);
    }
  });

  test('hashDummy runs the default hasher once', async () => {
    const hasher = recording(createPbkdf2Hasher({ iterations: 1000 }));
    await hashDummy({ registry: createHasherRegistry({ default: hasher }) });
    expect(hasher.calls).toEqual(['encode']);
  });

  test('a custom hasher that throws is a failed check, not an exception', async () => {
    const broken: PasswordHasher = {
      ...createPbkdf2Hasher({ iterations: 1 }),
      algorithm: 'broken',
      verify: () => {
        throw new Error('boom');
      },
      mustUpdate: () => {
        throw new Error('boom');
      },
    };
    const registry = createHasherRegistry({ default: broken });
    expect(await checkPassword('pw', 'broken$1$salt$hash', { registry })).toEqual({
      valid: false,
      mustUpdate: false,
    });
  });
});

describe('unusable passwords', () => {
  test('are "!" and 40 random characters that no password matches (Django test_unusable)', async () => {
    const encoded = makeUnusablePassword();
    expect(encoded).toMatch(/^!([A-Za-z0-9]{40})$/);
    expect(encoded).toHaveLength(UNUSABLE_PASSWORD_PREFIX.length + UNUSABLE_PASSWORD_SUFFIX_LENGTH);
    expect(isPasswordUsable(encoded)).toBe(false);
    for (const password of [null, encoded, UNUSABLE_PASSWORD_PREFIX, '', 'lètmein'])
      expect((await checkPassword(password, encoded, { registry: fast })).valid).toBe(false);
    expect(identifyHasher(encoded)).toBeNull();
    expect(makeUnusablePassword()).not.toBe(encoded);
  });

  test('any other string is usable, as in Django; a missing hash is not', () => {
    expect(isPasswordUsable('lètmein_badencoded')).toBe(true);
    expect(isPasswordUsable('')).toBe(true);
    expect(isPasswordUsable(null)).toBe(false);
    expect(isPasswordUsable(undefined)).toBe(false);
  });
});

describe('identifyHasher', () => {
  test('names the hasher from the text before the first "$", or null', () => {
    expect(identifyHasher('pbkdf2_sha256$1000000$seasalt$r1uL')?.algorithm).toBe('pbkdf2_sha256');
    expect(identifyHasher('argon2$argon2id$v=19$m=1,t=1,p=1$x$y')?.algorithm).toBe('argon2');
    expect(identifyHasher('bcrypt_sha256$$2b$12$x')?.algorithm).toBe('bcrypt_sha256');
    expect(identifyHasher('lolcat$salt$hash')).toBeNull();
    expect(identifyHasher('$argon2id$v=19$m=1,t=1,p=1$x$y')).toBeNull();
    expect(identifyHasher('')).toBeNull();
    expect(identifyHasher(null)).toBeNull();
  });
});
