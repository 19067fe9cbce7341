/**
 * @module `login` (Django's `django.contrib.auth.login`), stricter: the session key and the CSRF
 * secret change at every login, and a session that held another user, or the same user with
 * another password, is flushed rather than kept (INVARIANTS 4). A password login is also "fresh"
 * (see `fresh.ts`) and may start a remember-me series.
 */
import { constantTimeEquals } from '../core/signing.js';
import { AUTH_HASH_KEY, type RequestContext } from '../http/context.js';
import { AUTH_USER_ID_KEY } from '../sessions/session.js';
import { markFresh } from './fresh.js';
import { newSessionMeta, SESSION_META_KEY } from './session-meta.js';
import type { AuthUser } from './types.js';

/** Options of {@link login}. */
export interface LoginOptions {
  /** The "remember me" box was ticked: also set a `remember_token` cookie (when the app has a store for it). */
  readonly remember?: boolean;
}

/**
 * Puts `user` on this request's session with a new key: what every login and a remember-me
 * restore share. No event, no CSRF rotation, no freshness stamp.
 * @example
 * await startSession(ctx, user);
 */
export async function startSession<User extends AuthUser>(
  ctx: RequestContext<User>,
  user: User,
): Promise<void> {
  const { session, app } = ctx;
  const hash = app.sessionAuthHash(user);
  const previousId = await session.get(AUTH_USER_ID_KEY);
  const previousHash = await session.get(AUTH_HASH_KEY);
  const sameUser =
    previousId === user.id && typeof previousHash === 'string' && constantTimeEquals(previousHash, hash);
  if (previousId !== undefined && !sameUser) {
    // Another user's data must not leak into this one's session.
    await session.flush();
  } else {
    // Against session fixation (OWASP Session Management: renew the ID on privilege change).
    await session.cycleKey();
  }
  await session.set(AUTH_USER_ID_KEY, user.id);
  await session.set(AUTH_HASH_KEY, hash);
  await session.set(SESSION_META_KEY, newSessionMeta(ctx.origin(), app.clock.now()));
  ctx.setUser(user);
}

/**
 * Logs `user` in on this request's session.
 * @example
 * const user = await authenticate(ctx, credentials);
 * if (user) await login(ctx, user, { remember: form.get('remember') === 'on' });
 */
export async function login<User extends AuthUser>(
  ctx: RequestContext<User>,
  user: User,
  options: LoginOptions = {},
): Promise<void> {
  const { app } = ctx;
  await startSession(ctx, user);
  await markFresh(ctx);
  // Django's rotate_token: a token seen before login is useless after it.
  ctx.csrf.rotate();
  await app.rememberMe?.afterLogin(ctx, user, options);
  await app.events.emit('userLoggedIn', { user, origin: ctx.origin() });
  await app.users.updateLastLogin(user.id, new Date(app.clock.now()));
}
