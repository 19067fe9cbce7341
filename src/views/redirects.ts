/**
 * @module Redirect responses for views: the login redirect of `loginRequired`, and redirects to
 * a target chosen from the request (`next`) only after the safe-URL check (INVARIANTS 7).
 */
import type { AuthUser } from '../auth/types.js';
import type { RequestContext } from '../http/context.js';
import { safeRedirectTarget } from '../http/safe-url.js';

/** A 302 to `location`. `location` must already be safe (a setting, or a checked `next`). */
export function redirect(location: string, init?: { headers?: Record<string, string> }): Response {
  const headers = new Headers(init?.headers);
  headers.set('Location', location);
  return new Response(null, { status: 302, headers });
}

/** The `next` value of the form body, then of the query string, if it passes the safe-URL check. */
export async function safeNext<User extends AuthUser>(ctx: RequestContext<User>): Promise<string | null> {
  const { request } = ctx;
  const form = request.method === 'POST' ? await request.form() : null;
  return safeRedirectTarget([form?.get('next'), request.url.searchParams.get('next')], {
    allowedHosts: [request.url.host],
    requireHttps: request.url.protocol === 'https:',
  });
}

/** The `next` of the query string, if safe (for rendering it into a form as a hidden field). */
export function safeQueryNext<User extends AuthUser>(ctx: RequestContext<User>): string | null {
  const { request } = ctx;
  return safeRedirectTarget([request.url.searchParams.get('next')], {
    allowedHosts: [request.url.host],
    requireHttps: request.url.protocol === 'https:',
  });
}

/** `LOGIN_URL?next=<path>`, with `/` left readable as Django's `redirect_to_login` does. */
export function loginUrlFor<User extends AuthUser>(ctx: RequestContext<User>): string {
  const { url } = ctx.request;
  const next = encodeURIComponent(url.pathname + url.search).replace(/%2F/g, '/');
  const loginUrl = ctx.settings.LOGIN_URL;
  return `${loginUrl}${loginUrl.includes('?') ? '&' : '?'}next=${next}`;
}

/**
 * Returns a redirect to the login page when nobody is logged in, else `null` (Django's `login_required`).
 * @example
 * const denied = await loginRequired(ctx);
 * if (denied) return denied;
 */
export async function loginRequired<User extends AuthUser>(
  ctx: RequestContext<User>,
): Promise<Response | null> {
  return (await ctx.user()) === null ? redirect(loginUrlFor(ctx)) : null;
}

/**
 * Returns a redirect to login when nobody is logged in, a 403 when the user lacks `permission`,
 * else `null` (Django's `permission_required`).
 * @example
 * const denied = await permissionRequired(ctx, 'cart.add_item');
 * if (denied) return denied;
 */
export async function permissionRequired<User extends AuthUser>(
  ctx: RequestContext<User>,
  permission: string,
): Promise<Response | null> {
  const user = await ctx.user();
  if (user === null) return redirect(loginUrlFor(ctx));
  if (await ctx.auth.users.hasPerm(user, permission)) return null;
  return ctx.errorResponse(403, 'You do not have permission to see this page.');
}

/**
 * Returns a redirect to login when nobody is logged in, a 403 when `test` refuses the user, else
 * `null` (Django's `user_passes_test`). Unlike Django, a logged-in user who fails the test gets a
 * 403, as with {@link permissionRequired}, instead of a login page that would loop.
 * @example
 * const denied = await userPassesTest(ctx, (user) => user.isStaff);
 * if (denied) return denied;
 */
export async function userPassesTest<User extends AuthUser>(
  ctx: RequestContext<User>,
  test: (user: User) => boolean | Promise<boolean>,
): Promise<Response | null> {
  const user = await ctx.user();
  if (user === null) return redirect(loginUrlFor(ctx));
  if (await test(user)) return null;
  return ctx.errorResponse(403, 'You do not have permission to see this page.');
}
