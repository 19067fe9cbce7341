/**
 * @module The public name of a session: a hash of its key. Audit rows and session lists show it,
 * so a leaked audit table or page never yields a usable session key (INVARIANTS 9).
 */
import { createHash } from 'node:crypto';

/** Length of {@link hashSessionKey}'s output: 128 bits, as hex. */
export const SESSION_HASH_LENGTH = 32;

/**
 * The SHA-256 of `key`, as hex, cut to 32 characters. Session keys are 32 random characters
 * from a CSPRNG, so the hash cannot be reversed by guessing (OWASP Session Management Cheat
 * Sheet: log a salted hash or an identifier, never the session ID itself).
 * @example
 * hashSessionKey(session.key); // 'a3f1…' (32 hex characters)
 */
export function hashSessionKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex').slice(0, SESSION_HASH_LENGTH);
}
