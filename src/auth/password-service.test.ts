import { describe, expect, test } from 'vitest';
import { createHasherRegistry, type PasswordHasher } from './hashers/index.js';
import { createPasswordService } from './password-service.js';

/** A hasher that takes `ms` per hash and records how many of its hashes ran at once. */
function countingHasher(ms: number): { hasher: PasswordHasher; peak(): number } {
  let running = 0;
  let peak = 0;
  const work = async <T>(value: T): Promise<T> => {
    running++;
    peak = Math.max(peak, running);
    await new Promise((resolve) => setTimeout(resolve, ms));
    running--;
    return value;
  };
  const hasher: PasswordHasher = {
    algorithm: 'counting',
    salt: () => 'salt',
    encode: (password, salt) => work(`counting$${salt}$${password}`),
    verify: (password, encoded) => work(encoded === `counting$salt$${password}`),
    mustUpdate: () => false,
    hardenRuntime: async () => {},
    safeSummary: () => null,
  };
  return { hasher, peak: () => peak };
}

describe('createPasswordService', () => {
  test('runs at most `concurrency` hashes at once, and every caller gets its own answer', async () => {
    const { hasher, peak } = countingHasher(5);
    const service = createPasswordService(createHasherRegistry({ default: hasher }), { concurrency: 2 });
    const encoded = await service.make('pw');
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => service.check(i % 3 === 0 ? 'pw' : 'wrong', encoded)),
    );
    expect(peak()).toBe(2);
    expect(answers.map((a) => a.valid)).toEqual(Array.from({ length: 12 }, (_, i) => i % 3 === 0));
  });

  test('a failing hash frees its slot', async () => {
    const { hasher } = countingHasher(1);
    const failing: PasswordHasher = {
      ...hasher,
      encode: () => Promise.reject(new Error('boom')),
    };
    const service = createPasswordService(createHasherRegistry({ default: failing }), { concurrency: 1 });
    await expect(service.make('a')).rejects.toThrow('boom');
    await expect(service.make('b')).rejects.toThrow('boom');
    expect(await service.check('pw', 'counting$salt$pw')).toMatchObject({ valid: true });
  });

  test('refuses a concurrency that is not a whole number of at least 1', () => {
    const { hasher } = countingHasher(1);
    const registry = createHasherRegistry({ default: hasher });
    for (const concurrency of [0, -1, 1.5, Number.NaN])
      expect(() => createPasswordService(registry, { concurrency })).toThrow(RangeError);
  });
});
