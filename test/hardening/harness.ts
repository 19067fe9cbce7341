/**
 * @module The real reference app for hardening tests, with what they need beyond
 * test/support/app.ts: a database that survives a restart (secret rotation), a clock and logger
 * shared across restarts, and browsers with a client IP of their own (the in-process app has no
 * socket, so the address comes from a test-only header the app's `clientIp` hook reads).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'hono';
import { appDefaults } from '../../app/config.js';
import { createApp } from '../../app/routes.js';
import { createRuntime, type Runtime } from '../../app/runtime.js';
import { makePassword } from '../../src/auth/hashers/index.js';
import { createPasswordService } from '../../src/auth/password-service.js';
import { createManualClock, type ManualClock } from '../../src/core/clock.js';
import { createMemoryLogger, type Logger, type MemoryLogger } from '../../src/core/logger.js';
import { defineSettings, type Settings } from '../../src/core/settings.js';
import { fastRegistry, TEST_SECRET } from '../support/app.js';
import { Browser } from '../support/browser.js';

/** The header a test browser's requests carry its client address in. */
export const TEST_IP_HEADER = 'x-test-client-ip';

/** Options of {@link startHarness}. */
export interface HarnessOptions {
  readonly settings?: Partial<Settings>;
  /** A directory to keep the database in (not removed at close), for restarts. */
  readonly dir?: string;
  readonly clock?: ManualClock;
  /** Receives every log event; a memory logger is kept either way. */
  readonly logger?: Logger;
}

/** A running app. */
export interface Harness {
  readonly app: ReturnType<typeof createApp>;
  readonly runtime: Runtime;
  readonly settings: Settings;
  readonly clock: ManualClock;
  readonly logger: MemoryLogger;
  readonly dir: string;
  /** A browser with an empty jar, from `ip` (default 203.0.113.1) and `origin` (default http://localhost). */
  browser(options?: { ip?: string; origin?: string }): Browser;
  createUser(username: string, password: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the app; `settings` go on top of the app's defaults and a production-length secret.
 * @example
 * const h = await startHarness({ settings: { SESSION_IDLE_TIMEOUT: 900 } });
 */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'latchkey-hardening-')));
  const clock = options.clock ?? createManualClock(new Date('2026-05-01T10:00:00Z'));
  const memory = createMemoryLogger();
  const extra = options.logger;
  const logger: MemoryLogger = {
    events: memory.events,
    log(level, event, fields) {
      memory.log(level, event, fields);
      extra?.log(level, event, fields);
    },
  };
  const settings = defineSettings({ ...appDefaults, SECRET_KEY: TEST_SECRET, ...options.settings });
  const runtime = await createRuntime({
    settings,
    databaseUrl: `sqlite:${join(dir, 'db.sqlite3')}`,
    clock,
    logger,
    passwords: createPasswordService(fastRegistry),
  });
  const app = createApp(runtime.latchkey, {
    clientIp: (c) => (c as Context).req.header(TEST_IP_HEADER) ?? null,
  });
  return {
    app,
    runtime,
    settings,
    clock,
    logger,
    dir,
    browser(browserOptions = {}) {
      const ip = browserOptions.ip ?? '203.0.113.1';
      return new Browser(
        (request) => {
          const headers = new Headers(request.headers);
          headers.set(TEST_IP_HEADER, ip);
          return app.request(new Request(request, { headers }));
        },
        browserOptions.origin ? { origin: browserOptions.origin } : {},
      );
    },
    async createUser(username, password) {
      await runtime.users.createUser({
        username,
        password: await makePassword(password, { registry: fastRegistry }),
      });
    },
    async close() {
      await runtime.close();
      if (ownDir) await rm(dir, { recursive: true, force: true });
    },
  };
}
