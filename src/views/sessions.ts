/**
 * @module The sessions page: a user's active sessions (device, IP, created, last seen, "this
 * session"), shown by public id — a hash of the key, never the key (INVARIANTS 9) — and its
 * remembered devices, with POST routes to end one session, every other one, or forget a device.
 * Ending another device's session needs a fresh login (`reauthenticate.ts`).
 */
import { logoutOthers, revokeSession } from '../auth/logout-everywhere.js';
import { type DeviceEntry, forgetDevice, rememberedDevices } from '../auth/remember/series.js';
import { readSessionMeta } from '../auth/session-meta.js';
import type { AuthUser } from '../auth/types.js';
import { constantTimeEquals } from '../core/signing.js';
import type { RequestContext } from '../http/context.js';
import { hashSessionKey } from '../sessions/public-id.js';
import { html, methodNotAllowed } from './html.js';
import { reauthRequired } from './reauthenticate.js';
import { loginRequired, redirect } from './redirects.js';

export type { DeviceEntry } from '../auth/remember/series.js';

/** One row of the sessions page. */
export interface SessionEntry {
  /** A hash of the session key: safe to show, post back, and match against audit rows. */
  readonly publicId: string;
  readonly userAgent: string | null;
  readonly ip: string | null;
  readonly createdAt: Date | null;
  readonly lastSeen: Date | null;
  readonly expiresAt: Date;
  /** The session of this request. */
  readonly current: boolean;
}

/**
 * The live sessions of the request's user, most recently seen first.
 * @example
 * const sessions = await listSessions(ctx, user);
 */
export async function listSessions<User extends AuthUser>(
  ctx: RequestContext<User>,
  user: User,
): Promise<SessionEntry[]> {
  const stored = await ctx.auth.sessions.list(user.id);
  const entries = stored.map(({ key, expiresAt, data }) => {
    const meta = readSessionMeta(data);
    return {
      publicId: hashSessionKey(key),
      userAgent: meta?.ua ?? null,
      ip: meta?.ip ?? null,
      createdAt: meta ? new Date(meta.created) : null,
      lastSeen: meta ? new Date(meta.seen) : null,
      expiresAt,
      current: key === ctx.session.key,
    };
  });
  return entries.sort((a, b) => (b.lastSeen?.getTime() ?? 0) - (a.lastSeen?.getTime() ?? 0));
}

/** What the sessions template receives. */
export interface SessionsPage {
  readonly csrfToken: string;
  readonly sessions: readonly SessionEntry[];
  /** Remembered devices: they log themselves back in until forgotten. */
  readonly devices: readonly DeviceEntry[];
}

/** `GET /accounts/sessions/`. */
export async function sessionsView<User extends AuthUser>(
  ctx: RequestContext<User>,
  options: { render(ctx: RequestContext<User>, page: SessionsPage): string | Promise<string> },
): Promise<Response> {
  const denied = await loginRequired(ctx);
  if (denied) return denied;
  const user = (await ctx.user()) as User;
  const sessions = await listSessions(ctx, user);
  const devices = await rememberedDevices(ctx, user);
  return html(await options.render(ctx, { csrfToken: ctx.csrf.getToken(), sessions, devices }), {
    cache: 'never',
  });
}

/** `POST /accounts/sessions/revoke/` with `session=<public id>`: ends that session (this one means logout). */
export async function revokeSessionView<User extends AuthUser>(
  ctx: RequestContext<User>,
  options: { readonly successUrl: string },
): Promise<Response> {
  if (ctx.request.method !== 'POST') return methodNotAllowed(['POST']);
  const denied = await loginRequired(ctx);
  if (denied) return denied;
  const publicId = (await ctx.request.form())?.get('session') ?? '';
  // Ending another device's session is sensitive (a thief would lock the owner out): a fresh login
  // only. Ending this one is a logout, which never asks.
  const own = ctx.session.key !== null && constantTimeEquals(hashSessionKey(ctx.session.key), publicId);
  const stale = own ? null : await reauthRequired(ctx, { next: options.successUrl });
  if (stale) return stale;
  const outcome = await revokeSession(ctx, publicId);
  if (outcome === 'not-found') return ctx.errorResponse(404, 'That session no longer exists.');
  if (outcome === 'logged-out') {
    ctx.messages.success('You have been logged out.');
    return redirect(ctx.settings.LOGOUT_REDIRECT_URL ?? '/');
  }
  ctx.messages.success('The session was ended.');
  return redirect(options.successUrl);
}

/** A POST by a logged-in user with a fresh login, or the response that refuses it (405, login, re-auth). */
async function sensitivePost<User extends AuthUser>(
  ctx: RequestContext<User>,
  comeBackTo: string,
): Promise<Response | null> {
  if (ctx.request.method !== 'POST') return methodNotAllowed(['POST']);
  return (await loginRequired(ctx)) ?? (await reauthRequired(ctx, { next: comeBackTo }));
}

/** `POST /accounts/sessions/logout-others/`: ends every other session and token of the user. */
export async function logoutOthersView<User extends AuthUser>(
  ctx: RequestContext<User>,
  options: { readonly successUrl: string },
): Promise<Response> {
  const refused = await sensitivePost(ctx, options.successUrl);
  if (refused) return refused;
  const revoked = await logoutOthers(ctx);
  const count = revoked?.sessions ?? 0;
  ctx.messages.success(`Logged out ${count} other session${count === 1 ? '' : 's'}.`);
  return redirect(options.successUrl);
}

/**
 * `POST /accounts/sessions/forget/` with `device=<public id>`: ends that remembered device's
 * series, so it no longer logs itself back in (its current session, if any, is listed above it).
 */
export async function forgetDeviceView<User extends AuthUser>(
  ctx: RequestContext<User>,
  options: { readonly successUrl: string },
): Promise<Response> {
  const refused = await sensitivePost(ctx, options.successUrl);
  if (refused) return refused;
  const publicId = (await ctx.request.form())?.get('device') ?? '';
  if (!(await forgetDevice(ctx, publicId)))
    return ctx.errorResponse(404, 'That device is no longer remembered.');
  ctx.messages.success('The device was forgotten.');
  return redirect(options.successUrl);
}
