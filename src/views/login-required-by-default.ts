/**
 * @module Login required by default (Django 5.1's `LoginRequiredMiddleware`): a pipeline guard
 * under which every route needs a logged-in user unless its route options say `public` (Django's
 * `login_not_required`). A view that forgets to call `loginRequired` is private all the same;
 * anonymous page requests go to `LOGIN_URL?next=…`, API calls get a 401 JSON error.
 */
import type { AuthUser } from '../auth/types.js';
import { wantsJson } from '../http/error-response.js';
import type { Guard } from '../http/routes.js';
import { jsonError } from './api.js';
import { loginUrlFor, redirect } from './redirects.js';

/** The error of an anonymous API call (Django REST framework's `NotAuthenticated`). */
export const NOT_AUTHENTICATED = 'Authentication credentials were not provided.';

/**
 * The guard. `LOGIN_URL` itself is always let through, so a table that forgets to mark it public
 * cannot send browsers round in a redirect loop. An API token counts as logged in; so does a
 * browser that a remember-me cookie logs in again.
 * @example
 * createLatchkey({ ..., routes: routeTable({ '/': { public: true } }), guards: [loginRequiredByDefault()] });
 */
export function loginRequiredByDefault<User extends AuthUser = AuthUser>(): Guard<User> {
  return async (ctx, route) => {
    if (route.public === true) return null;
    const { request, settings } = ctx;
    if (request.url.pathname === new URL(settings.LOGIN_URL, request.url).pathname) return null;
    if ((await ctx.user()) !== null) return null;
    return wantsJson(request) ? jsonError({ error: NOT_AUTHENTICATED }, 401) : redirect(loginUrlFor(ctx));
  };
}
