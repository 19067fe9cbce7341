/**
 * @module Starting and ending remember-me series from the auth functions: a login with the box
 * ticked starts one (and any login drops the series the browser held before, maybe another
 * user's); logout ends the browser's own; password changes, "log out everywhere" and "log out
 * other sessions" end all of a user's, or all but this browser's (INVARIANTS 14).
 */
import type { AuthScope } from '../scope.js';
import type { AuthServices } from '../services.js';
import type { AuthUser } from '../types.js';
import { type RememberedDevice, rememberedDeviceId } from './repository.js';
import { formatRememberCookie, hashRememberPart } from './token.js';

/**
 * Called by `login`: drops the browser's previous series, and starts one when `remember` is set.
 * @example
 * await rememberLogin(ctx, user, { remember: true });
 */
export async function rememberLogin<User extends AuthUser>(
  ctx: AuthScope<User>,
  user: User,
  options: { readonly remember?: boolean },
): Promise<void> {
  const config = ctx.auth.remember;
  if (config === null) return;
  await forgetPresentedSeries(ctx);
  if (options.remember !== true) return;
  const expiresAt = new Date(ctx.auth.clock.now() + config.ageSeconds * 1000);
  const { userAgent, ip } = ctx.origin();
  const token = await config.tokens.create(user.id, { expiresAt, userAgent, ip });
  ctx.remember.set(formatRememberCookie(token), expiresAt);
}

/**
 * Ends the series the request's cookie names (logout) and deletes the cookie.
 * @example
 * await forgetPresentedSeries(ctx);
 */
export async function forgetPresentedSeries<User extends AuthUser>(ctx: AuthScope<User>): Promise<void> {
  if (ctx.remember.presented === null) return;
  const token = ctx.remember.token;
  if (token !== null) await ctx.auth.remember?.tokens.delete(token.series);
  ctx.remember.delete();
}

/**
 * Ends every series of a user, optionally but the one `exceptSeries` names; how many.
 * @example
 * await forgetUserSeries(auth, user.id); // log out everywhere
 */
export async function forgetUserSeries<User extends AuthUser>(
  auth: AuthServices<User>,
  userId: string,
  options: { readonly exceptSeries?: string } = {},
): Promise<number> {
  return (await auth.remember?.tokens.deleteAll(userId, options)) ?? 0;
}

/** A remembered device of the user, and whether it is the request's browser. */
export interface DeviceEntry extends RememberedDevice {
  readonly current: boolean;
}

/**
 * The user's remembered devices for the sessions page, most recently used first; empty when the
 * app keeps no series.
 * @example
 * const devices = await rememberedDevices(ctx, user);
 */
export async function rememberedDevices<User extends AuthUser>(
  ctx: AuthScope<User>,
  user: User,
): Promise<DeviceEntry[]> {
  const config = ctx.auth.remember;
  if (config === null) return [];
  const series = ctx.remember.token?.series;
  const mine = series === undefined ? null : rememberedDeviceId(hashRememberPart(series));
  const devices = await config.tokens.list(user.id);
  return devices.map((device) => ({ ...device, current: device.publicId === mine }));
}

/**
 * Ends the request's user's series shown as `publicId` ("Forget" on the sessions page), with a
 * `sessionsRevoked` event; whether there was one.
 * @example
 * if (!(await forgetDevice(ctx, form.get('device') ?? ''))) return ctx.errorResponse(404, '…');
 */
export async function forgetDevice<User extends AuthUser>(
  ctx: AuthScope<User>,
  publicId: string,
): Promise<boolean> {
  const user = await ctx.user();
  if (user === null || ctx.auth.remember === null) return false;
  if (!(await ctx.auth.remember.tokens.forget(user.id, publicId))) return false;
  await ctx.auth.events.emit('sessionsRevoked', {
    user,
    sessions: 0,
    tokens: 0,
    remembered: 1,
    origin: ctx.origin(),
  });
  return true;
}
