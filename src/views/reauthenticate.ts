/**
 * @module Re-authentication for sensitive actions (GitHub's sudo mode, better-auth's fresh age):
 * the guard {@link reauthRequired} that password change, token creation and ending other sessions
 * call, and the page `/accounts/reauthenticate/?next=` (plus `POST /api/reauthenticate/` for
 * single-page apps) where the password is entered again. Throttled like the login form.
 */
import { confirmPassword, isFresh } from '../auth/fresh.js';
import type { AuthUser } from '../auth/types.js';
import type { RequestContext } from '../http/context.js';
import { type ApiErrorCode, wantsJson } from '../http/error-response.js';
import { BadRequestError } from '../http/request.js';
import { json, jsonError } from './api.js';
import { html, methodNotAllowed } from './html.js';
import { MAX_PASSWORD_LENGTH, throttleLogin, tooManyAttempts } from './login.js';
import { loginRequired, loginUrlFor, redirect, safeNext, safeQueryNext } from './redirects.js';

/** Where the re-authentication page lives (../shared/CONTRACT.md). */
export const REAUTHENTICATE_URL = '/accounts/reauthenticate/';
/** The stable `code` of the JSON 403, for clients to branch on. */
export const REAUTH_REQUIRED_CODE: ApiErrorCode = 'reauthentication_required';
/** The error shown for a wrong password. */
export const WRONG_PASSWORD = 'Your password was entered incorrectly. Please enter it again.';

/**
 * `null` when the request may go ahead with a sensitive action; else the answer that asks for the
 * password again: a 302 to `/accounts/reauthenticate/?next=…` for pages, a 403
 * `{"error", "code": "reauthentication_required"}` for JSON clients (a 302 to login, or a JSON
 * 401, when nobody is logged in). `next` is where to come back to (the current URL by default;
 * give a page to come back to when the guarded request is a POST).
 * @example
 * const stale = await reauthRequired(ctx, { next: '/accounts/sessions/' });
 * if (stale) return stale;
 */
export async function reauthRequired<User extends AuthUser>(
  ctx: RequestContext<User>,
  options: { readonly next?: string } = {},
): Promise<Response | null> {
  const json403 = wantsJson(ctx.request);
  if ((await ctx.user()) === null) {
    return json403
      ? jsonError({ error: 'Authentication credentials were not provided.' }, 401)
      : redirect(loginUrlFor(ctx));
  }
  if (await isFresh(ctx)) return null;
  if (json403) {
    const seconds = ctx.settings.REAUTH_MAX_AGE;
    return jsonError(
      {
        error: `Re-authentication required: this action needs a password login within the last ${seconds} seconds. Log in again (POST /api/login/) or confirm your password (POST /api/reauthenticate/).`,
        code: REAUTH_REQUIRED_CODE,
      },
      403,
    );
  }
  const { url } = ctx.request;
  const next = encodeURIComponent(options.next ?? url.pathname + url.search).replace(/%2F/g, '/');
  return redirect(`${REAUTHENTICATE_URL}?next=${next}`);
}

/** What the re-authentication template receives. */
export interface ReauthenticatePage {
  readonly csrfToken: string;
  readonly username: string;
  readonly next: string | null;
  readonly error: string | null;
}

/**
 * `GET`/`POST /accounts/reauthenticate/` (`password`, `next`): login required; success: 302 to the
 * safe `next` or `LOGIN_REDIRECT_URL`; a wrong password: the form again with an error.
 * @example
 * app.all('/accounts/reauthenticate/', (c) => reauthenticateView(c.get('latchkey'), { render }));
 */
export async function reauthenticateView<User extends AuthUser>(
  ctx: RequestContext<User>,
  options: { render(ctx: RequestContext<User>, page: ReauthenticatePage): string | Promise<string> },
): Promise<Response> {
  const denied = await loginRequired(ctx);
  if (denied) return denied;
  const user = (await ctx.user()) as User;
  const { request } = ctx;
  const show = async (next: string | null, error: string | null, status = 200): Promise<Response> => {
    const page = { csrfToken: ctx.csrf.getToken(), username: user.username, next, error };
    return html(await options.render(ctx, page), { status, cache: 'never' });
  };
  if (request.method === 'GET' || request.method === 'HEAD') return show(safeQueryNext(ctx), null);
  if (request.method !== 'POST') return methodNotAllowed(['GET', 'HEAD', 'POST']);
  const next = await safeNext(ctx);
  const password = (await request.form())?.get('password') ?? '';
  if (password === '') return show(next, 'Please enter your password.');
  const gate = await throttleLogin(ctx, user.username);
  if (!gate.allowed) {
    const response = await show(next, tooManyAttempts(gate.retryAfter), 429);
    response.headers.set('Retry-After', String(gate.retryAfter));
    return response;
  }
  if (password.length > MAX_PASSWORD_LENGTH || !(await confirmPassword(ctx, user, password))) {
    return show(next, WRONG_PASSWORD);
  }
  await gate.succeeded();
  return redirect(next ?? ctx.settings.LOGIN_REDIRECT_URL);
}

/**
 * `POST /api/reauthenticate/` with `{"password"}` (cookie session, CSRF header): 200
 * `{"reauthenticated": true}`, 401 for a wrong password or no session, 429 while throttled.
 */
export async function apiReauthenticateView<User extends AuthUser>(
  ctx: RequestContext<User>,
): Promise<Response> {
  if (ctx.request.method !== 'POST') return jsonError({ error: 'Method not allowed.' }, 405);
  const user = await ctx.user();
  if (user === null || ctx.authMethod !== 'session') {
    return jsonError({ error: 'Re-authentication needs a logged-in session (POST /api/login/).' }, 401);
  }
  const { password } = ((await ctx.request.json()) ?? {}) as { password?: unknown };
  if (typeof password !== 'string' || password === '') {
    throw new BadRequestError(400, '"password" is a required string.');
  }
  const gate = await throttleLogin(ctx, user.username);
  if (!gate.allowed) {
    const response = jsonError({ error: tooManyAttempts(gate.retryAfter) }, 429);
    response.headers.set('Retry-After', String(gate.retryAfter));
    return response;
  }
  if (password.length > MAX_PASSWORD_LENGTH || !(await confirmPassword(ctx, user, password))) {
    return jsonError({ error: WRONG_PASSWORD }, 401);
  }
  await gate.succeeded();
  return json({ reauthenticated: true });
}
