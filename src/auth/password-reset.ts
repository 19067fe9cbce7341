/**
 * @module Password reset (Django's `PasswordResetForm.save` and `SetPasswordForm.save`): who may
 * receive a link, the link and its mail, and setting the new password, which ends every session
 * and API token of the user through "log out everywhere" (INVARIANTS 14).
 */
import type { Outbox } from '../mail/outbox.js';
import type { EventOrigin } from './events.js';
import { isPasswordUsable } from './hashers/index.js';
import { logoutAll } from './logout-everywhere.js';
import { encodeUid, type ResetTokenUser } from './password-reset-token.js';
import type { AuthScope } from './scope.js';

/** Session data key holding the token once it left the URL (Django's `INTERNAL_RESET_SESSION_TOKEN`). */
export const INTERNAL_RESET_SESSION_TOKEN = '_password_reset_token';
/** The path segment that stands in for the token after the redirect (Django's `reset_url_token`). */
export const RESET_URL_TOKEN = 'set-password';

/** What a reset mail says. */
export interface ResetMail {
  readonly subject: string;
  readonly text: string;
}

/** What a reset mail is composed from. */
export interface ResetMailContext<User extends ResetTokenUser> {
  readonly user: User;
  /** The absolute link, `<scheme>://<host>/accounts/reset/<uidb64>/<token>/`. */
  readonly url: string;
  /** The host the request named (already checked against `ALLOWED_HOSTS`). */
  readonly host: string;
}

/**
 * Django's `registration/password_reset_email.html`, in plain text.
 * @example
 * defaultResetMail({ user, url, host: 'example.com' }).subject; // 'Password reset on example.com'
 */
export function defaultResetMail<User extends ResetTokenUser>(context: ResetMailContext<User>): ResetMail {
  return {
    subject: `Password reset on ${context.host}`,
    text: [
      `You're receiving this email because you requested a password reset for your user account at ${context.host}.`,
      '',
      'Please go to the following page and choose a new password:',
      '',
      context.url,
      '',
      `Your username, in case you've forgotten: ${context.user.username}`,
      '',
      'If you did not ask for this, ignore this email: your password stays as it is.',
      '',
    ].join('\n'),
  };
}

/** Whether `user` may be sent a link and use one: active, with a usable password (as Django's `get_users`). */
export function canReset(user: ResetTokenUser | null): boolean {
  return user?.isActive === true && isPasswordUsable(user.password);
}

/** Options of {@link requestPasswordReset}. */
export interface RequestResetOptions<User extends ResetTokenUser> {
  readonly outbox: Outbox;
  /** `<scheme>://<host>` of the links. */
  readonly origin: string;
  readonly compose?: (context: ResetMailContext<User>) => ResetMail;
}

/**
 * Schedules the reset of `email` (already a valid, normalised address) in the outbox: after the
 * response, each known active user with a usable password and that address gets one link. The
 * caller answers the same way whatever happens here.
 * @example
 * requestPasswordReset(ctx, email, { outbox, origin: 'https://example.com' });
 */
export function requestPasswordReset<User extends ResetTokenUser>(
  ctx: AuthScope<User>,
  email: string,
  options: RequestResetOptions<User>,
): void {
  const { auth } = ctx;
  // Captured now: the request is over when the job runs.
  const origin: EventOrigin = ctx.origin();
  const host = new URL(options.origin).host;
  const compose = options.compose ?? defaultResetMail;
  options.outbox.defer('password_reset', async () => {
    const users = ((await auth.users.listByEmail?.(email)) ?? []).filter(canReset);
    for (const user of users) {
      const url = `${options.origin}/accounts/reset/${encodeUid(user.id)}/${auth.resetTokens.makeToken(user)}/`;
      const mail = compose({ user, url, host });
      await auth.events.emit('passwordResetRequested', { user, origin });
      await options.outbox.mailer.send({ to: user.email, subject: mail.subject, text: mail.text });
    }
  });
}

/**
 * Sets `user`'s new password after a valid reset link, then ends every session, API token (and,
 * through log-out-everywhere, every remembered device) of the user. A session of this request
 * that was logged in as the user is flushed first, so that nothing writes it back. Returns the
 * updated user.
 * @example
 * await resetPassword(ctx, user, form.new_password1);
 */
export async function resetPassword<User extends ResetTokenUser>(
  ctx: AuthScope<User>,
  user: User,
  newPassword: string,
): Promise<User> {
  const { auth, session } = ctx;
  // Resolved under the old password: afterwards the auth hash of such a session no longer matches.
  const current = await ctx.user();
  await auth.users.setPassword(user.id, await auth.passwords.make(newPassword));
  const updated = (await auth.users.getById(user.id)) ?? user;
  if (current?.id === user.id) {
    await session.flush();
    ctx.setUser(null);
  } else {
    await session.delete(INTERNAL_RESET_SESSION_TOKEN);
  }
  await logoutAll(ctx, updated, { origin: ctx.origin() });
  await auth.events.emit('passwordReset', { user: updated, origin: ctx.origin() });
  return updated;
}
