/**
 * @module The remember-me token itself, knowing nothing of storage or HTTP: a series id and a
 * secret in one cookie value, their SHA-256 hashes, and the verdict on a presented secret —
 * Barry Jaspan's "Improved Persistent Login Cookie Best Practice" (2006) with a grace window for
 * parallel requests. Comparisons are constant-time (INVARIANTS 14).
 */
import { createHash } from 'node:crypto';
import { constantTimeEquals } from '../../core/signing.js';
import { randomString } from '../../sessions/keys.js';

/** The cookie's name (../shared/CONTRACT.md). */
export const REMEMBER_COOKIE_NAME = 'remember_token';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** 24 characters, about 143 bits: the series names one remembered device. */
export const SERIES_LENGTH = 24;
/** 40 characters, about 238 bits: the secret changes at every use. */
export const SECRET_LENGTH = 40;
const cookiePattern = new RegExp(`^([A-Za-z0-9]{${SERIES_LENGTH}})\\.([A-Za-z0-9]{${SECRET_LENGTH}})$`);

/** A token as the browser holds it. */
export interface RememberToken {
  readonly series: string;
  readonly secret: string;
}

/** A new series id from the CSPRNG. */
export function newSeries(): string {
  return randomString(SERIES_LENGTH, ALPHABET);
}

/** A new secret from the CSPRNG. */
export function newSecret(): string {
  return randomString(SECRET_LENGTH, ALPHABET);
}

/**
 * The stored form of a series or secret. Both are long random strings, so an unsalted SHA-256
 * cannot be reversed, and a leaked table holds nothing a browser could present.
 */
export function hashRememberPart(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/**
 * The cookie value of a token.
 * @example
 * formatRememberCookie({ series: newSeries(), secret: newSecret() }); // 'Ab3….Xy9…'
 */
export function formatRememberCookie(token: RememberToken): string {
  return `${token.series}.${token.secret}`;
}

/** Parses a cookie value; `null` for anything that is not exactly a series and a secret. */
export function parseRememberCookie(value: string | null | undefined): RememberToken | null {
  const match = typeof value === 'string' ? cookiePattern.exec(value) : null;
  if (match === null) return null;
  return { series: match[1] as string, secret: match[2] as string };
}

/** What the store keeps of a series' secrets. */
export interface StoredSecrets {
  readonly secretHash: string;
  readonly previousSecretHash: string | null;
  /** When the secret last changed, ms since the epoch. */
  readonly rotatedAt: number;
}

/**
 * How a presented secret relates to its live series:
 * - `current`: the newest secret; the token is used and rotated;
 * - `grace`: the secret before the last rotation, within the grace window — a parallel request
 *   that left with the old cookie (two tabs after a browser restart); accepted, not rotated again;
 * - `theft`: anything else. Only someone who once held this series' cookie can name the series,
 *   and a secret it no longer accepts means two parties used it (Jaspan).
 */
export type RememberVerdict = 'current' | 'grace' | 'theft';

/**
 * Judges `secret` against a live series' stored secrets at time `now` (ms).
 * @example
 * judgeRememberSecret(stored, token.secret, { now: clock.now(), graceMs: 10_000 }); // 'current'
 */
export function judgeRememberSecret(
  stored: StoredSecrets,
  secret: string,
  options: { readonly now: number; readonly graceMs: number },
): RememberVerdict {
  const presented = hashRememberPart(secret);
  // Both comparisons always run, so timing does not tell which secret matched.
  const current = constantTimeEquals(presented, stored.secretHash);
  const previous =
    stored.previousSecretHash !== null && constantTimeEquals(presented, stored.previousSecretHash);
  if (current) return 'current';
  if (previous && options.now - stored.rotatedAt <= options.graceMs) return 'grace';
  return 'theft';
}
