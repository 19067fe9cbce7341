/**
 * @module "Log out everywhere" and "log out other sessions": every session, API token and
 * remember-me series of a user ends at once, at a cost of O(that user's sessions) through the store's per-user index —
 * never a scan of all sessions (Django's documented approach decodes every row).
 */
import type { RequestContext } from '../http/context.js';
import type { Latchkey } from '../latchkey.js';
import type { EventOrigin } from './events.js';
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
 * resets, remember-me theft and the CLI's `logout-all` share (INVARIANTS 14).
 * @example
 * await logoutAll(latchkey, user); // e.g. from an admin action or `npx latchkey logout-all alice`
 */
export async function logoutAll<User extends AuthUser>(
  app: Latchkey<User>,
  user: User,
  options: { readonly origin?: EventOrigin } = {},
): Promise<RevokedCount> {
  const sessions = await app.engine.store.deleteUserSessions(user.id);
  const tokens = (await app.tokens?.revokeAll(user.id)) ?? 0;
  const remembered = (await app.rememberMe?.source.deleteAll(user.id)) ?? 0;
  await app.events.emit('sessionsRevoked', {
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
  ctx: RequestContext<User>,
): Promise<RevokedCount | null> {
  const user = await ctx.user();
  if (user === null) return null;
  const { app, session } = ctx;
  const sessions = await app.engine.store.deleteUserSessions(
    user.id,
    session.key === null || ctx.authMethod !== 'session' ? {} : { except: session.key },
  );
  const current =
    ctx.authMethod === 'token' && ctx.authorization.kind === 'token' ? ctx.authorization.token : null;
  const tokens = (await app.tokens?.revokeAll(user.id, current === null ? {} : { except: current })) ?? 0;
  // Other remembered devices would log themselves back in; this browser's series is kept.
  const series = app.rememberMe?.presented(ctx)?.series;
  const remembered =
    (await app.rememberMe?.source.deleteAll(user.id, series === undefined ? {} : { exceptSeries: series })) ??
    0;
  await app.events.emit('sessionsRevoked', { user, sessions, tokens, remembered, origin: ctx.origin() });
  return { sessions, tokens, remembered };
}
