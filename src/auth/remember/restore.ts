/**
 * @module Restoring a session from the `remember_token` cookie when the request has no live one,
 * rotating the secret at each use, and theft detection: Barry Jaspan's "Improved Persistent Login
 * Cookie Best Practice" (2006) with a grace window for parallel requests (OWASP Session Management
 * Cheat Sheet, "persistent login"). A restored session is never fresh (see `fresh.ts`).
 */
import { logoutAll } from '../logout-everywhere.js';
import type { AuthScope } from '../scope.js';
import { startSession } from '../start-session.js';
import type { AuthUser } from '../types.js';
import type { RememberMeConfig } from './repository.js';
import { formatRememberCookie, judgeRememberSecret, type RememberToken } from './token.js';

/**
 * Logs the request in again from its remember cookie: a new session, a rotated cookie, a
 * `sessionRestored` event. Returns the user, or `null` (the cookie is then deleted). The request's
 * context calls it once, when resolving a user found neither a live session nor an API token.
 * @example
 * const user = await restoreFromRememberCookie(ctx);
 */
export async function restoreFromRememberCookie<User extends AuthUser>(
  ctx: AuthScope<User>,
): Promise<User | null> {
  const { auth } = ctx;
  const config = auth.remember;
  if (config === null || ctx.remember.presented === null) return null;
  const token = ctx.remember.token;
  const record = token === null ? null : await config.tokens.find(token.series);
  if (token === null || record === null) {
    // Malformed, forged, expired, forgotten or ended elsewhere: nothing to restore, nothing stolen.
    auth.logger.log('info', 'auth.remember_token_rejected', { path: ctx.origin().path });
    ctx.remember.delete();
    return null;
  }
  const verdict = judgeRememberSecret(record, token.secret, {
    now: auth.clock.now(),
    graceMs: config.graceSeconds * 1000,
  });
  const user = await auth.users.getById(record.userId);
  if (verdict === 'theft') {
    await theft(ctx, config, user, token);
    return null;
  }
  if (user === null || !user.isActive) {
    await config.tokens.delete(token.series);
    ctx.remember.delete();
    return null;
  }
  if (verdict === 'current') {
    const secret = await config.tokens.rotate(token.series, record.secretHash);
    // null: a parallel request rotated first. This one is then the grace case and sends no
    // cookie; the winner's response leaves the new secret in the browser.
    if (secret !== null) ctx.remember.set(formatRememberCookie({ ...token, secret }), record.expiresAt);
  }
  await startSession(ctx, user);
  // Django's rotate_token at login (INVARIANTS 4), unless this response already carries a token of
  // the current secret (a form being rendered), which rotating would break. When the request had
  // no valid CSRF cookie, the secret it now holds is new anyway.
  if (!ctx.csrf.cookieNeedsUpdate) ctx.csrf.rotate();
  await auth.events.emit('sessionRestored', { user, origin: ctx.origin() });
  return user;
}

async function theft<User extends AuthUser>(
  ctx: AuthScope<User>,
  config: RememberMeConfig,
  user: User | null,
  token: RememberToken,
): Promise<void> {
  const { auth } = ctx;
  // Never the token in the log line (INVARIANTS 9): the user id is what an operator needs.
  auth.logger.log('warn', 'security.remember_token_theft', { userId: user?.id ?? null });
  ctx.remember.delete();
  if (user === null) {
    await config.tokens.delete(token.series);
    return;
  }
  const origin = ctx.origin();
  // Every session, API token and series of the user: whichever party is the thief is out.
  await logoutAll(ctx, user, { origin });
  await auth.events.emit('rememberTokenTheft', { user, origin });
}
