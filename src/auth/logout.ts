/**
 * @module `logout` (Django's `django.contrib.auth.logout`): the hooks see the real user first,
 * then the server record is deleted (the old cookie is dead everywhere, ASVS 7.4.1), then the
 * request is anonymous; this browser's remember-me series ends too. Deleting the cookies happens
 * when the response is committed.
 */
import { forgetPresentedSeries } from './remember/series.js';
import type { AuthScope } from './scope.js';
import type { AuthUser } from './types.js';

/**
 * Logs the request's user out (INVARIANTS 3, first three steps).
 * @example
 * await logout(ctx);
 */
export async function logout<User extends AuthUser>(ctx: AuthScope<User>): Promise<void> {
  const user = await ctx.user();
  await ctx.auth.events.emit('userLoggedOut', { user, origin: ctx.origin() });
  // Logging out with an API token revokes that token (Django REST framework's knox-style logout).
  if (ctx.authMethod === 'token' && ctx.authorization.kind === 'token') {
    await ctx.auth.tokens?.revoke(ctx.authorization.token);
  }
  await ctx.session.flush();
  // A remembered browser must not log itself back in at the next request.
  await forgetPresentedSeries(ctx);
  ctx.setUser(null);
}
