/**
 * @module The JSON API for single-page apps: CSRF token, login, current user, logout. Cookie-
 * authenticated calls that change state are CSRF-checked by the pipeline (the `X-CSRFToken`
 * header). Errors are `{"error": "..."}` with a 4xx status.
 */
import { authenticate } from '../auth/authenticate.js';
import { login } from '../auth/login.js';
import { logout } from '../auth/logout.js';
import type { AuthUser } from '../auth/types.js';
import type { RequestContext } from '../http/context.js';
import type { ApiErrorBody } from '../http/error-response.js';
import { NEVER_CACHE } from '../http/headers.js';
import { BadRequestError } from '../http/request.js';
import { MAX_PASSWORD_LENGTH, MAX_USERNAME_LENGTH, throttleLogin, tooManyAttempts } from './login.js';

/** A JSON response that is never cached. */
export function json(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: { 'Cache-Control': NEVER_CACHE } });
}

/**
 * A JSON error that is never cached: `{"error": message}`, and `code` when given.
 * @example
 * return jsonError({ error: 'Method not allowed.' }, 405);
 */
export function jsonError(body: ApiErrorBody, status: number): Response {
  return json(body, status);
}

/** Options shared by the API views: how a user is shown to clients. */
export interface ApiOptions<User extends AuthUser> {
  serializeUser(user: User): Record<string, unknown>;
}

/** `GET /api/csrf/`: a masked token, and the `csrftoken` cookie. */
export function csrfTokenView<User extends AuthUser>(ctx: RequestContext<User>): Response {
  return json({ csrfToken: ctx.csrf.getToken() });
}

/**
 * `POST /api/login/` with `{"username", "password", "remember"?}`: 200 with the user, 401 on bad credentials,
 * 429 with `Retry-After` while the login throttle asks for a wait (the same for every username).
 */
export async function apiLoginView<User extends AuthUser>(
  ctx: RequestContext<User>,
  options: ApiOptions<User>,
): Promise<Response> {
  if (ctx.request.method !== 'POST') return jsonError({ error: 'Method not allowed.' }, 405);
  const body = await ctx.request.json();
  const { username, password, remember } = (body ?? {}) as {
    username?: unknown;
    password?: unknown;
    remember?: unknown;
  };
  if (typeof username !== 'string' || typeof password !== 'string' || username === '' || password === '') {
    throw new BadRequestError(400, 'Both "username" and "password" are required strings.');
  }
  if (remember !== undefined && typeof remember !== 'boolean') {
    throw new BadRequestError(400, '"remember" must be true or false.');
  }
  const gate = await throttleLogin(ctx, username);
  if (!gate.allowed) {
    const response = jsonError({ error: tooManyAttempts(gate.retryAfter) }, 429);
    response.headers.set('Retry-After', String(gate.retryAfter));
    return response;
  }
  const user =
    username.length <= MAX_USERNAME_LENGTH && password.length <= MAX_PASSWORD_LENGTH
      ? await authenticate(ctx, { username, password })
      : null;
  if (user === null) return jsonError({ error: 'Invalid username or password.' }, 401);
  await gate.succeeded();
  await login(ctx, user, { remember: remember === true });
  return json({ user: options.serializeUser(user) });
}

/** `GET /api/me/`: the current user, or 401. */
export async function apiMeView<User extends AuthUser>(
  ctx: RequestContext<User>,
  options: ApiOptions<User>,
): Promise<Response> {
  const user = await ctx.user();
  if (user === null) return jsonError({ error: 'Authentication credentials were not provided.' }, 401);
  return json({ user: options.serializeUser(user) });
}

/** `POST /api/logout/`: logs out and flushes the session server-side. */
export async function apiLogoutView<User extends AuthUser>(ctx: RequestContext<User>): Promise<Response> {
  if (ctx.request.method !== 'POST') return jsonError({ error: 'Method not allowed.' }, 405);
  await logout(ctx);
  return json({ message: 'Logged out successfully' });
}
