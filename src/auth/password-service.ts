/** @module Binds a hasher registry to the {@link PasswordService} that login and password change use. */
import {
  checkPassword,
  defaultHasherRegistry,
  type HasherRegistry,
  hashDummy,
  makePassword,
} from './hashers/index.js';
import type { PasswordService } from './types.js';

/**
 * A password service over `registry` (argon2id by default; a fast PBKDF2 registry suits tests).
 * @example
 * createLatchkey({ ..., passwords: createPasswordService(createHasherRegistry({ default: createPbkdf2Hasher({ iterations: 1000 }) })) });
 */
export function createPasswordService(registry: HasherRegistry = defaultHasherRegistry): PasswordService {
  return {
    check: (password, encoded) => checkPassword(password, encoded, { registry }),
    make: (password) => makePassword(password, { registry }),
    harden: () => hashDummy({ registry }),
  };
}

/** argon2id with OWASP's parameters, verifying every Django format. */
export const defaultPasswordService: PasswordService = createPasswordService();
