/**
 * @module The login view (Django's LoginView): a never-cached form; on POST (already CSRF-checked
 * by the pipeline) check the login throttle, authenticate, log in, and redirect to the safe `next`
 * or `LOGIN_REDIRECT_URL`. One generic error for every failure, so the page does not tell which
 * usernames exist; a throttled attempt gets 429 the same way for every username.
 */
import { authenticate } from '../auth/authenticate.js';
import { login } from '../auth/login.js';
import type { LoginThrottle } from '../auth/throttle.js';
import type { AuthUser } from '../auth/types.js';
import type { RequestContext } from '../http/context.js';
import { html, methodNotAllowed } from './html.js';
import { redirect, safeNext, safeQueryNext } from './redirects.js';

/** Django's `AuthenticationForm.error_messages['invalid_login']`. */
export const INVALID_LOGIN =
  'Please enter a correct username and password. Note that both fields may be case-sensitive.';
/** Longest username (Django's `max_length=150`) and password accepted before hashing. */
export const MAX_USERNAME_LENGTH = 150;
export const MAX_PASSWORD_LENGTH = 4096;

/**
 * The error shown with a 429: the same for every username, known or not, so that it tells
 * nothing an attacker could not see by trying.
 * @example
 * tooManyAttempts(4); // 'Too many failed login attempts. Please try again in 4 seconds.'
 */
export function tooManyAttempts(retryAfter: number): string {
  return `Too many failed login attempts. Please try again in ${retryAfter} second${retryAfter === 1 ? '' : 's'}.`;
}

/** How the throttle answered a login attempt: go ahead (with what to report back), or wait. */
export type ThrottleGate =
  | { readonly allowed: true; succeeded(): Promise<void> }
  | { readonly allowed: false; readonly retryAfter: number };

/**
 * Asks the app's login throttle (if any; or `options.throttle`) whether this attempt may be
 * checked. Shared by the form and the JSON login, so both count against the same keys.
 * @example
 * const gate = await throttleLogin(ctx, username);
 * if (!gate.allowed) return tooManyResponse(gate.retryAfter);
 */
export async function throttleLogin<User extends AuthUser>(
  ctx: RequestContext<User>,
  username: string,
  options: { readonly throttle?: LoginThrottle | null } = {},
): Promise<ThrottleGate> {
  const throttle = options.throttle === undefined ? ctx.auth.loginThrottle : options.throttle;
  if (throttle === null) return { allowed: true, succeeded: async () => {} };
  const verdict = await throttle.begin({ username, ip: ctx.request.clientIp });
  if (!verdict.allowed) return { allowed: false, retryAfter: verdict.retryAfter };
  return { allowed: true, succeeded: () => throttle.succeeded(verdict) };
}

/** What the login template receives. */
export interface LoginPage {
  /** A fresh masked CSRF token for the hidden `csrfmiddlewaretoken` field. */
  readonly csrfToken: string;
  /** A safe `next` to carry in a hidden field, or null. */
  readonly next: string | null;
  /** The username as typed, to refill the form. */
  readonly username: string;
  readonly error: string | null;
}

/** Options of {@link loginView}. */
export interface LoginViewOptions<User extends AuthUser> {
  render(ctx: RequestContext<User>, page: LoginPage): string | Promise<string>;
}

async function page<User extends AuthUser>(
  ctx: RequestContext<User>,
  options: LoginViewOptions<User>,
  fields: { next: string | null; username: string; error: string | null; retryAfter?: number },
): Promise<Response> {
  const { retryAfter, ...shown } = fields;
  const body = await options.render(ctx, { csrfToken: ctx.csrf.getToken(), ...shown });
  if (retryAfter === undefined) return html(body, { cache: 'never' });
  // RFC 6585 4: 429 Too Many Requests, with Retry-After (RFC 9110 10.2.3) in seconds.
  const response = html(body, { status: 429, cache: 'never' });
  response.headers.set('Retry-After', String(retryAfter));
  return response;
}

/**
 * Handles GET and POST of the login page.
 * @example
 * app.all('/accounts/login/', (c) => loginView(c.get('latchkey'), { render: renderLogin }));
 */
export async function loginView<User extends AuthUser>(
  ctx: RequestContext<User>,
  options: LoginViewOptions<User>,
): Promise<Response> {
  const { request } = ctx;
  if (request.method === 'GET' || request.method === 'HEAD') {
    return page(ctx, options, { next: safeQueryNext(ctx), username: '', error: null });
  }
  if (request.method !== 'POST') return methodNotAllowed(['GET', 'HEAD', 'POST']);
  const form = await request.form();
  const next = await safeNext(ctx);
  const username = form?.get('username') ?? '';
  const password = form?.get('password') ?? '';
  if (username === '' || password === '') {
    return page(ctx, options, { next, username, error: 'Please enter both a username and a password.' });
  }
  // Before the password is even hashed: a throttled attempt costs no hashing and reveals nothing.
  const gate = await throttleLogin(ctx, username);
  if (!gate.allowed) {
    const { retryAfter } = gate;
    return page(ctx, options, { next, username, error: tooManyAttempts(retryAfter), retryAfter });
  }
  const user =
    username.length <= MAX_USERNAME_LENGTH && password.length <= MAX_PASSWORD_LENGTH
      ? await authenticate(ctx, { username, password })
      : null;
  if (user === null) return page(ctx, options, { next, username, error: INVALID_LOGIN });
  await gate.succeeded();
  // The "remember me" checkbox (an HTML checkbox posts "on" when ticked and nothing otherwise).
  await login(ctx, user, { remember: form?.get('remember') === 'on' });
  return redirect(next ?? ctx.settings.LOGIN_REDIRECT_URL);
}
