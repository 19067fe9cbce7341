/**
 * @module The password reset request view (Django's `PasswordResetView`): a never-cached form
 * with one `email` field. A well-formed address always gets the same 302 to the "check your email"
 * page, at once: finding the account and mailing the link happen after the response, so neither
 * the status, the body nor the time tells whether the address is known (OWASP Forgot Password
 * Cheat Sheet). A malformed, huge or header-injecting address is refused before any lookup.
 */

import { type ResetMail, type ResetMailContext, requestPasswordReset } from '../auth/password-reset.js';
import type { ResetTokenUser } from '../auth/password-reset-token.js';
import type { RequestContext } from '../http/context.js';
import { parseAddress } from '../mail/address.js';
import type { Outbox } from '../mail/outbox.js';
import { html, methodNotAllowed } from './html.js';
import { throttleLogin } from './login.js';
import { redirect } from './redirects.js';

/** What the reset request template receives. */
export interface PasswordResetPage {
  readonly csrfToken: string;
  /** The address as typed (only when it is shown again with an error). */
  readonly email: string;
  readonly error: string | null;
}

/** Options of {@link passwordResetView}. */
export interface PasswordResetViewOptions<User extends ResetTokenUser> {
  render(ctx: RequestContext<User>, page: PasswordResetPage): string | Promise<string>;
  /** Where mail goes out (after the response). */
  readonly outbox: Outbox;
  /** The "check your email" page. */
  readonly doneUrl: string;
  /** Writes the mail; Django's wording by default. */
  readonly compose?: (context: ResetMailContext<User>) => ResetMail;
}

/** The longest `email` field read at all; anything longer is refused unread. */
const MAX_FIELD_LENGTH = 320;

/**
 * Handles GET and POST of the reset request page.
 * @example
 * app.all('/accounts/password_reset/', (c) => passwordResetView(c.get('latchkey'), { render, outbox, doneUrl }));
 */
export async function passwordResetView<User extends ResetTokenUser>(
  ctx: RequestContext<User>,
  options: PasswordResetViewOptions<User>,
): Promise<Response> {
  const { request } = ctx;
  const page = async (email: string, error: string | null, status = 200): Promise<Response> =>
    html(await options.render(ctx, { csrfToken: ctx.csrf.getToken(), email, error }), {
      status,
      cache: 'never',
    });
  if (request.method === 'GET' || request.method === 'HEAD') return page('', null);
  if (request.method !== 'POST') return methodNotAllowed(['GET', 'HEAD', 'POST']);
  const typed = (await request.form())?.get('email') ?? '';
  const email = typed.length > MAX_FIELD_LENGTH ? null : parseAddress(typed);
  // Refused before any lookup or mailer (CWE-93): the answer depends on the input alone.
  if (email === null)
    return page(typed.length > MAX_FIELD_LENGTH ? '' : typed, 'Enter a valid email address.', 400);
  // Every request counts (nothing "succeeds"): a mailbox cannot be flooded with links, nor
  // addresses tried in bulk from one client. Keyed on the address as typed, known or not.
  const gate = await throttleLogin(ctx, `password_reset:${email.toLowerCase()}`, {
    throttle: ctx.auth.resetThrottle,
  });
  if (!gate.allowed) {
    const response = await page(email, 'Too many password reset requests. Please try again later.', 429);
    response.headers.set('Retry-After', String(gate.retryAfter));
    return response;
  }
  const origin = `${request.url.protocol}//${request.url.host}`;
  requestPasswordReset(ctx, email, {
    outbox: options.outbox,
    origin,
    ...(options.compose ? { compose: options.compose } : {}),
  });
  return redirect(options.doneUrl);
}
