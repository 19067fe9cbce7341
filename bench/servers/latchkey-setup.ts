/**
 * @module What every Latchkey benchmark server shares, whatever its framework: the users' SQLite file
 * (migrated, read through `UserRepository`), the store named by `STORE`, the hasher named by `HASHER`
 * (`default` = argon2id, `fast` = PBKDF2 × 1,000), the benchmark user, and the app-wide instance.
 * The audit log is left out, as no peer writes one; so is login throttling (see below).
 */
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { appDefaults } from '../../app/config.js';
import {
  createHasherRegistry,
  createPbkdf2Hasher,
  defaultHasherRegistry,
} from '../../src/auth/hashers/index.js';
import { createPasswordService, defaultPasswordService } from '../../src/auth/password-service.js';
import type { PasswordService } from '../../src/auth/types.js';
import { UserRepository } from '../../src/auth/users/repository.js';
import type { User } from '../../src/auth/users/user.js';
import { defineSettings } from '../../src/core/settings.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { Database } from '../../src/db/schema.js';
import { openSqlite } from '../../src/db/sqlite.js';
import { createLatchkey, type Latchkey } from '../../src/latchkey.js';
import { openLatchkeyStore, parseStoreKind } from './latchkey-stores.js';
import { requireEnv } from './listen.js';
import { BENCH_USER } from './page.js';
import { hasherFromEnv } from './peer-passwords.js';

/** A ready Latchkey instance and how to release what it holds. */
export interface LatchkeySetup {
  readonly latchkey: Latchkey<User>;
  readonly db: Kysely<Database>;
  close(): Promise<void>;
}

function passwordsFromEnv(): PasswordService {
  if (hasherFromEnv() === 'default') return defaultPasswordService;
  return createPasswordService(
    createHasherRegistry({
      default: createPbkdf2Hasher({ iterations: 1_000 }),
      others: defaultHasherRegistry.hashers,
    }),
  );
}

/**
 * Builds Latchkey from the environment (DATA_DIR, SECRET_KEY, STORE, HASHER, REDIS_URL).
 * @example
 * const { latchkey, close } = await setupLatchkey();
 */
export async function setupLatchkey(): Promise<LatchkeySetup> {
  const kind = parseStoreKind(process.env.STORE);
  if (kind === null) {
    process.stderr.write('bench server: STORE must be memory, sqlite, redis, cached-db or postgres\n');
    process.exit(2);
  }
  const db = openSqlite(join(requireEnv('DATA_DIR'), 'latchkey.sqlite3'));
  await migrateToLatest(db);
  const { store: sessionStore, close: closeStore } = await openLatchkeyStore(kind, {
    db,
    redisUrl: process.env.REDIS_URL,
  });
  const passwords = passwordsFromEnv();
  const users = new UserRepository(db);
  await users.createUser({
    username: BENCH_USER.username,
    email: BENCH_USER.email,
    password: await passwords.make(BENCH_USER.password),
  });
  // Login throttling off: every benchmark login comes from one address as one user, 32 at a time,
  // which is exactly what it slows down; no peer throttles logins either (better-auth's is off too).
  const settings = defineSettings({
    ...appDefaults,
    SECRET_KEY: requireEnv('SECRET_KEY'),
    LOGIN_THROTTLE_ENABLED: false,
  });
  const latchkey = createLatchkey<User>({ settings, sessionStore, users, passwords });
  return {
    latchkey,
    db,
    async close() {
      await closeStore();
      await db.destroy();
    },
  };
}
