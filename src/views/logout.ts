/**
 * @module The logout view. GET never logs out (an `<img>` on another site could fire it,
 * INVARIANTS 6): it shows a confirmation form. POST (CSRF-checked by the pipeline) runs the
 * whole order of INVARIANTS 3: hooks, flush, anonymous user, cookie deletion (at commit),
 * `Clear-Site-Data`, never-cache, and a safe redirect (`next` from body then query, then the
 * view's `nextPage`, then `LOGOUT_REDIRECT_URL`).
 */
import { logout } from '../auth/logout.js';
import type { AuthUser } from '../auth/types.js';
import type { RequestContext } from '../http/context.js';
import { clearSiteData, neverCache } from '../http/headers.js';
import { html, methodNotAllowed } from './html.js';
import { redirect, safeNext, safeQueryNext } from './redirects.js';

/** The message shown once after logging out. */
export const LOGGED_OUT_MESSAGE = 'You have been logged out.';

/** What the confirmation and logged-out templates receive. */
export interface LogoutPage {
  readonly csrfToken: string;
  readonly next: string | null;
}

/** Options of {@link logoutView}. */
export interface LogoutViewOptions<User extends AuthUser> {
  /** The "Log out?" page with a POST form, shown on GET. */
  renderConfirm(ctx: RequestContext<User>, page: LogoutPage): string | Promise<string>;
  /** The page shown after logout when there is nowhere to redirect to. */
  renderLoggedOut(ctx: RequestContext<User>, page: LogoutPage): string | Promise<string>;
  /** Where to go after logout when no safe `next` is given (before `LOGOUT_REDIRECT_URL`). */
  readonly nextPage?: string;
}

/**
 * Handles the logout URL.
 * @example
 * app.all('/accounts/logout/', (c) => logoutView(c.get('latchkey'), templates));
 */
export async function logoutView<User extends AuthUser>(
  ctx: RequestContext<User>,
  options: LogoutViewOptions<User>,
): Promise<Response> {
  const { request, settings } = ctx;
  if (request.method === 'GET' || request.method === 'HEAD') {
    const body = await options.renderConfirm(ctx, {
      csrfToken: ctx.csrf.getToken(),
      next: safeQueryNext(ctx),
    });
    return html(body, { cache: 'never' });
  }
  if (request.method === 'OPTIONS') {
    return new Response(null, { status: 204, headers: { Allow: 'GET, HEAD, POST, OPTIONS' } });
  }
  if (request.method !== 'POST') return methodNotAllowed(['GET', 'HEAD', 'POST', 'OPTIONS']);
  const next = await safeNext(ctx);
  await logout(ctx);
  ctx.messages.success(LOGGED_OUT_MESSAGE);
  const target = next ?? options.nextPage ?? settings.LOGOUT_REDIRECT_URL;
  const response =
    target === null
      ? html(await options.renderLoggedOut(ctx, { csrfToken: ctx.csrf.getToken(), next: null }))
      : redirect(target);
  clearSiteData(response.headers, settings.LOGOUT_CLEAR_SITE_DATA);
  neverCache(response.headers);
  return response;
}
