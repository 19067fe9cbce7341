import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Browser } from '../support/browser.js';
import { csrfFieldOf } from '../support/browser.js';
import { type Harness, startHarness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  await h.createUser('alice', 'correct horse battery');
});
afterEach(() => h.close());

/** Posts the login form once (the page is fetched first, as a user would). */
async function attempt(browser: Browser, username: string, password: string): Promise<Response> {
  return browser.login(username, password);
}

async function failTimes(browser: Browser, username: string, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    const response = await attempt(browser, username, `wrong password ${i}`);
    expect(response.status, `failure ${i + 1}`).toBe(200);
  }
}

/** The parts of a throttled answer an attacker can see, with the CSRF token and username blanked. */
async function visible(response: Response): Promise<unknown> {
  // Tokens and the CSP nonce differ per response by design; nothing else may.
  const body = (await response.text()).replace(/(value|nonce)="[^"]*"/g, '$1=""');
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    cacheControl: response.headers.get('cache-control'),
    body,
  };
}

describe('login throttling (form)', () => {
  test('the sixth failure in a row gets 429 with Retry-After and the form with one generic error', async () => {
    const browser = h.browser();
    await failTimes(browser, 'alice', 5);
    const response = await attempt(browser, 'alice', 'correct horse battery');
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(response.headers.get('cache-control')).toMatch(/no-store/);
    const html = await response.text();
    expect(html).toContain('Too many failed login attempts. Please try again in 1 second.');
    expect(csrfFieldOf(html)).not.toBeNull();
    // Even the right password is not checked while the delay runs.
    expect(browser.cookie('sessionid')).toBeNull();
  });

  test('an unknown username is throttled exactly like a known one (nothing tells them apart)', async () => {
    const known = h.browser({ ip: '198.51.100.1' });
    const unknown = h.browser({ ip: '198.51.100.2' });
    await failTimes(known, 'alice', 5);
    await failTimes(unknown, 'nobody-here', 5);
    const a = await visible(await attempt(known, 'alice', 'guess'));
    const b = await visible(await attempt(unknown, 'nobody-here', 'guess'));
    expect(a).toEqual(b);
    expect((a as { status: number }).status).toBe(429);
  });

  test('the delay grows (1 s, 2 s, 4 s) and the login works once it has passed', async () => {
    const browser = h.browser();
    await failTimes(browser, 'alice', 5);
    expect((await attempt(browser, 'alice', 'x')).headers.get('retry-after')).toBe('1');
    h.clock.advance(1000);
    expect((await attempt(browser, 'alice', 'still wrong')).status).toBe(200);
    expect((await attempt(browser, 'alice', 'x')).headers.get('retry-after')).toBe('2');
    h.clock.advance(2000);
    expect((await attempt(browser, 'alice', 'still wrong')).status).toBe(200);
    expect((await attempt(browser, 'alice', 'x')).headers.get('retry-after')).toBe('4');
    h.clock.advance(4000);
    const success = await attempt(browser, 'alice', 'correct horse battery');
    expect(success.status).toBe(302);
    expect(browser.cookie('sessionid')).not.toBeNull();
  });

  test('an attacker on another address cannot lock the victim out', async () => {
    const attacker = h.browser({ ip: '198.51.100.66' });
    // Twenty guesses, as fast as the growing delays allow.
    for (let guesses = 0; guesses < 20; ) {
      const response = await attempt(attacker, 'alice', `guess ${guesses}`);
      const wait = response.headers.get('retry-after');
      if (wait === null) guesses++;
      else h.clock.advance(Number(wait) * 1000);
    }
    expect((await attempt(attacker, 'alice', 'guess')).status).toBe(429);
    const victim = h.browser({ ip: '203.0.113.7' });
    const response = await attempt(victim, 'alice', 'correct horse battery');
    expect(response.status).toBe(302);
  });

  test('a successful login resets the pair: five more mistakes are free again', async () => {
    const browser = h.browser();
    await failTimes(browser, 'alice', 4);
    expect((await attempt(browser, 'alice', 'correct horse battery')).status).toBe(302);
    await failTimes(h.browser(), 'alice', 5);
    expect((await attempt(h.browser(), 'alice', 'x')).status).toBe(429);
  });

  test('a refusal is logged as security.login_throttled, without username or password', async () => {
    const browser = h.browser();
    await failTimes(browser, 'alice', 5);
    await attempt(browser, 'alice', 'the secret guess');
    const events = h.logger.events.filter((e) => e.event === 'security.login_throttled');
    expect(events).toEqual([
      { level: 'warn', event: 'security.login_throttled', fields: { scope: 'pair', retryAfter: 1 } },
    ]);
    expect(JSON.stringify(h.logger.events)).not.toContain('the secret guess');
  });
});

describe('login throttling (JSON API)', () => {
  async function apiAttempt(browser: Browser, username: string, password: string): Promise<Response> {
    const { csrfToken } = (await (await browser.get('/api/csrf/')).json()) as { csrfToken: string };
    return browser.post('/api/login/', {
      json: { username, password },
      headers: { 'x-csrftoken': csrfToken },
    });
  }

  test('429 with Retry-After and {"error"}, the same for unknown usernames, shared with the form', async () => {
    const known = h.browser({ ip: '198.51.100.1' });
    await failTimes(known, 'alice', 3);
    for (let i = 0; i < 2; i++) expect((await apiAttempt(known, 'alice', 'wrong')).status).toBe(401);
    const throttled = await apiAttempt(known, 'alice', 'correct horse battery');
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('1');
    const body = await throttled.json();
    expect(body).toEqual({ error: 'Too many failed login attempts. Please try again in 1 second.' });

    const unknown = h.browser({ ip: '198.51.100.2' });
    for (let i = 0; i < 5; i++) expect((await apiAttempt(unknown, 'ghost', 'wrong')).status).toBe(401);
    const other = await apiAttempt(unknown, 'ghost', 'wrong');
    expect(other.status).toBe(429);
    expect(other.headers.get('retry-after')).toBe('1');
    expect(await other.json()).toEqual(body);
  });
});

describe('LOGIN_THROTTLE_ENABLED=false', () => {
  test('turns throttling off', async () => {
    const off = await startHarness({ settings: { LOGIN_THROTTLE_ENABLED: false } });
    try {
      await off.createUser('alice', 'correct horse battery');
      const browser = off.browser();
      await failTimes(browser, 'alice', 10);
      expect((await attempt(browser, 'alice', 'correct horse battery')).status).toBe(302);
    } finally {
      await off.close();
    }
  });
});
