/**
 * The password reset pages are throttled like logins (same policy) but on counters of their own:
 * a burst of reset requests from one address is slowed down per address and per client, and never
 * uses up that client's login allowance.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Browser } from '../support/browser.js';
import { type Harness, startHarness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ settings: { LOGIN_THROTTLE_IP_FREE_ATTEMPTS: 10 } });
  await h.createUser('alice', 'correct horse battery');
});
afterEach(() => h.close());

function askReset(browser: Browser, email: string): Promise<Response> {
  return browser.submit('/accounts/password_reset/', '/accounts/password_reset/', { email });
}

describe('password reset throttling', () => {
  test('one client asking for many addresses is slowed down (429), and can still log in', async () => {
    const client = h.browser({ ip: '198.51.100.7' });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await askReset(client, `user${i}@example.com`)).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(302));
    expect(statuses.at(-1)).toBe(429);
    // The login throttle's per-client allowance (10 here) was not touched by the resets.
    expect((await client.login('alice', 'correct horse battery')).status).toBe(302);
    // Another client is not affected by the first one's resets.
    expect((await askReset(h.browser({ ip: '198.51.100.8' }), 'user0@example.com')).status).toBe(302);
  });
});
