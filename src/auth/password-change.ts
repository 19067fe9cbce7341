/**
 * @module Changing a password: the new hash is stored, every other session of the user ends at
 * once (not only at its next request), and this session survives with a new key (INVARIANTS 5;
 * Django's `update_session_auth_hash`).
 */
import { AUTH_USER_ID_KEY } from '../sessions/session.js';
import { forgetUserSeries } from './remember/series.js';
import type { AuthScope } from './scope.js';
import { AUTH_HASH_KEY } from './session-hash.js';
import type { AuthUser } from './types.js';

/**
 * Keeps the current session logged in after `user`'s password changed: new key, new hash.
 * @example
 * await updateSessionAuthHash(ctx, updatedUser);
 */
export async function updateSessionAuthHash<User extends AuthUser>(
  ctx: AuthScope<User>,
  user: User,
): Promise<void> {
  await ctx.session.cycleKey();
  if ((await ctx.session.get(AUTH_USER_ID_KEY)) === user.id) {
    await ctx.session.set(AUTH_HASH_KEY, ctx.auth.sessionAuthHash(user));
    ctx.setUser(user);
  }
}

/**
 * Sets `user`'s password to `newPassword`, ends the user's other sessions, and keeps this one.
 * Returns the updated user.
 */
export async function changePassword<User extends AuthUser>(
  ctx: AuthScope<User>,
  user: User,
  newPassword: string,
): Promise<User> {
  const { auth } = ctx;
  // Resolve the request's user under the old password first: afterwards its hash no longer matches.
  await ctx.user();
  await auth.users.setPassword(user.id, await auth.passwords.make(newPassword));
  const updated = (await auth.users.getById(user.id)) ?? user;
  await updateSessionAuthHash(ctx, updated);
  // The hash check would end them at their next request; deleting them now leaves nothing to replay.
  await auth.sessions.endAll(user.id, ctx.session.key === null ? {} : { except: ctx.session.key });
  // API tokens are credentials too: a password change (often after a compromise) revokes them all.
  await auth.tokens?.revokeAll(user.id);
  // So are remember-me series, this browser's included (INVARIANTS 14); this session stays.
  await forgetUserSeries(auth, user.id);
  if (ctx.remember.presented !== null) ctx.remember.delete();
  await auth.events.emit('passwordChanged', { user: updated, origin: ctx.origin() });
  return updated;
}
