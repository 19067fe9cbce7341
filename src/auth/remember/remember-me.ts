/**
 * @module Remember me: a ticked box at login starts a series whose cookie, `remember_token`,
 * restores a session when the browser comes back without a live one; every use rotates the secret.
 * An old secret presented after the grace window is theft: every session and token of the user
 * ends, with an event and an audit row (Jaspan's persistent login cookie; OWASP Session Management
 * Cheat Sheet, "persistent login"). A restored session is never fresh (see `fresh.ts`).
 */
import type { RequestContext } from '../../http/context.js';
import type { Latchkey } from '../../latchkey.js';
import { startSession } from '../login.js';
import { logoutAll } from '../logout-everywhere.js';
import type { AuthUser } from '../types.js';
import type { RememberTokenSource } from './repository.js';
import {
  formatRememberCookie,
  judgeRememberSecret,
  parseRememberCookie,
  type RememberToken,
} from './token.js';

/**
 * The remember-me logic of one app, over a {@link RememberTokenSource}.
 * @example
 * const user = await latchkey.rememberMe?.restore(ctx); // RequestContext does this itself
 */
export class RememberMe<User extends AuthUser = AuthUser> {
  readonly source: RememberTokenSource;
  readonly #app: Latchkey<User>;

  constructor(app: Latchkey<User>, source: RememberTokenSource) {
    this.#app = app;
    this.source = source;
  }

  /** The token the request's cookie carries, when it is well-formed. */
  presented(ctx: RequestContext<User>): RememberToken | null {
    return parseRememberCookie(ctx.rememberCookie);
  }

  /**
   * Called by `login`: the browser's previous series (maybe another user's) is dropped, and a new
   * one starts when the box was ticked.
   */
  async afterLogin(ctx: RequestContext<User>, user: User, options: { readonly remember?: boolean }) {
    await this.forgetPresented(ctx);
    if (options.remember !== true) return;
    const expiresAt = new Date(this.#app.clock.now() + this.#app.settings.REMEMBER_ME_AGE * 1000);
    const origin = ctx.origin();
    const token = await this.source.create(user.id, {
      expiresAt,
      userAgent: origin.userAgent,
      ip: origin.ip,
    });
    ctx.setRememberCookie(formatRememberCookie(token), expiresAt);
  }

  /** Deletes the series the request presents (logout, password change) and its cookie. */
  async forgetPresented(ctx: RequestContext<User>): Promise<void> {
    if (ctx.rememberCookie === null) return;
    const token = this.presented(ctx);
    if (token !== null) await this.source.delete(token.series);
    ctx.deleteRememberCookie();
  }

  /**
   * Restores a session from the request's remember cookie when it has no live one; returns the
   * user, or `null` (the cookie is then deleted). Called once per request by `ctx.user()`.
   */
  async restore(ctx: RequestContext<User>): Promise<User | null> {
    const token = this.presented(ctx);
    const record = token === null ? null : await this.source.find(token.series);
    if (token === null || record === null) {
      // Malformed, forged, expired, forgotten or ended by a logout elsewhere: nothing to restore.
      this.#app.logger.log('info', 'auth.remember_token_rejected', { path: ctx.request.url.pathname });
      ctx.deleteRememberCookie();
      return null;
    }
    const app = this.#app;
    const verdict = judgeRememberSecret(record, token.secret, {
      now: app.clock.now(),
      graceMs: app.settings.REMEMBER_ME_GRACE_SECONDS * 1000,
    });
    const user = await app.users.getById(record.userId);
    if (verdict === 'theft') {
      await this.#theft(ctx, user, token);
      return null;
    }
    if (user === null || !user.isActive) {
      await this.source.delete(token.series);
      ctx.deleteRememberCookie();
      return null;
    }
    if (verdict === 'current') {
      const secret = await this.source.rotate(token.series, record.secretHash);
      // null: a parallel request rotated first; this one is the grace case and keeps its cookie,
      // which the winner's response replaces in the browser.
      if (secret !== null)
        ctx.setRememberCookie(formatRememberCookie({ ...token, secret }), record.expiresAt);
    }
    await startSession(ctx, user);
    // Django's rotate_token at login (INVARIANTS 4) — unless this response already carries a token
    // of the current secret (a form being rendered), which rotating would break. A new secret is
    // then unknown to anyone anyway when the request's cookie was missing or malformed.
    if (!ctx.csrf.cookieNeedsUpdate) ctx.csrf.rotate();
    await app.events.emit('sessionRestored', { user, origin: ctx.origin() });
    return user;
  }

  async #theft(ctx: RequestContext<User>, user: User | null, token: RememberToken): Promise<void> {
    const app = this.#app;
    // Never the token in the log line (INVARIANTS 9): the user id is what an operator needs.
    app.logger.log('warn', 'security.remember_token_theft', { userId: user?.id ?? null });
    ctx.deleteRememberCookie();
    if (user === null) {
      await this.source.delete(token.series);
      return;
    }
    const origin = ctx.origin();
    await logoutAll(app, user, { origin });
    await app.events.emit('rememberTokenTheft', { user, origin });
  }
}
