import { describe, expect, test } from 'vitest';
import { ConfigurationError } from '../../core/errors.js';
import { PasswordHashingError } from './hasher.js';
import { createPbkdf2Hasher } from './pbkdf2.js';

const fast = createPbkdf2Hasher({ iterations: 1000 });
const vector = 'pbkdf2_sha256$30000$seasalt$VrX+V8drCGo68wlvy6rfu8i1d1pfkdeXA4LJkRGJodY=';

describe('pbkdf2 hasher', () => {
  test('a hash of a password verifies with that password only, blank passwords included', async () => {
    const encoded = await fast.encode('lètmein', fast.salt());
    expect(encoded).toMatch(/^pbkdf2_sha256\$1000\$[A-Za-z0-9]{22}\$[A-Za-z0-9+/]{43}=$/);
    expect(await fast.verify('lètmein', encoded)).toBe(true);
    expect(await fast.verify('lètmeinz', encoded)).toBe(false);
    const blank = await fast.encode('', fast.salt());
    expect(await fast.verify('', blank)).toBe(true);
    expect(await fast.verify(' ', blank)).toBe(false);
  });

  test('the sha1 variant is named pbkdf2_sha1 and derives a 20-byte key', async () => {
    const sha1 = createPbkdf2Hasher({ digest: 'sha1', iterations: 1000 });
    expect(sha1.algorithm).toBe('pbkdf2_sha1');
    const encoded = await sha1.encode('lètmein', 'seasalt2');
    expect(encoded).toMatch(/^pbkdf2_sha1\$1000\$seasalt2\$[A-Za-z0-9+/]{27}=$/);
    expect(await sha1.verify('lètmein', encoded)).toBe(true);
    // A sha1 value is not a sha256 value, even with the same fields.
    expect(await fast.verify('lètmein', encoded.replace('pbkdf2_sha1', 'pbkdf2_sha256'))).toBe(false);
  });

  test('mustUpdate when the iteration count differs or the salt is weak (Django test_pbkdf2)', async () => {
    expect(fast.mustUpdate(await fast.encode('lètmein', fast.salt()))).toBe(false);
    expect(fast.mustUpdate(await fast.encode('lètmein', 'iodizedsalt'))).toBe(true);
    const fewer = createPbkdf2Hasher({ iterations: 1 });
    expect(fast.mustUpdate(await fewer.encode('letmein', fewer.salt()))).toBe(true);
    expect(createPbkdf2Hasher({ iterations: 30_000 }).mustUpdate(vector)).toBe(true); // 'seasalt' is weak
  });

  test('safeSummary shows iterations and masks salt and hash (Django safe_summary)', () => {
    expect(fast.safeSummary(vector)).toEqual({
      algorithm: 'pbkdf2_sha256',
      iterations: 30000,
      salt: 'seasal*',
      hash: `VrX+V8${'*'.repeat(38)}`,
    });
  });

  test('hardenRuntime tops up a weaker hash and ignores values it cannot read', async () => {
    const weaker = await createPbkdf2Hasher({ iterations: 10 }).encode('letmein', 'seasalt');
    await expect(fast.hardenRuntime('wrong', weaker)).resolves.toBeUndefined();
    await expect(fast.hardenRuntime('wrong', 'pbkdf2_sha256$x')).resolves.toBeUndefined();
  });

  test.each([
    '',
    'pbkdf2_sha256',
    'pbkdf2_sha256$',
    'pbkdf2_sha256$0$seasalt$VrX+V8drCGo68wlvy6rfu8i1d1pfkdeXA4LJkRGJodY=',
    'pbkdf2_sha256$-30000$seasalt$VrX+V8drCGo68wlvy6rfu8i1d1pfkdeXA4LJkRGJodY=',
    'pbkdf2_sha256$3e4$seasalt$VrX+V8drCGo68wlvy6rfu8i1d1pfkdeXA4LJkRGJodY=',
    'pbkdf2_sha256$030000$seasalt$VrX+V8drCGo68wlvy6rfu8i1d1pfkdeXA4LJkRGJodY=',
    'pbkdf2_sha256$NaN$seasalt$VrX+V8drCGo68wlvy6rfu8i1d1pfkdeXA4LJkRGJodY=',
    'pbkdf2_sha256$99999999999$seasalt$VrX+V8drCGo68wlvy6rfu8i1d1pfkdeXA4LJkRGJodY=',
    'pbkdf2_sha256$30000$$VrX+V8drCGo68wlvy6rfu8i1d1pfkdeXA4LJkRGJodY=',
    'pbkdf2_sha256$30000$seasalt$',
    'pbkdf2_sha256$30000$seasalt$not base64!',
    `${vector}$extra`,
    'pbkdf2_sha1$30000$seasalt$VrX+V8drCGo68wlvy6rfu8i1d1pfkdeXA4LJkRGJodY=',
  ])('malformed value %j: verify is false, mustUpdate true, no summary', async (encoded) => {
    expect(await fast.verify('lètmein', encoded)).toBe(false);
    expect(fast.mustUpdate(encoded)).toBe(true);
    expect(fast.safeSummary(encoded)).toBeNull();
  });

  test('encode refuses an empty salt or one containing "$" (Django test_encode_invalid_salt)', async () => {
    for (const salt of ['', 'sea$salt']) {
      const error = await fast.encode('hunter2', salt).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(PasswordHashingError);
      expect((error as PasswordHashingError).code).toBe('LATCHKEY_HASHER_BAD_SALT');
      expect((error as Error).message).not.toContain('hunter2');
    }
  });

  test('options are validated when the hasher is created', () => {
    expect(() => createPbkdf2Hasher({ iterations: 0 })).toThrow(ConfigurationError);
    expect(() => createPbkdf2Hasher({ iterations: 1.5 })).toThrow(/pbkdf2\.iterations/);
    expect(() => createPbkdf2Hasher({ digest: 'md5' as 'sha1' })).toThrow(/pbkdf2\.digest/);
  });
});
