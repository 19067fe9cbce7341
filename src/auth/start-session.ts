/**
 * @module What every login and a remember-me restore share: the user goes onto this request's
 * session under a new key, and a session that held another user (or the same user with another
 * password) is flushed rather than kept (INVARIANTS 4). No event, no CSRF rotation, no freshness.
 */
import { constantTimeEquals } from '../core/signing.js';
import { AUTH_USER_ID_KEY } from '../sessions/session.js';
import type { AuthScope } from './scope.js';
import { AUTH_HASH_KEY } from './session-hash.js';
import { newSessionMeta, SESSION_META_KEY } from './session-meta.js';
import type { AuthUser } from './types.js';

/**
 * Puts `user` on the request's session with a new key.
 * @example
 * await startSession(ctx, user);
 */
export async function startSession<User extends AuthUser>(ctx: AuthScope<User>, user: User): Promise<void> {
  const { session, auth } = ctx;
  const hash = auth.sessionAuthHash(user);
  const previousId = await session.get(AUTH_USER_ID_KEY);
  const previousHash = await session.get(AUTH_HASH_KEY);
  const sameUser =
    previousId === user.id && typeof previousHash === 'string' && constantTimeEquals(previousHash, hash);
  // Another user's data must not leak into this one's session.
  if (previousId !== undefined && !sameUser) await session.flush();
  await session.set(AUTH_USER_ID_KEY, user.id);
  await session.set(AUTH_HASH_KEY, hash);
  await session.set(SESSION_META_KEY, newSessionMeta(ctx.origin(), auth.clock.now()));
  // Against session fixation (OWASP Session Management: renew the ID on privilege change). Cycled once
  // the user is set, so the new key is one the store keeps with the user's other sessions (Redis Cluster).
  await session.cycleKey();
  ctx.setUser(user);
}
