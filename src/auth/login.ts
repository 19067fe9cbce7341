/**
 * @module `login` (Django's `django.contrib.auth.login`), stricter: the session key and the CSRF
 * secret change at every login, and a session that held another user, or the same user with
 * another password, is flushed rather than kept (INVARIANTS 4).
 */
import { constantTimeEquals } from '../core/signing.js';
import { AUTH_USER_ID_KEY } from '../sessions/session.js';
import type { AuthScope } from './scope.js';
import { AUTH_HASH_KEY } from './session-hash.js';
import { newSessionMeta, SESSION_META_KEY } from './session-meta.js';
import type { AuthUser } from './types.js';

/**
 * Logs `user` in on this request's session.
 * @example
 * const user = await authenticate(ctx, credentials);
 * if (user) await login(ctx, user);
 */
export async function login<User extends AuthUser>(ctx: AuthScope<User>, user: User): Promise<void> {
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
  // Django's rotate_token: a token seen before login is useless after it.
  ctx.csrf.rotate();
  await auth.events.emit('userLoggedIn', { user, origin: ctx.origin() });
  await auth.users.updateLastLogin(user.id, new Date(auth.clock.now()));
}
