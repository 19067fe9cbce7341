/**
 * @module The password change view (Django's PasswordChangeView): a fresh login required (see
 * `reauthenticate.ts`), the old password
 * checked, the new one validated twice; success keeps this session (new key) and ends every other
 * session of the user (INVARIANTS 5).
 */
import { changePassword } from '../auth/password-change.js';
import type { AuthUser } from '../auth/types.js';
import { passwordProblems, userAttributes } from '../auth/users/password-rules.js';
import type { RequestContext } from '../http/context.js';
import { html, methodNotAllowed } from './html.js';
import { MAX_PASSWORD_LENGTH } from './login.js';
import { reauthRequired } from './reauthenticate.js';
import { loginRequired, redirect } from './redirects.js';

/** What the password change template receives. */
export interface PasswordChangePage {
  readonly csrfToken: string;
  readonly errors: readonly string[];
}

/** Options of {@link passwordChangeView}. */
export interface PasswordChangeViewOptions<User extends AuthUser> {
  render(ctx: RequestContext<User>, page: PasswordChangePage): string | Promise<string>;
  /** Where to go on success. */
  readonly successUrl: string;
}

async function check<User extends AuthUser>(
  ctx: RequestContext<User>,
  user: User,
  form: URLSearchParams | null,
) {
  const oldPassword = form?.get('old_password') ?? '';
  const new1 = form?.get('new_password1') ?? '';
  const new2 = form?.get('new_password2') ?? '';
  if (oldPassword.length > MAX_PASSWORD_LENGTH || new1.length > MAX_PASSWORD_LENGTH) {
    return { errors: ['Password too long.'], password: null };
  }
  const { valid } = await ctx.auth.passwords.check(oldPassword, user.password);
  if (!valid)
    return { errors: ['Your old password was entered incorrectly. Please enter it again.'], password: null };
  if (new1 !== new2) return { errors: ['The two password fields didn’t match.'], password: null };
  const errors = await passwordProblems(new1, {
    ...userAttributes(user),
    validators: ctx.auth.passwordValidators,
  });
  return { errors, password: errors.length === 0 ? new1 : null };
}

/**
 * Handles GET and POST of the password change page.
 * @example
 * app.all('/accounts/password_change/', (c) => passwordChangeView(c.get('latchkey'), { render, successUrl }));
 */
export async function passwordChangeView<User extends AuthUser>(
  ctx: RequestContext<User>,
  options: PasswordChangeViewOptions<User>,
): Promise<Response> {
  const denied = await loginRequired(ctx);
  if (denied) return denied;
  // A sensitive action: only within REAUTH_MAX_AGE of a password login (never a remembered session).
  const stale = await reauthRequired(ctx);
  if (stale) return stale;
  const user = (await ctx.user()) as User;
  const { request } = ctx;
  const render = async (errors: readonly string[]): Promise<Response> =>
    html(await options.render(ctx, { csrfToken: ctx.csrf.getToken(), errors }), { cache: 'never' });
  if (request.method === 'GET' || request.method === 'HEAD') return render([]);
  if (request.method !== 'POST') return methodNotAllowed(['GET', 'HEAD', 'POST']);
  const { errors, password } = await check(ctx, user, await request.form());
  if (password === null) return render(errors);
  await changePassword(ctx, user, password);
  ctx.messages.success('Your password was changed.');
  return redirect(options.successUrl);
}
