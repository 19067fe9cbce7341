/**
 * @module The sessions page: a user's active sessions (device, IP, created, last seen, "this
 * session"), shown by public id — a hash of the key, never the key (INVARIANTS 9) — with POST
 * routes to end one of them or every other one.
 */
import { logout } from '../auth/logout.js';
import { logoutOthers } from '../auth/logout-everywhere.js';
import { type RememberedDevice, rememberedDeviceId } from '../auth/remember/repository.js';
import { hashRememberPart } from '../auth/remember/token.js';
import { readSessionMeta } from '../auth/session-meta.js';
import type { AuthUser } from '../auth/types.js';
import { constantTimeEquals } from '../core/signing.js';
import type { RequestContext } from '../http/context.js';
import { hashSessionKey } from '../sessions/public-id.js';
import { html, methodNotAllowed } from './html.js';
import { reauthRequired } from './reauthenticate.js';
import { loginRequired, redirect } from './redirects.js';

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
  const stored = await ctx.app.engine.store.listUserSessions(user.id);
  const entries = stored.map(({ key, record }) => {
    const meta = readSessionMeta(ctx.app.codec.decode(record.data) ?? {});
    return {
      publicId: hashSessionKey(key),
      userAgent: meta?.ua ?? null,
      ip: meta?.ip ?? null,
      createdAt: meta ? new Date(meta.created) : null,
      lastSeen: meta ? new Date(meta.seen) : null,
      expiresAt: record.expiresAt,
      current: key === ctx.session.key,
    };
  });
  return entries.sort((a, b) => (b.lastSeen?.getTime() ?? 0) - (a.lastSeen?.getTime() ?? 0));
}

/** One remembered device ("remember me" ticked at a login there) and whether it is this browser. */
export interface DeviceEntry extends RememberedDevice {
  readonly current: boolean;
}

/**
 * The user's remembered devices, most recently used first; empty when the app keeps no
 * remember-me series.
 * @example
 * const devices = await listRememberedDevices(ctx, user);
 */
export async function listRememberedDevices<User extends AuthUser>(
  ctx: RequestContext<User>,
  user: User,
): Promise<DeviceEntry[]> {
  const rememberMe = ctx.app.rememberMe;
  if (rememberMe === null) return [];
  const series = rememberMe.presented(ctx)?.series;
  const mine = series === undefined ? null : rememberedDeviceId(hashRememberPart(series));
  const devices = await rememberMe.source.list(user.id);
  return devices.map((device) => ({ ...device, current: device.publicId === mine }));
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
  const devices = await listRememberedDevices(ctx, user);
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
  const user = (await ctx.user()) as User;
  const publicId = (await ctx.request.form())?.get('session') ?? '';
  const target = (await ctx.app.engine.store.listUserSessions(user.id)).find((s) =>
    constantTimeEquals(hashSessionKey(s.key), publicId),
  );
  if (target === undefined) return ctx.app.errorResponse(ctx.request, 404, 'That session no longer exists.');
  if (target.key === ctx.session.key) {
    await logout(ctx);
    ctx.messages.success('You have been logged out.');
    return redirect(ctx.app.settings.LOGOUT_REDIRECT_URL ?? '/');
  }
  // Ending another device's session is sensitive (a thief would lock the owner out): fresh login only.
  const stale = await reauthRequired(ctx, { next: options.successUrl });
  if (stale) return stale;
  await ctx.app.engine.store.delete(target.key);
  await ctx.app.events.emit('sessionsRevoked', { user, sessions: 1, tokens: 0, origin: ctx.origin() });
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
  const user = (await ctx.user()) as User;
  const publicId = (await ctx.request.form())?.get('device') ?? '';
  const forgotten = (await ctx.app.rememberMe?.source.forget(user.id, publicId)) ?? false;
  if (!forgotten) return ctx.app.errorResponse(ctx.request, 404, 'That device is no longer remembered.');
  await ctx.app.events.emit('sessionsRevoked', {
    user,
    sessions: 0,
    tokens: 0,
    remembered: 1,
    origin: ctx.origin(),
  });
  ctx.messages.success('The device was forgotten.');
  return redirect(options.successUrl);
}
