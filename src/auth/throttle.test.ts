import { describe, expect, test } from 'vitest';
import { createManualClock, type ManualClock } from '../core/clock.js';
import { createMemoryLogger } from '../core/logger.js';
import { defineSettings } from '../core/settings.js';
import { type AllowedAttempt, createLoginThrottle, type LoginAttempt, LoginThrottle } from './throttle.js';
import { MemoryThrottleStore, type ThrottleSchedule } from './throttle-store.js';

const SECOND = 1000;
const schedule = (freeAttempts: number): ThrottleSchedule => ({
  freeAttempts,
  baseDelayMs: SECOND,
  maxDelayMs: 900 * SECOND,
  windowMs: 3600 * SECOND,
});

function setup(options: { store?: MemoryThrottleStore } = {}): {
  throttle: LoginThrottle;
  clock: ManualClock;
} {
  const clock = createManualClock();
  const throttle = new LoginThrottle({
    policy: { pair: schedule(5), ip: schedule(50), account: schedule(100) },
    clock,
    store: options.store ?? new MemoryThrottleStore(),
  });
  return { throttle, clock };
}

/** Makes `n` attempts that all fail, asserting each was allowed. */
async function fail(throttle: LoginThrottle, attempt: LoginAttempt, n: number): Promise<void> {
  for (let i = 0; i < n; i++) expect((await throttle.begin(attempt)).allowed, `attempt ${i + 1}`).toBe(true);
}

const attacker = { username: 'alice', ip: '198.51.100.66' };
const victim = { username: 'alice', ip: '203.0.113.7' };

describe('LoginThrottle', () => {
  test('after five failures the pair must wait 1 s, then 2 s, 4 s …, answered at once, never by sleeping', async () => {
    const { throttle, clock } = setup();
    await fail(throttle, attacker, 5);
    expect(await throttle.begin(attacker)).toEqual({ allowed: false, retryAfter: 1 });
    clock.advance(SECOND);
    await fail(throttle, attacker, 1);
    expect(await throttle.begin(attacker)).toEqual({ allowed: false, retryAfter: 2 });
    clock.advance(2 * SECOND);
    await fail(throttle, attacker, 1);
    expect(await throttle.begin(attacker)).toEqual({ allowed: false, retryAfter: 4 });
  });

  test('the delay is capped at the maximum', async () => {
    const { throttle, clock } = setup();
    for (let i = 0; i < 30; i++) {
      const verdict = await throttle.begin(attacker);
      if (!verdict.allowed) {
        expect(verdict.retryAfter).toBeLessThanOrEqual(900);
        clock.advance(verdict.retryAfter * SECOND);
      }
    }
    await throttle.begin(attacker);
    expect(await throttle.begin(attacker)).toEqual({ allowed: false, retryAfter: 900 });
  });

  test('refused attempts count nothing: hammering during a delay does not extend it', async () => {
    const { throttle, clock } = setup();
    await fail(throttle, attacker, 5);
    for (let i = 0; i < 50; i++) expect((await throttle.begin(attacker)).allowed).toBe(false);
    clock.advance(SECOND);
    expect((await throttle.begin(attacker)).allowed).toBe(true);
  });

  test('an attacker on one address cannot slow the victim down on theirs', async () => {
    const { throttle, clock } = setup();
    // Forty guesses at the pace the delays allow (about three hours).
    for (let allowed = 0; allowed < 40; ) {
      const verdict = await throttle.begin(attacker);
      if (verdict.allowed) allowed++;
      else clock.advance(verdict.retryAfter * SECOND);
    }
    expect(await throttle.begin(attacker)).toEqual({ allowed: false, retryAfter: 900 });
    expect((await throttle.begin(victim)).allowed).toBe(true);
  });

  test('one address never trips the account-wide ceiling, however long it guesses', async () => {
    const { throttle, clock } = setup();
    // 300 guesses at the capped pace: more than three days.
    for (let allowed = 0; allowed < 300; ) {
      const verdict = await throttle.begin(attacker);
      if (verdict.allowed) allowed++;
      else clock.advance(verdict.retryAfter * SECOND);
    }
    await fail(throttle, victim, 5);
  });

  test('nineteen addresses (below 100 / 5) cannot slow the victim down; twenty can, by design', async () => {
    const { throttle, clock } = setup();
    const guess = async (ip: string, times: number): Promise<void> => {
      for (let allowed = 0; allowed < times; ) {
        const verdict = await throttle.begin({ username: 'alice', ip });
        if (verdict.allowed) allowed++;
        else clock.advance(verdict.retryAfter * SECOND);
      }
    };
    // Each address spends its free guesses at once, then keeps guessing as its delays allow.
    for (let i = 0; i < 19; i++) await fail(throttle, { username: 'alice', ip: `192.0.2.${i}` }, 5);
    for (let i = 0; i < 19; i++) await guess(`192.0.2.${i}`, 3);
    const login = await throttle.begin(victim);
    expect(login.allowed).toBe(true);
    await throttle.succeeded(login as AllowedAttempt);
    await fail(throttle, { username: 'alice', ip: '192.0.2.19' }, 5);
    expect(await throttle.begin(victim)).toEqual({ allowed: false, retryAfter: 1 });
  });

  test('the account-wide ceiling stops a distributed attack: 100 failures from many addresses', async () => {
    const { throttle } = setup();
    for (let i = 0; i < 100; i++) await fail(throttle, { username: 'alice', ip: `192.0.2.${i}` }, 1);
    const fresh = await throttle.begin({ username: 'alice', ip: '203.0.113.99' });
    expect(fresh).toEqual({ allowed: false, retryAfter: 1 });
    // Other accounts are untouched.
    expect((await throttle.begin({ username: 'bob', ip: '203.0.113.99' })).allowed).toBe(true);
  });

  test('the per-IP key stops password spraying from one address across many usernames', async () => {
    const { throttle } = setup();
    for (let i = 0; i < 50; i++) await fail(throttle, { username: `user${i}`, ip: attacker.ip }, 1);
    expect(await throttle.begin({ username: 'user-new', ip: attacker.ip })).toEqual({
      allowed: false,
      retryAfter: 1,
    });
    expect((await throttle.begin({ username: 'user-new', ip: victim.ip })).allowed).toBe(true);
  });

  test('a success resets the pair but gives back only its own attempt to the IP and account keys', async () => {
    const { throttle } = setup();
    await fail(throttle, attacker, 4);
    await throttle.succeeded((await throttle.begin(attacker)) as AllowedAttempt);
    await fail(throttle, attacker, 5);
    expect((await throttle.begin(attacker)).allowed).toBe(false);
    // Spraying with one's own valid account in between does not refresh the address's budget.
    const { throttle: t2 } = setup();
    const own = { username: 'mallory', ip: attacker.ip };
    for (let i = 0; i < 49; i++) {
      await fail(t2, { username: `user${i}`, ip: attacker.ip }, 1);
      if (i % 4 === 0) await t2.succeeded((await t2.begin(own)) as AllowedAttempt);
    }
    await fail(t2, { username: 'user49', ip: attacker.ip }, 1);
    expect((await t2.begin({ username: 'user50', ip: attacker.ip })).allowed).toBe(false);
  });

  test('parallel attempts cannot slip past a delay: one of twenty gets through when it ends', async () => {
    const { throttle, clock } = setup();
    await fail(throttle, attacker, 5);
    clock.advance(SECOND);
    const verdicts = await Promise.all(Array.from({ length: 20 }, () => throttle.begin(attacker)));
    expect(verdicts.filter((v) => v.allowed)).toHaveLength(1);
  });

  test('parallel attempts in the free allowance: at most five get through', async () => {
    const { throttle } = setup();
    const verdicts = await Promise.all(Array.from({ length: 20 }, () => throttle.begin(attacker)));
    expect(verdicts.filter((v) => v.allowed)).toHaveLength(5);
  });

  test('failures are forgotten after the window without attempts', async () => {
    const { throttle, clock } = setup();
    await fail(throttle, attacker, 5);
    clock.advance(3600 * SECOND);
    await fail(throttle, attacker, 5);
  });

  test('usernames are NFKC-normalised and case-folded for the key', async () => {
    const { throttle } = setup();
    await fail(throttle, { ...attacker, username: 'ALICE' }, 3);
    await fail(throttle, { ...attacker, username: 'ａｌｉｃｅ' }, 2);
    expect((await throttle.begin(attacker)).allowed).toBe(false);
  });

  test('IPv6 clients count by their /64; IPv4-mapped addresses are their IPv4 address', async () => {
    const { throttle } = setup();
    await fail(throttle, { username: 'alice', ip: '2001:db8:1:2::1' }, 5);
    expect((await throttle.begin({ username: 'alice', ip: '2001:db8:1:2:ffff::9' })).allowed).toBe(false);
    expect((await throttle.begin({ username: 'alice', ip: '2001:db8:1:3::1' })).allowed).toBe(true);
    await fail(throttle, { username: 'bob', ip: '192.0.2.1' }, 5);
    expect((await throttle.begin({ username: 'bob', ip: '::ffff:192.0.2.1' })).allowed).toBe(false);
  });

  test('without a client address only the account-wide ceiling applies (no five-guess lock-out)', async () => {
    const { throttle } = setup();
    await fail(throttle, { username: 'alice', ip: null }, 100);
    expect((await throttle.begin({ username: 'alice', ip: null })).allowed).toBe(false);
  });

  test('a refusal is logged as a security event without username or address', async () => {
    const logger = createMemoryLogger();
    const clock = createManualClock();
    const throttle = new LoginThrottle({
      policy: { pair: schedule(1), ip: schedule(50), account: schedule(100) },
      clock,
      logger,
    });
    await fail(throttle, attacker, 1);
    await throttle.begin(attacker);
    expect(logger.events).toEqual([
      { level: 'warn', event: 'security.login_throttled', fields: { scope: 'pair', retryAfter: 1 } },
    ]);
  });
});

describe('createLoginThrottle', () => {
  test('follows the LOGIN_THROTTLE_* settings, and is off when disabled', async () => {
    const clock = createManualClock();
    const settings = defineSettings({
      DEBUG: true,
      LOGIN_THROTTLE_FREE_ATTEMPTS: 2,
      LOGIN_THROTTLE_BASE_DELAY: 10,
      LOGIN_THROTTLE_MAX_DELAY: 60,
      LOGIN_THROTTLE_WINDOW: 120,
    });
    const throttle = createLoginThrottle({ settings, clock });
    expect(throttle?.policy.pair).toEqual({
      freeAttempts: 2,
      baseDelayMs: 10_000,
      maxDelayMs: 60_000,
      windowMs: 120_000,
    });
    expect(throttle?.policy.account.freeAttempts).toBe(100);
    await fail(throttle as LoginThrottle, attacker, 2);
    expect(await throttle?.begin(attacker)).toEqual({ allowed: false, retryAfter: 10 });
    expect(
      createLoginThrottle({
        settings: defineSettings({ DEBUG: true, LOGIN_THROTTLE_ENABLED: false }),
        clock,
      }),
    ).toBeNull();
  });
});
