/** Stored values are data, not code: whatever they hold, checking a password answers, never throws. */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createArgon2Hasher } from './argon2.js';
import { createBcryptSha256Hasher } from './bcrypt.js';
import { checkPassword } from './passwords.js';
import { createPbkdf2Hasher } from './pbkdf2.js';
import { createHasherRegistry } from './registry.js';
import { createScryptHasher } from './scrypt.js';

const hashers = [
  createPbkdf2Hasher({ iterations: 1000 }),
  createPbkdf2Hasher({ digest: 'sha1', iterations: 1000 }),
  createArgon2Hasher({ memoryCost: 64, timeCost: 1 }),
  createBcryptSha256Hasher({ rounds: 4 }),
  createScryptHasher({ workFactor: 2 ** 10, parallelism: 1 }),
];
const [first, ...others] = hashers;
const registry = createHasherRegistry({ default: first!, others });

/** Any code point (lone surrogates included), weighted towards the characters formats are made of. */
const unit = fc.oneof(
  fc.constantFrom('$', ',', '=', '+', '/', '.', 'm=', 't=', 'p=', 'v=19', '0', '1', '8', '16'),
  fc.integer({ min: 0, max: 0x10ffff }).map((code) => String.fromCodePoint(code)),
);
const text = fc.string({ unit, maxLength: 80 });

describe('malformed stored values', () => {
  test.each(hashers.map((hasher) => [hasher.algorithm, hasher] as const))(
    '%s: verify, mustUpdate, hardenRuntime and safeSummary never throw',
    async (algorithm, hasher) => {
      await fc.assert(
        fc.asyncProperty(text, text, async (tail, password) => {
          const encoded = `${algorithm}$${tail}`;
          expect(await hasher.verify(password, encoded)).toBe(false);
          expect(typeof hasher.mustUpdate(encoded)).toBe('boolean');
          await hasher.hardenRuntime(password, encoded);
          const summary = hasher.safeSummary(encoded);
          expect(summary === null || typeof summary === 'object').toBe(true);
        }),
        { numRuns: 150 },
      );
    },
  );

  test('checkPassword answers { valid: false } for anything under any prefix', async () => {
    const prefixes = ['', '!', 'md5', ...hashers.map((hasher) => hasher.algorithm)];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...prefixes), text, text, async (prefix, tail, password) => {
        const result = await checkPassword(password, `${prefix}$${tail}`, { registry });
        expect(result).toEqual({ valid: false, mustUpdate: false });
      }),
      { numRuns: 200 },
    );
  });
});
