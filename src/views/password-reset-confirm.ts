/**
 * @module The reset link's view (Django's `PasswordResetConfirmView`). `GET /accounts/reset/<uidb64>/<token>/`
 * with a good token moves the token into the session and redirects to `…/<uidb64>/set-password/`,
 * so the token never stays in the address bar, the history or a `Referer`. There the new password
 * is asked twice and checked by `AUTH_PASSWORD_VALIDATORS`; setting it ends every session and token
 * of the user. A forged, expired, used or truncated link gets the "invalid link" page, never a login.
 * Token checks and new passwords are throttled like logins (per link, per client).
 */
import {
  canReset,
  INTERNAL_RESET_SESSION_TOKEN,
  RESET_URL_TOKEN,
  resetPassword,
} from '../auth/password-reset.js';
import { decodeUid, type ResetTokenUser } from '../auth/password-reset-token.js';
import { passwordProblems, userAttributes } from '../auth/users/password-rules.js';
import type { RequestContext } from '../http/context.js';
import { html, methodNotAllowed } from './html.js';
import { MAX_PASSWORD_LENGTH, throttleLogin, tooManyAttempts } from './login.js';
import { redirect } from './redirects.js';

/** What the new-password template receives. */
export interface SetPasswordPage {
  readonly csrfToken: string;
  readonly errors: readonly string[];
}

/** What the invalid-link template receives. */
export interface InvalidLinkPage {
  /** Set when the link was refused because of too many attempts. */
  readonly error: string | null;
}

/** Options of {@link passwordResetConfirmView}. */
export interface PasswordResetConfirmViewOptions<User extends ResetTokenUser> {
  /** The `<uidb64>` and `<token>` path segments as the router captured them. */
  readonly uidb64: string;
  readonly token: string;
  render(ctx: RequestContext<User>, page: SetPasswordPage): string | Promise<string>;
  renderInvalid(ctx: RequestContext<User>, page: InvalidLinkPage): string | Promise<string>;
  /** Where a successful reset goes (Django's `password_reset_complete`). */
  readonly completeUrl: string;
}

type Options<User extends ResetTokenUser> = PasswordResetConfirmViewOptions<User>;

async function invalid<User extends ResetTokenUser>(
  ctx: RequestContext<User>,
  options: Options<User>,
  status: number,
  retryAfter?: number,
): Promise<Response> {
  const error = retryAfter === undefined ? null : tooManyAttempts(retryAfter);
  const response = html(await options.renderInvalid(ctx, { error }), { status, cache: 'never' });
  // The address may hold a token: no link on this page may carry it away in a Referer.
  response.headers.set('Referrer-Policy', 'no-referrer');
  if (retryAfter !== undefined) response.headers.set('Retry-After', String(retryAfter));
  return response;
}

/** The user of a link, when it names one a reset may reach. */
async function linkUser<User extends ResetTokenUser>(
  ctx: RequestContext<User>,
  uidb64: string,
): Promise<User | null> {
  const id = decodeUid(uidb64);
  const user = id === null ? null : await ctx.auth.users.getById(id);
  return user !== null && canReset(user) ? user : null;
}

/** The token of the link: moved into the session, then a redirect to the form. */
async function acceptToken<User extends ResetTokenUser>(
  ctx: RequestContext<User>,
  options: Options<User>,
): Promise<Response> {
  if (ctx.request.method !== 'GET' && ctx.request.method !== 'HEAD') return methodNotAllowed(['GET', 'HEAD']);
  // Counted before the check, so guessing tokens for one account slows down like guessing passwords.
  const gate = await throttleLogin(ctx, `password_reset_link:${options.uidb64}`, {
    throttle: ctx.auth.resetThrottle,
  });
  if (!gate.allowed) return invalid(ctx, options, 429, gate.retryAfter);
  const user = await linkUser(ctx, options.uidb64);
  // Contract: an invalid, used or expired link answers 200 with the "invalid link" page.
  if (user === null || !ctx.auth.resetTokens.checkToken(user, options.token))
    return invalid(ctx, options, 200);
  await gate.succeeded();
  await ctx.session.set(INTERNAL_RESET_SESSION_TOKEN, options.token);
  const path = ctx.request.url.pathname;
  const at = path.lastIndexOf(`/${options.token}/`);
  return redirect(`${path.slice(0, at)}/${RESET_URL_TOKEN}/`, { headers: { 'Cache-Control': 'no-store' } });
}

/**
 * Handles `GET /accounts/reset/<uidb64>/<token>/` and GET/POST of `…/<uidb64>/set-password/`.
 * @example
 * app.all('/accounts/reset/:uidb64/:token/', (c) =>
 *   passwordResetConfirmView(c.get('latchkey'), { ...c.req.param(), render, renderInvalid, completeUrl }));
 */
export async function passwordResetConfirmView<User extends ResetTokenUser>(
  ctx: RequestContext<User>,
  options: Options<User>,
): Promise<Response> {
  if (options.token !== RESET_URL_TOKEN) return acceptToken(ctx, options);
  const { request } = ctx;
  if (!['GET', 'HEAD', 'POST'].includes(request.method)) return methodNotAllowed(['GET', 'HEAD', 'POST']);
  const user = await linkUser(ctx, options.uidb64);
  const token = await ctx.session.get(INTERNAL_RESET_SESSION_TOKEN);
  const valid = user !== null && typeof token === 'string' && ctx.auth.resetTokens.checkToken(user, token);
  // A form posted without a live token (used, expired, another browser) is a client error.
  if (!valid || user === null) return invalid(ctx, options, request.method === 'POST' ? 400 : 200);
  const render = async (errors: readonly string[], status = 200): Promise<Response> =>
    html(await options.render(ctx, { csrfToken: ctx.csrf.getToken(), errors }), { status, cache: 'never' });
  if (request.method !== 'POST') return render([]);
  const gate = await throttleLogin(ctx, `password_reset_set:${user.id}`, {
    throttle: ctx.auth.resetThrottle,
  });
  if (!gate.allowed) {
    const response = await render([tooManyAttempts(gate.retryAfter)], 429);
    response.headers.set('Retry-After', String(gate.retryAfter));
    return response;
  }
  const form = await request.form();
  const new1 = form?.get('new_password1') ?? '';
  const new2 = form?.get('new_password2') ?? '';
  if (new1.length > MAX_PASSWORD_LENGTH) return render(['Password too long.']);
  if (new1 !== new2) return render(['The two password fields didn’t match.']);
  const problems = await passwordProblems(new1, {
    ...userAttributes(user),
    validators: ctx.auth.passwordValidators,
  });
  if (problems.length > 0) return render(problems);
  await gate.succeeded();
  await resetPassword(ctx, user, new1);
  return redirect(options.completeUrl);
}
