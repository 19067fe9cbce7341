/**
 * @module "Log out everywhere", "log out other sessions" and "end that session": every session,
 * API token and remember-me series of a user ends at once, at a cost of O(that user's sessions) through the store's
 * per-user index — never a scan of all sessions (Django's documented approach decodes every row).
 */
import { constantTimeEquals } from '../core/signing.js';
import { hashSessionKey } from '../sessions/public-id.js';
import type { EventOrigin } from './events.js';
import { logout } from './logout.js';
import { forgetUserSeries } from './remember/series.js';
import type { AuthScope } from './scope.js';
import type { AuthServices } from './services.js';
import type { AuthUser } from './types.js';

/** What was ended. */
export interface RevokedCount {
  readonly sessions: number;
  readonly tokens: number;
  /** Remember-me series (remembered devices). */
  readonly remembered: number;
}

/**
 * Ends every session, API token and remember-me series of `user` — the one path that password
 * resets, remember-me theft and "log out everywhere" share (INVARIANTS 14). Takes anything that carries the
 * app's {@link AuthServices}: the `Latchkey` instance or a request's context.
 * @example
 * await logoutAll(latchkey, user); // e.g. from an admin action or `npx latchkey logout-all alice`
 */
export async function logoutAll<User extends AuthUser>(
  owner: { readonly auth: AuthServices<User> },
  user: User,
  options: { readonly origin?: EventOrigin } = {},
): Promise<RevokedCount> {
  const { auth } = owner;
  const sessions = await auth.sessions.endAll(user.id);
  const tokens = (await auth.tokens?.revokeAll(user.id)) ?? 0;
  const remembered = await forgetUserSeries(auth, user.id);
  await auth.events.emit('sessionsRevoked', {
    user,
    sessions,
    tokens,
    remembered,
    origin: options.origin ?? null,
  });
  return { sessions, tokens, remembered };
}

/**
 * Ends every other session and token of the request's user; this one stays logged in.
 * Returns `null` when nobody is logged in.
 * @example
 * const revoked = await logoutOthers(ctx);
 */
export async function logoutOthers<User extends AuthUser>(
  ctx: AuthScope<User>,
): Promise<RevokedCount | null> {
  const user = await ctx.user();
  if (user === null) return null;
  const { auth, session } = ctx;
  const sessions = await auth.sessions.endAll(
    user.id,
    session.key === null || ctx.authMethod !== 'session' ? {} : { except: session.key },
  );
  const current =
    ctx.authMethod === 'token' && ctx.authorization.kind === 'token' ? ctx.authorization.token : null;
  const tokens = (await auth.tokens?.revokeAll(user.id, current === null ? {} : { except: current })) ?? 0;
  // Other remembered devices would log themselves back in; this browser's series is kept.
  const series = ctx.remember.token?.series;
  const remembered = await forgetUserSeries(
    auth,
    user.id,
    series === undefined ? {} : { exceptSeries: series },
  );
  await auth.events.emit('sessionsRevoked', { user, sessions, tokens, remembered, origin: ctx.origin() });
  return { sessions, tokens, remembered };
}

/** What {@link revokeSession} did. */
export type RevokeOutcome = 'revoked' | 'logged-out' | 'not-found' | 'anonymous';

/**
 * Ends one session of the request's user, named by its public id (a hash of the key, never the
 * key: INVARIANTS 9). The request's own session means a logout (`'logged-out'`).
 * @example
 * const outcome = await revokeSession(ctx, form.get('session') ?? '');
 */
export async function revokeSession<User extends AuthUser>(
  ctx: AuthScope<User>,
  publicId: string,
): Promise<RevokeOutcome> {
  const user = await ctx.user();
  if (user === null) return 'anonymous';
  const { auth } = ctx;
  const target = (await auth.sessions.list(user.id)).find((s) =>
    constantTimeEquals(hashSessionKey(s.key), publicId),
  );
  if (target === undefined) return 'not-found';
  if (target.key === ctx.session.key) {
    await logout(ctx);
    return 'logged-out';
  }
  await auth.sessions.end(target.key);
  await auth.events.emit('sessionsRevoked', { user, sessions: 1, tokens: 0, origin: ctx.origin() });
  return 'revoked';
}
