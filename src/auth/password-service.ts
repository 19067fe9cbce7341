/** @module Binds a hasher registry to the {@link PasswordService} that login and password change use. */
import { availableParallelism } from 'node:os';
import {
  checkPassword,
  defaultHasherRegistry,
  type HasherRegistry,
  hashDummy,
  makePassword,
} from './hashers/index.js';
import type { PasswordService } from './types.js';

/** Options of {@link createPasswordService}. */
export interface PasswordServiceOptions {
  /**
   * How many hashes may run at once; the rest wait their turn. Default: one less than the cores,
   * at least 1, so that a burst of logins (each argon2id hash is ~50 ms of a core) always leaves
   * a core to serve every other request. Hashes run on libuv's pool, never on the event loop.
   */
  readonly concurrency?: number;
}

/** Runs at most `limit` tasks at once, the others in arrival order. */
function limiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = (): void => {
    const next = waiting.shift();
    if (next === undefined) running--;
    else next();
  };
  return async (task) => {
    if (running < limit) running++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      release();
    }
  };
}

/**
 * A password service over `registry` (argon2id by default; a fast PBKDF2 registry suits tests).
 * @example
 * createLatchkey({ ..., passwords: createPasswordService(createHasherRegistry({ default: createPbkdf2Hasher({ iterations: 1000 }) })) });
 */
export function createPasswordService(
  registry: HasherRegistry = defaultHasherRegistry,
  options: PasswordServiceOptions = {},
): PasswordService {
  const concurrency = options.concurrency ?? Math.max(1, availableParallelism() - 1);
  if (!Number.isSafeInteger(concurrency) || concurrency < 1)
    throw new RangeError('createPasswordService: concurrency must be a whole number >= 1');
  const run = limiter(concurrency);
  return {
    check: (password, encoded) => run(() => checkPassword(password, encoded, { registry })),
    make: (password) => run(() => makePassword(password, { registry })),
    harden: () => run(() => hashDummy({ registry })),
  };
}

/** argon2id with OWASP's parameters, verifying every Django format. */
export const defaultPasswordService: PasswordService = createPasswordService();
