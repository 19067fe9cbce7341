/**
 * @module Login throttling (ASVS 5.0 V6.3.1; OWASP Authentication Cheat Sheet, "Login
 * Throttling"): growing delays, never a hard lock-out, keyed so that an attacker cannot slow a
 * victim down from the attacker's own address.
 *
 * Three keys per attempt, each with an allowance of free failures, then a delay that doubles with
 * every further failure up to a cap: the (username, client IP) pair (5 by default: what a guessing
 * attacker meets), the client IP over all usernames (50: password spraying from one address), and
 * the username over all IPs (100: a distributed attack; ASVS 4.0.3 2.2.1 asks for no more than 100
 * failed attempts per hour on one account). A pair feeds the account-wide key only while within
 * its own free allowance, so one address adds at most 5 to it: fewer than 100 / 5 = 20 addresses
 * (IPv6: /64 networks) can never slow the victim down, however long they guess. Attempts count
 * before the password is checked, so parallel requests cannot slip past a delay; a success gives
 * its attempt back.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import { formatIp, parseIp } from '../core/ip.js';
import type { Logger } from '../core/logger.js';
import type { Settings } from '../core/settings.js';
import {
  delayAfter,
  MemoryThrottleStore,
  type ThrottleSchedule,
  type ThrottleStore,
} from './throttle-store.js';
import { normalizeUsername } from './users/normalize.js';

export {
  type ClaimResult,
  delayAfter,
  MemoryThrottleStore,
  type ThrottleRecord,
  type ThrottleSchedule,
  type ThrottleStore,
} from './throttle-store.js';

/** One login attempt as the throttle sees it. */
export interface LoginAttempt {
  /** The username as typed; NFKC-normalised and lower-cased for the key. */
  readonly username: string;
  /** The client's address (resolved through trusted proxies), or `null` when unknown. */
  readonly ip: string | null;
}

/** An attempt the throttle let through; hand it back to {@link LoginThrottle.succeeded}. */
export interface AllowedAttempt {
  readonly allowed: true;
  /** The keys this attempt was counted on. */
  readonly counted: readonly { readonly scope: Scope; readonly key: string }[];
}

/** Whether an attempt may be checked, or how many seconds the client must wait. */
export type ThrottleVerdict = AllowedAttempt | { readonly allowed: false; readonly retryAfter: number };

/** The schedules of the three keys. */
export interface ThrottlePolicy {
  readonly pair: ThrottleSchedule;
  readonly ip: ThrottleSchedule;
  readonly account: ThrottleSchedule;
}

/** Options of {@link LoginThrottle}. */
export interface LoginThrottleOptions {
  readonly policy: ThrottlePolicy;
  readonly clock: Clock;
  readonly store?: ThrottleStore;
  readonly logger?: Logger;
}

/** Which key: the (username, IP) pair, the username over all IPs, the IP over all usernames. */
export type Scope = keyof ThrottlePolicy;

function digest(...parts: string[]): string {
  // Hashed: bounded key size whatever was typed, and no usernames kept in the store.
  return createHash('sha256').update(parts.join('\0')).digest('base64url').slice(0, 22);
}

/** The address a key counts: IPv6 clients by their /64, which one subscriber usually holds whole. */
function ipKey(ip: string | null): string | null {
  const bytes = ip === null ? null : parseIp(ip);
  if (bytes === null) return null;
  return bytes.length === 4
    ? formatIp(bytes)
    : `${formatIp(Uint8Array.from([...bytes.subarray(0, 8), ...new Uint8Array(8)]))}/64`;
}

/**
 * Login throttling. Call {@link LoginThrottle.begin} before checking a password: a refusal is
 * answered at once (429 with `Retry-After`), never by sleeping; call {@link LoginThrottle.succeeded}
 * after a successful login. Unknown usernames are throttled exactly like known ones.
 * @example
 * const verdict = await throttle.begin({ username, ip: request.clientIp });
 * if (!verdict.allowed) return tooManyAttempts(verdict.retryAfter);
 * if (await authenticate(ctx, credentials)) await throttle.succeeded(verdict);
 */
export class LoginThrottle {
  readonly policy: ThrottlePolicy;
  readonly #clock: Clock;
  readonly #store: ThrottleStore;
  readonly #logger: Logger | null;

  constructor(options: LoginThrottleOptions) {
    this.policy = options.policy;
    this.#clock = options.clock;
    this.#store = options.store ?? new MemoryThrottleStore();
    this.#logger = options.logger ?? null;
  }

  #keys(attempt: LoginAttempt): { scope: Scope; key: string }[] {
    const username = normalizeUsername(attempt.username).toLowerCase();
    const ip = ipKey(attempt.ip);
    const account = { scope: 'account' as const, key: `account:${digest(username)}` };
    // Without a client address there is no pair to keep apart from the victim's: only the
    // account-wide ceiling applies, so nobody can trip a victim's delays in five guesses.
    if (ip === null) return [account];
    // The pair first: whether it is still within its allowance decides whether the account counts.
    return [
      { scope: 'pair', key: `pair:${digest(username, ip)}` },
      account,
      { scope: 'ip', key: `ip:${digest(ip)}` },
    ];
  }

  #refuse(scope: Scope, allowedAt: number, now: number): ThrottleVerdict {
    const retryAfter = Math.max(1, Math.ceil((allowedAt - now) / 1000));
    this.#logger?.log('warn', 'security.login_throttled', { scope, retryAfter });
    return { allowed: false, retryAfter };
  }

  /** Counts the attempt, or refuses it (counting nothing) when any key asks for a wait. */
  async begin(attempt: LoginAttempt): Promise<ThrottleVerdict> {
    const now = this.#clock.now();
    const keys = this.#keys(attempt);
    // Peek first, so that a refused attempt writes nothing and reports the longest wait.
    let latest: { scope: Scope; at: number } | null = null;
    for (const { scope, key } of keys) {
      const record = await this.#store.get(key, now);
      const at = record === null ? 0 : record.lastAttemptAt + delayAfter(record.attempts, this.policy[scope]);
      if (at > now && (latest === null || at > latest.at)) latest = { scope, at };
    }
    if (latest !== null) return this.#refuse(latest.scope, latest.at, now);
    const counted: { scope: Scope; key: string }[] = [];
    let pairBeyondAllowance = false;
    for (const { scope, key } of keys) {
      // One address adds at most the pair's allowance to the account-wide key (anti lock-out).
      if (scope === 'account' && pairBeyondAllowance) continue;
      const result = await this.#store.claim(key, this.policy[scope], now);
      if (!result.claimed) {
        // A concurrent request took the slot between the peek and the claim.
        for (const done of counted) await this.#store.release(done.key);
        return this.#refuse(scope, result.allowedAt, now);
      }
      if (scope === 'pair') pairBeyondAllowance = result.attempts > this.policy.pair.freeAttempts;
      counted.push({ scope, key });
    }
    return { allowed: true, counted };
  }

  /** A successful login: the pair starts afresh; the IP and account keys get this attempt back. */
  async succeeded(attempt: AllowedAttempt): Promise<void> {
    // The IP and account keys are not reset: a success on the attacker's own account must not
    // refresh their address's budget, nor the victim's success a distributed attacker's.
    for (const { scope, key } of attempt.counted) {
      if (scope === 'pair') await this.#store.reset(key);
      else await this.#store.release(key);
    }
  }
}

/**
 * The throttle the settings ask for (`LOGIN_THROTTLE_*`), or `null` when `LOGIN_THROTTLE_ENABLED`
 * is false.
 * @example
 * const throttle = createLoginThrottle({ settings, clock: systemClock });
 */
export function createLoginThrottle(options: {
  settings: Settings;
  clock: Clock;
  logger?: Logger;
  store?: ThrottleStore;
}): LoginThrottle | null {
  const s = options.settings;
  if (!s.LOGIN_THROTTLE_ENABLED) return null;
  const schedule = (freeAttempts: number): ThrottleSchedule => ({
    freeAttempts,
    baseDelayMs: s.LOGIN_THROTTLE_BASE_DELAY * 1000,
    maxDelayMs: s.LOGIN_THROTTLE_MAX_DELAY * 1000,
    windowMs: s.LOGIN_THROTTLE_WINDOW * 1000,
  });
  return new LoginThrottle({
    policy: {
      pair: schedule(s.LOGIN_THROTTLE_FREE_ATTEMPTS),
      ip: schedule(s.LOGIN_THROTTLE_IP_FREE_ATTEMPTS),
      account: schedule(s.LOGIN_THROTTLE_ACCOUNT_FREE_ATTEMPTS),
    },
    clock: options.clock,
    ...(options.store ? { store: options.store } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
}
