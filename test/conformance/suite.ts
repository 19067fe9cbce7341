/**
 * @module The HTTP conformance suite every framework adapter passes identically: login rotation,
 * CSRF, logout (INVARIANTS 1, 3, 4, 5, 6, 7, 8, 10, 12), safe redirects, bad bodies, and the
 * commit of streamed and failed responses. It drives one app per framework (`apps/`) through a
 * cookie-keeping browser; the app answers in-process or over a real socket.
 */
import { afterEach, beforeEach, describe } from 'vitest';
import type { ConformanceFixture } from './harness.js';
import { loginTests } from './suite-login.js';
import { logoutTests } from './suite-logout.js';
import { responseTests } from './suite-responses.js';
import { PASSWORD, SuiteContext } from './suite-support.js';

/**
 * Registers the suite for one framework; `factory` makes a fresh app on a fresh database per test.
 * @example
 * conformanceSuite('express', createExpressFixture);
 */
export function conformanceSuite(name: string, factory: () => Promise<ConformanceFixture>): void {
  describe(`HTTP conformance: ${name}`, () => {
    const t = new SuiteContext();
    beforeEach(async () => {
      t.fixture = await factory();
      await t.fixture.createUser('alice', PASSWORD);
    });
    afterEach(() => t.fixture.close());
    loginTests(t);
    logoutTests(t);
    responseTests(t);
  });
}
