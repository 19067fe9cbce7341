/**
 * Known answers. Literal values come from Django's own tests (tests/auth_tests/test_hashers.py, at
 * the Django version named in each title) or, where Django has none, from rust-djangohashers'
 * tests (Racum/rust-djangohashers, tests/django.rs), which were computed by other implementations.
 */
import { createHash } from 'node:crypto';
import { hash as argon2Hash, verify as argon2PhcVerify } from 'argon2';
import bcrypt from 'bcryptjs';
import { describe, expect, test } from 'vitest';
import { createArgon2Hasher } from './argon2.js';
import { createBcryptSha256Hasher } from './bcrypt.js';
import { checkPassword, identifyHasher, makePassword } from './passwords.js';
import { createPbkdf2Hasher } from './pbkdf2.js';
import { createScryptHasher } from './scrypt.js';

describe('pbkdf2 known answers from Django', () => {
  test('Django 6.0: make_password("lètmein", "seasalt", "pbkdf2_sha256") at 1,200,000 iterations', async () => {
    // Computed by Django's PBKDF2PasswordHasher (python3-django 3.2.25, hashlib) with iterations=1200000.
    const expected = 'pbkdf2_sha256$1200000$seasalt$6sTlFi4QohxXLuZigqDIUNX8xG9NxrTmV8+flFQdBqE=';
    // 1.2 million iterations cost about a second: encode once; the tests below verify cheaper vectors.
    expect(await makePassword('lètmein', { hasher: 'pbkdf2_sha256', salt: 'seasalt' })).toBe(expected);
    expect(identifyHasher(expected)?.algorithm).toBe('pbkdf2_sha256');
  });

  test('Django 5.2 hashes at 1,000,000 iterations still verify, and PBKDF2 as default asks to upgrade them', async () => {
    const django52 = 'pbkdf2_sha256$1000000$seasalt$r1uLUxoxpP2Ued/qxvmje7UH9PUJBkRrvf9gGPL7Cps=';
    const pbkdf2 = createPbkdf2Hasher();
    expect(await pbkdf2.verify('lètmein', django52)).toBe(true);
    const strongSalt = 'pbkdf2_sha256$1000000$Zq0w3Xb1nRkT8yPc5LmVa2$AAAA';
    expect(pbkdf2.mustUpdate(strongSalt)).toBe(true);
    expect(pbkdf2.mustUpdate(strongSalt.replace('$1000000$', '$1200000$'))).toBe(false);
  });

  test('Django 1.10 test_pbkdf2 and test_low_level_pbkdf2 at 30,000 iterations', async () => {
    const hasher = createPbkdf2Hasher({ iterations: 30_000 });
    const seasalt = 'pbkdf2_sha256$30000$seasalt$VrX+V8drCGo68wlvy6rfu8i1d1pfkdeXA4LJkRGJodY=';
    const seasalt2 = 'pbkdf2_sha256$30000$seasalt2$a75qzbogeVhNFeMqhdgyyoqGKpIzYUo651sq57RERew=';
    expect(await hasher.encode('lètmein', 'seasalt')).toBe(seasalt);
    expect(await hasher.encode('lètmein', 'seasalt2')).toBe(seasalt2);
    expect((await checkPassword('lètmein', seasalt)).valid).toBe(true);
    expect((await checkPassword('lètmeinz', seasalt)).valid).toBe(false);
  });

  test('Django 4.2 test_pbkdf2 at 600,000 iterations verifies', async () => {
    const stored = 'pbkdf2_sha256$600000$seasalt$OAXyhAQ/4ZDA9V5RMExt3C1OwQdUpLZ99vm1McFlLRA=';
    expect((await checkPassword('lètmein', stored)).valid).toBe(true);
  });

  test('Django 1.10 and 4.2 test_low_level_pbkdf2_sha1', async () => {
    const sha1 = createPbkdf2Hasher({ digest: 'sha1', iterations: 30_000 });
    expect(await sha1.encode('lètmein', 'seasalt2')).toBe(
      'pbkdf2_sha1$30000$seasalt2$pMzU1zNPcydf6wjnJFbiVKwgULc=',
    );
    const stored = 'pbkdf2_sha1$600000$seasalt2$2CLsaL1MZhq6JOG6QOHtVbiopHE=';
    expect(await checkPassword('lètmein', stored)).toEqual({ valid: true, mustUpdate: true });
    expect(
      (await checkPassword('lètmeinz', 'pbkdf2_sha1$30000$seasalt2$pMzU1zNPcydf6wjnJFbiVKwgULc=')).valid,
    ).toBe(false);
  });
});

describe('argon2 known answers from Django', () => {
  const vectors = [
    // Django ≥ 1.10 test_argon2: "Old hashes without version attribute" (Argon2 1.0).
    'argon2$argon2i$m=8,t=1,p=1$c29tZXNhbHQ$gwQOXSNhxiOxPOA0+PY10P9QFO4NAYysnqRt1GSQLE55m+2GYDt9FEjPMHhP2Cuf0nOEXXMocVrsJAtNSsKyfg',
    // Django 4.2 test_argon2: "Old hashes with version attribute."
    'argon2$argon2i$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$YC9+jJCrQhs5R6db7LlN8Q',
    // Django 4.2 test_argon2_version_upgrade (argon2id with Django's defaults m=102400, t=2, p=8).
    'argon2$argon2id$v=19$m=102400,t=2,p=8$Y041dExhNkljRUUy$TMa6A8fPJhCAUXRhJXCXdw',
  ];

  test.each(vectors)('check_password("secret", %s) is accepted', async (stored) => {
    expect(await checkPassword('secret', stored)).toEqual({ valid: true, mustUpdate: true });
  });

  test('the cheap Django argon2i values refuse "wrong"', async () => {
    expect(await checkPassword('wrong', vectors[0])).toEqual({ valid: false, mustUpdate: false });
    expect(await checkPassword('wrong', vectors[1])).toEqual({ valid: false, mustUpdate: false });
  });

  test('our encoder reproduces Django argon2i and argon2id values from the same salt and parameters', async () => {
    const argon2i = createArgon2Hasher({
      variety: 'argon2i',
      memoryCost: 8,
      timeCost: 1,
      parallelism: 1,
      hashLength: 16,
    });
    expect(await argon2i.encode('secret', 'saltsalt')).toBe(vectors[1]);
    // Django's salt string is 'cN5tLa6IcEE2' (base64 'Y041dExhNkljRUUy'); argon2-cffi's tag is 16 bytes.
    const argon2id = createArgon2Hasher({ memoryCost: 102_400, timeCost: 2, parallelism: 8, hashLength: 16 });
    expect(await argon2id.encode('secret', 'cN5tLa6IcEE2')).toBe(vectors[2]);
  });

  test('rust-djangohashers and argon2-cffi values verify', async () => {
    const djangohashers = 'argon2$argon2i$v=19$m=512,t=2,p=2$S1E4emVLNndLUnVS$RUET3AC8iXvcVPD2TRjvVQ';
    expect((await checkPassword('ExjGmyUT73bFoT', djangohashers)).valid).toBe(true);
    // argon2-cffi tests/test_low_level.py, prefixed with "argon2$": a 16-byte salt with NUL bytes.
    const cffi =
      'argon2$argon2i$m=65536,t=2,p=4$c29tZXNhbHQAAAAAAAAAAA$QWLzI4TY9HkL2ZTLc8g6SinwdhZewYrzz9zxCo0bkGY';
    expect((await checkPassword('password', cffi)).valid).toBe(true);
    expect((await checkPassword('Password', cffi)).valid).toBe(false);
  });

  test('a default argon2id hash is a PHC string the argon2 package verifies on its own', async () => {
    const encoded = await makePassword('lètmein');
    expect(encoded).toMatch(
      /^argon2\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{30}\$[A-Za-z0-9+/]{43}$/,
    );
    const phc = encoded.slice('argon2'.length);
    expect(await argon2PhcVerify(phc, 'lètmein')).toBe(true);
    expect(await argon2PhcVerify(phc, 'lètmeinz')).toBe(false);
    // Independent recomputation of the tag from the salt the string carries.
    const [, , , , salt = '', tag = ''] = encoded.split('$');
    const raw = await argon2Hash('lètmein', {
      raw: true,
      salt: Buffer.from(salt, 'base64'),
      memoryCost: 19_456,
      timeCost: 2,
      parallelism: 1,
      hashLength: 32,
    });
    expect(raw.equals(Buffer.from(tag, 'base64'))).toBe(true);
  });
});

describe('scrypt known answers from Django', () => {
  test('Django 5.x: make_password("lètmein", "seasalt", "scrypt") with p=5', async () => {
    const expected =
      'scrypt$16384$seasalt$8$5$ECMIUp+LMxMSK8xB/IVyba+KYGTI7FTnet025q/1f/vBAVnnP3hdYqJuRi+mJn6ji6ze3Fbb7JEFPKGpuEf5vw==';
    expect(await makePassword('lètmein', { hasher: 'scrypt', salt: 'seasalt' })).toBe(expected);
    expect((await checkPassword('lètmein', expected)).valid).toBe(true);
  });

  test('Django 4.2: the same with p=1 encodes, verifies and refuses "lètmeinz"', async () => {
    const expected =
      'scrypt$16384$seasalt$8$1$Qj3+9PPyRjSJIebHnG81TMjsqtaIGxNQG/aEB/NYafTJ7tibgfYz71m0ldQESkXFRkdVCBhhY8mx7rQwite/Pw==';
    expect(await createScryptHasher({ parallelism: 1 }).encode('lètmein', 'seasalt')).toBe(expected);
    expect((await checkPassword('lètmein', expected)).valid).toBe(true);
    expect((await checkPassword('lètmeinz', expected)).valid).toBe(false);
  });
});

describe('bcrypt_sha256 known answers (Django has no literal; rust-djangohashers does)', () => {
  const stored = 'bcrypt_sha256$$2b$12$LZSJchsWG/DrBy1erNs4eeYo6tZNlLFQmONdxN9HPesa1EyXVcTXK';

  test('a Django-made bcrypt_sha256 value verifies and our encoder reproduces it from its salt', async () => {
    expect(await checkPassword('ExjGmyUT73bFoT', stored)).toEqual({ valid: true, mustUpdate: true });
    expect(await createBcryptSha256Hasher().encode('ExjGmyUT73bFoT', '$2b$12$LZSJchsWG/DrBy1erNs4ee')).toBe(
      stored,
    );
  });

  test('our value is plain bcrypt of the SHA-256 hex digest, as Django computes it', async () => {
    const hasher = createBcryptSha256Hasher({ rounds: 4 });
    const encoded = await hasher.encode('lètmein', hasher.salt());
    expect(encoded).toMatch(/^bcrypt_sha256\$\$2b\$04\$[./A-Za-z0-9]{53}$/);
    const hex = createHash('sha256').update('lètmein', 'utf8').digest('hex');
    expect(await bcrypt.compare(hex, encoded.slice('bcrypt_sha256$'.length))).toBe(true);
    expect(await hasher.verify('lètmein', encoded)).toBe(true);
  });
});
