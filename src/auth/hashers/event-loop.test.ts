/** Hashing runs on libuv's thread pool, so requests keep being served while a password is hashed. */
import { describe, expect, test } from 'vitest';
import { createArgon2Hasher } from './argon2.js';
import { makePassword } from './passwords.js';
import { createPbkdf2Hasher } from './pbkdf2.js';
import { createScryptHasher } from './scrypt.js';

describe('hashing off the event loop', () => {
  const threadPoolHashers = [
    createArgon2Hasher(),
    createPbkdf2Hasher({ iterations: 300_000 }),
    createScryptHasher(),
  ];

  test.each(threadPoolHashers.map((hasher) => [hasher.algorithm, hasher] as const))(
    '%s: the event loop keeps turning while a hash is computed',
    async (_, hasher) => {
      let settled = false;
      const pending = makePassword('lètmein', { hasher }).then((encoded) => {
        settled = true;
        return encoded;
      });
      // Work done on the calling thread would finish before the first macrotask could run.
      let turns = 0;
      while (!settled && turns < 3) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        turns += 1;
      }
      expect(turns).toBe(3);
      expect(settled).toBe(false);
      expect(await hasher.verify('lètmein', await pending)).toBe(true);
    },
  );
});
