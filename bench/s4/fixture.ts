/**
 * @module The S4 population: `total` sessions, ten per user, and the one user whose ten sessions
 * "log out everywhere" ends. Payloads are real signed session data (Latchkey's codec, which is
 * Django's signing format), one per user, so decoding a row costs what it costs in production.
 */
import { createHash } from 'node:crypto';
import { systemClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { createSignedCodec, type SessionCodec } from '../../src/sessions/codec.js';

/** Sessions each user holds, the target user included. */
export const SESSIONS_PER_USER = 10;
/** The user whose sessions are ended. */
export const TARGET_USER = '1';
/** Signing key of the fixture's payloads (never a real one). */
export const FIXTURE_SECRET = 'bench-s4-fixture-secret-that-is-long-enough-0123456789abcdef';
/** How long every fixture session stays valid. */
export const FIXTURE_TTL_MS = 14 * 24 * 3600 * 1000;

/** The session codec of the fixture (and of the Django-style decode it is compared with). */
export function fixtureCodec(): SessionCodec {
  return createSignedCodec({
    secret: FIXTURE_SECRET,
    fallbacks: [],
    clock: systemClock,
    logger: silentLogger,
  });
}

/**
 * The 32-character key of session `index` of user `user` (`[a-z0-9]`, like a generated key; the
 * target's keys carry a round number so re-creating them between trials gives new ones). `tag` is
 * the store's `userKeyTag(user)` where it has one (Redis keeps a user's sessions in one slot and
 * refuses a logged-in record under another key, as login never makes one).
 */
export function sessionKey(user: number, index: number, round = 0, tag = ''): string {
  return `${tag}${user.toString(36)}x${index.toString(36)}x${round.toString(36)}`.padEnd(32, '0');
}

/** The signed payload of one user's sessions: user id, auth hash and backend, as Django keeps them. */
export function payloadFor(codec: SessionCodec, user: number): string {
  const hash = createHash('sha256').update(`password-of-${user}`).digest('hex');
  return codec.encode({
    _auth_user_id: String(user),
    _auth_user_backend: 'django.contrib.auth.backends.ModelBackend',
    _auth_user_hash: hash,
  });
}

/** Calls `each(user, index)` for every session of the population, user by user. */
export function forEachSession(total: number, each: (user: number, index: number) => void): void {
  const users = Math.ceil(total / SESSIONS_PER_USER);
  for (let user = 1; user <= users; user++) {
    for (
      let index = 0;
      index < SESSIONS_PER_USER && (user - 1) * SESSIONS_PER_USER + index < total;
      index++
    ) {
      each(user, index);
    }
  }
}

/** One S4 result: how long loading took, and each timed "log out everywhere". */
export interface S4Measurement {
  readonly approach: string;
  readonly total: number;
  readonly loadSeconds: number;
  readonly trialsMs: readonly number[];
  /** Sessions each trial ended (must be 10). */
  readonly ended: readonly number[];
}

/** Times `work` in milliseconds. */
export async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await work();
  return { ms: performance.now() - start, value };
}
