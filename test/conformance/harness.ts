/**
 * @module What every conformance app stands on: a real SQLite file in a fresh temporary directory
 * (sessions and users, migrated), a fast PBKDF2 hasher, a manual clock, a memory logger, and the
 * gate that lets a test hold a cart write in mid-request to race a logout against it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makePassword } from '../../src/auth/hashers/index.js';
import { createPasswordService } from '../../src/auth/password-service.js';
import { UserRepository } from '../../src/auth/users/repository.js';
import type { User } from '../../src/auth/users/user.js';
import { createManualClock } from '../../src/core/clock.js';
import { createMemoryLogger, type MemoryLogger } from '../../src/core/logger.js';
import { defineSettings } from '../../src/core/settings.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { openSqlite } from '../../src/db/sqlite.js';
import { createLatchkey, type Latchkey } from '../../src/latchkey.js';
import type { SessionStore } from '../../src/sessions/store.js';
import { KyselySessionStore } from '../../src/stores/sql.js';
import { fastRegistry, TEST_SECRET } from '../support/app.js';

/** A held request: `reached` resolves when it is waiting, `release` lets it go on. */
export interface Hold {
  readonly reached: Promise<void>;
  release(): void;
}

/** Points inside the apps' handlers where a test may hold a request. */
export class Gates {
  #cartWrite: { reached: () => void; released: Promise<void> } | null = null;

  /** Holds the next `POST /cart/add/` after it loaded the session, before it writes to it. */
  holdCartWrite(): Hold {
    let reached = (): void => undefined;
    let release = (): void => undefined;
    const reachedPromise = new Promise<void>((resolve) => {
      reached = resolve;
    });
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.#cartWrite = { reached, released };
    return { reached: reachedPromise, release };
  }

  /** Called by the apps; waits only while a test holds the cart write. */
  async beforeCartWrite(): Promise<void> {
    const gate = this.#cartWrite;
    if (gate === null) return;
    this.#cartWrite = null;
    gate.reached();
    await gate.released;
  }
}

/** The shared part of a conformance fixture. */
export interface Harness {
  readonly latchkey: Latchkey<User>;
  readonly users: UserRepository;
  readonly logger: MemoryLogger;
  readonly gates: Gates;
  createUser(username: string, password: string): Promise<User>;
  close(): Promise<void>;
}

/** Options of {@link createHarness}. */
export interface HarnessOptions {
  /** Wraps the real SQL store, e.g. to watch when sessions are written. */
  wrapStore?(store: SessionStore): SessionStore;
}

/**
 * Opens a fresh database and builds Latchkey on it with the reference app's redirect settings.
 * @example
 * const harness = await createHarness();
 */
export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'latchkey-conformance-'));
  const db = openSqlite(join(dir, 'db.sqlite3'));
  await migrateToLatest(db);
  const clock = createManualClock(new Date('2026-05-01T10:00:00Z'));
  const logger = createMemoryLogger();
  const users = new UserRepository(db, { clock });
  const sqlStore = new KyselySessionStore({ db, clock });
  const latchkey = createLatchkey<User>({
    settings: defineSettings({
      SECRET_KEY: TEST_SECRET,
      LOGIN_REDIRECT_URL: '/dashboard/',
      LOGOUT_REDIRECT_URL: '/accounts/login/',
      ALLOWED_HOSTS: ['localhost', '127.0.0.1'],
    }),
    sessionStore: options.wrapStore?.(sqlStore) ?? sqlStore,
    users,
    clock,
    logger,
    passwords: createPasswordService(fastRegistry),
  });
  return {
    latchkey,
    users,
    logger,
    gates: new Gates(),
    async createUser(username, password) {
      return users.createUser({
        username,
        password: await makePassword(password, { registry: fastRegistry }),
      });
    },
    async close() {
      await db.destroy();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** One framework's app under the conformance suite. */
export interface ConformanceFixture extends Harness {
  /** Where the app is reached; the suite's browsers send this as their `Origin`. */
  readonly origin: string;
  /** Answers one request as the app does over HTTP (in-process or through a real socket). */
  request(request: Request): Promise<Response>;
}
