/**
 * @module "Log out everywhere" and "log out other sessions": every session and API token of a
 * user ends at once, at a cost of O(that user's sessions) through the store's per-user index —
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
}

/**
 * Ends every session and revokes every API token of `user`.
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
  await app.events.emit('sessionsRevoked', { user, sessions, tokens, origin: options.origin ?? null });
  return { sessions, tokens };
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
  await app.events.emit('sessionsRevoked', { user, sessions, tokens, origin: ctx.origin() });
  return { sessions, tokens };
}
