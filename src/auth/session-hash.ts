/**
 * @module The session auth hash (Django's `get_session_auth_hash`): an HMAC of the stored password
 * hash, kept in the session at login and compared on every request, so that a password change
 * ends every other session of the user (INVARIANTS 5).
 */
import { constantTimeEquals, type SigningKeys, saltedHmac } from '../core/signing.js';
import type { AuthUser } from './types.js';

const SALT = 'latchkey.auth.AbstractBaseUser.get_session_auth_hash';
/** Django's key salt (`AbstractBaseUser.get_session_auth_hash`), for sessions shared with Django. */
export const DJANGO_SESSION_AUTH_HASH_SALT =
  'django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash';

/** Session data key of the session auth hash (Django's `HASH_SESSION_KEY`). */
export const AUTH_HASH_KEY = '_auth_user_hash';

/**
 * The hash of `user`'s current password under `secret`, as hex; `salt` is Latchkey's own unless
 * given (Django's, {@link DJANGO_SESSION_AUTH_HASH_SALT}, when sessions are shared with Django).
 */
export function sessionAuthHash(
  user: Pick<AuthUser, 'password'>,
  secret: string,
  salt: string = SALT,
): string {
  return saltedHmac(salt, user.password, secret).toString('hex');
}

/** The keys of the session auth hash, and its key salt when it is not Latchkey's own (Django mode). */
export interface SessionHashKeys extends SigningKeys {
  readonly salt?: string;
}

/** How a stored hash compares with the user's current password. */
export type SessionHashMatch = 'current' | 'fallback' | 'mismatch';

/**
 * Compares a session's stored hash with `user`'s, in constant time, trying the secret and then
 * its fallbacks; `'fallback'` means the session is genuine but should be re-hashed with the current key.
 * @example
 * if (verifySessionAuthHash(stored, user, keys) === 'mismatch') await session.flush();
 */
export function verifySessionAuthHash(
  stored: unknown,
  user: Pick<AuthUser, 'password'>,
  keys: SessionHashKeys,
): SessionHashMatch {
  if (typeof stored !== 'string') return 'mismatch';
  if (constantTimeEquals(stored, sessionAuthHash(user, keys.secret, keys.salt))) return 'current';
  let fallback = false;
  for (const key of keys.fallbacks ?? [])
    fallback = constantTimeEquals(stored, sessionAuthHash(user, key, keys.salt)) || fallback;
  return fallback ? 'fallback' : 'mismatch';
}
