/**
 * @module `login` (Django's `django.contrib.auth.login`), stricter: the session key and the CSRF
 * secret change at every login, and a session that held another user, or the same user with
 * another password, is flushed rather than kept (INVARIANTS 4). A password login is also "fresh"
 * (see `fresh.ts`) and may start a remember-me series.
 */
import { markFresh } from './fresh.js';
import { rememberLogin } from './remember/series.js';
import type { AuthScope } from './scope.js';
import { startSession } from './start-session.js';
import type { AuthUser } from './types.js';

/** Options of {@link login}. */
export interface LoginOptions {
  /** The "remember me" box was ticked: also set a `remember_token` cookie (when the app keeps series). */
  readonly remember?: boolean;
}

/**
 * Logs `user` in on this request's session.
 * @example
 * const user = await authenticate(ctx, credentials);
 * if (user) await login(ctx, user, { remember: form.get('remember') === 'on' });
 */
export async function login<User extends AuthUser>(
  ctx: AuthScope<User>,
  user: User,
  options: LoginOptions = {},
): Promise<void> {
  const { auth } = ctx;
  await startSession(ctx, user);
  await markFresh(ctx);
  // Django's rotate_token: a token seen before login is useless after it.
  ctx.csrf.rotate();
  await rememberLogin(ctx, user, options);
  await auth.events.emit('userLoggedIn', { user, origin: ctx.origin() });
  await auth.users.updateLastLogin(user.id, new Date(auth.clock.now()));
}
