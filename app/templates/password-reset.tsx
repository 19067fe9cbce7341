/** @module The reference app's password reset pages. Every string is escaped by JSX. */
import type { FC } from 'hono/jsx';
import { ErrorList, NewPasswordFields } from './fields.js';

export const PasswordResetForm: FC<{ csrfToken: string; email: string; error: string | null }> = (props) => (
  <form method="post" action="/accounts/password_reset/" class="card">
    <p>
      Forgotten your password? Enter your email address below, and we’ll email instructions for setting a new
      one.
    </p>
    <ErrorList errors={props.error === null ? [] : [props.error]} />
    <input type="hidden" name="csrfmiddlewaretoken" value={props.csrfToken} />
    <label>
      Email address
      <input
        name="email"
        type="email"
        autocomplete="email"
        maxlength={254}
        required
        value={props.email}
        autofocus
      />
    </label>
    <button type="submit">Reset my password</button>
  </form>
);

export const PasswordResetDone: FC = () => (
  <section class="card" data-testid="password-reset-done">
    <p>Check your email.</p>
    <p>
      We’ve emailed you instructions for setting your password, if an account exists with the email you
      entered. You should receive them shortly.
    </p>
    <p>If you don’t receive an email, please make sure you’ve entered the address you registered with.</p>
  </section>
);

export const SetPasswordForm: FC<{ csrfToken: string; errors: readonly string[] }> = ({
  csrfToken,
  errors,
}) => (
  <form method="post" class="card">
    <p>Please enter your new password twice so we can verify you typed it in correctly.</p>
    <ErrorList errors={errors} />
    <input type="hidden" name="csrfmiddlewaretoken" value={csrfToken} />
    <NewPasswordFields />
    <button type="submit">Set my password</button>
  </form>
);

export const InvalidResetLink: FC<{ error: string | null }> = ({ error }) => (
  <section class="card" data-testid="invalid-reset-link">
    <p class="error" role="alert">
      The password reset link was invalid, possibly because it has already been used, has expired, or was
      copied incompletely.
    </p>
    {error !== null && <p class="error">{error}</p>}
    <p>
      Please <a href="/accounts/password_reset/">request a new password reset</a>.
    </p>
  </section>
);

export const PasswordResetComplete: FC = () => (
  <section class="card" data-testid="password-reset-complete">
    <p>Your password has been set. You may go ahead and log in now.</p>
    <p>
      <a href="/accounts/login/">Log in</a>
    </p>
  </section>
);
