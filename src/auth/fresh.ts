/**
 * @module How fresh a login is (better-auth's "fresh age", GitHub's sudo mode, OIDC's
 * `auth_time`): a password login or a re-authentication stamps the session with the time; a
 * session restored by a remember-me token or an API token carries no stamp, so it is never fresh.
 */
import type { AuthScope } from './scope.js';
import type { AuthUser } from './types.js';

/** Session data key of the time (ms since the epoch) the password was last checked. */
export const AUTH_TIME_KEY = '_auth_time';

/**
 * Stamps the session: the password was just checked.
 * @example
 * await markFresh(ctx); // after login or re-authentication
 */
export async function markFresh<User extends AuthUser>(ctx: AuthScope<User>): Promise<void> {
  await ctx.session.set(AUTH_TIME_KEY, ctx.auth.clock.now());
}

/**
 * Whether the request's user logged in, or re-entered the password, on this session within
 * `REAUTH_MAX_AGE`. API tokens and sessions restored by a remember-me token are never fresh.
 * @example
 * if (!(await isFresh(ctx))) return reauthRequired(ctx, { next: '/accounts/sessions/' });
 */
export async function isFresh<User extends AuthUser>(ctx: AuthScope<User>): Promise<boolean> {
  if ((await ctx.user()) === null || ctx.authMethod !== 'session') return false;
  const at = await ctx.session.get(AUTH_TIME_KEY);
  if (typeof at !== 'number') return false;
  const age = ctx.auth.clock.now() - at;
  // A stamp from the future (a clock moved back) is not trusted either.
  return age >= 0 && age <= ctx.auth.reauthMaxAge * 1000;
}

/**
 * Checks the logged-in user's password again (GitHub's sudo mode). On success the session gets a
 * new key — a privilege change, like a login (OWASP Session Management Cheat Sheet) — and a fresh
 * stamp, and `reauthenticated` is emitted; a wrong password emits `userLoginFailed` like a login.
 * Only a session can be made fresh: an API token request gets `false`.
 * @example
 * if (await confirmPassword(ctx, user, form.get('password') ?? '')) return redirect(next);
 */
export async function confirmPassword<User extends AuthUser>(
  ctx: AuthScope<User>,
  user: User,
  password: string,
): Promise<boolean> {
  const { auth } = ctx;
  const { valid } = await auth.passwords.check(password, user.password);
  if (!valid || ctx.authMethod !== 'session') {
    await auth.events.emit('userLoginFailed', {
      credentials: { username: user.username, password: '********' },
      origin: ctx.origin(),
    });
    return false;
  }
  await ctx.session.cycleKey();
  await markFresh(ctx);
  await auth.events.emit('reauthenticated', { user, origin: ctx.origin() });
  return true;
}
