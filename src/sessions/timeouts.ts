/**
 * @module Idle and absolute session timeouts (ASVS 5.0 V7.3.1, V7.3.2; OWASP Session Management
 * Cheat Sheet, "Session Expiration"), kept as two stamps in the session's own signed data so that
 * every store has them: when the record was created (or its key cycled), and the last activity.
 */
import type { SessionData } from './codec.js';

/** Session data key: when the record was created or its key cycled (login), in Unix seconds. */
export const CREATED_KEY = '_session_created';
/** Session data key: the last request that loaded the session, in Unix seconds (to the activity interval). */
export const ACTIVITY_KEY = '_session_activity';
/** The stamps, which survive `clear()`: emptying the data must not restart the clocks. */
export const TIMEOUT_KEYS: readonly string[] = [CREATED_KEY, ACTIVITY_KEY];

/** The two timeouts, in seconds; 0 or absent turns one off. */
export interface TimeoutPolicy {
  /** Seconds without a request that end the session (`SESSION_IDLE_TIMEOUT`). */
  readonly idleTimeout?: number;
  /** Seconds after creation or login that end it, however active (`SESSION_ABSOLUTE_TIMEOUT`). */
  readonly absoluteTimeout?: number;
}

/**
 * How often the last-activity stamp is refreshed, in seconds: a tenth of the idle timeout, at
 * least 1 s and at most 60 s. Refreshing it is a write, so INVARIANTS 12 ("a save only when
 * something changed") holds between refreshes; the price is that a session may end up to this
 * much before `idleTimeout` has fully passed since its very last request (early, never late).
 * @example
 * activityInterval(900); // 60
 */
export function activityInterval(idleTimeout: number): number {
  return Math.min(60, Math.max(1, Math.floor(idleTimeout / 10)));
}

/**
 * When the timeouts end the session, in ms since the epoch, or `null` when none applies.
 * @example
 * timeoutDeadline({ [CREATED_KEY]: 1_700_000_000 }, { absoluteTimeout: 3600 }); // 1_700_003_600_000
 */
export function timeoutDeadline(data: SessionData, policy: TimeoutPolicy): number | null {
  const { idleTimeout = 0, absoluteTimeout = 0 } = policy;
  const created = data[CREATED_KEY];
  const activity = data[ACTIVITY_KEY];
  const deadlines: number[] = [];
  if (absoluteTimeout > 0 && typeof created === 'number') deadlines.push((created + absoluteTimeout) * 1000);
  if (idleTimeout > 0 && typeof activity === 'number') deadlines.push((activity + idleTimeout) * 1000);
  return deadlines.length === 0 ? null : Math.min(...deadlines);
}

/**
 * Starts both clocks for a new record (a first save, or a new key at login).
 * @example
 * startTimeouts(data, policy, clock.now());
 */
export function startTimeouts(data: SessionData, policy: TimeoutPolicy, now: number): void {
  const seconds = Math.floor(now / 1000);
  if ((policy.absoluteTimeout ?? 0) > 0) data[CREATED_KEY] = seconds;
  if ((policy.idleTimeout ?? 0) > 0) data[ACTIVITY_KEY] = seconds;
}

/**
 * On load: records creation when missing (a session from before the timeout was enabled starts
 * its clock now) and activity at most once per {@link activityInterval}. Returns whether the data
 * changed, i.e. whether the session must be saved.
 * @example
 * if (touchTimeouts(data, policy, clock.now())) session.markModified();
 */
export function touchTimeouts(data: SessionData, policy: TimeoutPolicy, now: number): boolean {
  const { idleTimeout = 0, absoluteTimeout = 0 } = policy;
  const seconds = Math.floor(now / 1000);
  let changed = false;
  if (absoluteTimeout > 0 && typeof data[CREATED_KEY] !== 'number') {
    data[CREATED_KEY] = seconds;
    changed = true;
  }
  const activity = data[ACTIVITY_KEY];
  if (
    idleTimeout > 0 &&
    (typeof activity !== 'number' || seconds - activity >= activityInterval(idleTimeout))
  ) {
    data[ACTIVITY_KEY] = seconds;
    changed = true;
  }
  return changed;
}
