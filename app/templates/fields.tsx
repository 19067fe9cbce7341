/** @module Form parts shared by the reference app's pages. Every string is escaped by JSX. */
import type { FC } from 'hono/jsx';

/** A form's errors, announced to screen readers; nothing when there are none. */
export const ErrorList: FC<{ errors: readonly string[] }> = ({ errors }) =>
  errors.length === 0 ? null : (
    <ul class="error" role="alert">
      {errors.map((e) => (
        <li>{e}</li>
      ))}
    </ul>
  );

/** The new password, twice (Django's `SetPasswordForm` fields). */
export const NewPasswordFields: FC = () => (
  <>
    <label>
      New password
      <input name="new_password1" type="password" autocomplete="new-password" required />
    </label>
    <label>
      New password confirmation
      <input name="new_password2" type="password" autocomplete="new-password" required />
    </label>
  </>
);
