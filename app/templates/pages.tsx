/** @module The reference app's page bodies. Every string is escaped by JSX; no raw HTML from requests. */
import type { FC } from 'hono/jsx';
import type { SessionEntry } from '../../src/views/sessions.js';
import { ErrorList, NewPasswordFields } from './fields.js';

const Hidden: FC<{ name: string; value: string | null }> = ({ name, value }) =>
  value === null ? null : <input type="hidden" name={name} value={value} />;

export const Home: FC<{ username: string | null }> = ({ username }) =>
  username === null ? (
    <p>
      Welcome. <a href="/accounts/login/">Log in</a> to see your dashboard.
    </p>
  ) : (
    <p>
      Logged in as <strong>{username}</strong>. Go to your <a href="/dashboard/">dashboard</a>.
    </p>
  );

export const LoginForm: FC<{
  csrfToken: string;
  next: string | null;
  username: string;
  error: string | null;
}> = (props) => (
  <form method="post" action="/accounts/login/" class="card">
    {props.error !== null && (
      <p class="error" role="alert">
        {props.error}
      </p>
    )}
    <input type="hidden" name="csrfmiddlewaretoken" value={props.csrfToken} />
    <Hidden name="next" value={props.next} />
    <label>
      Username
      <input name="username" autocomplete="username" required value={props.username} autofocus />
    </label>
    <label>
      Password
      <input name="password" type="password" autocomplete="current-password" required />
    </label>
    <button type="submit">Log in</button>
    <p>
      <a href="/accounts/password_reset/">Forgot your password?</a>
    </p>
  </form>
);

export const LogoutConfirm: FC<{ csrfToken: string; next: string | null }> = ({ csrfToken, next }) => (
  <form method="post" action="/accounts/logout/" class="card">
    <p>Log out?</p>
    <input type="hidden" name="csrfmiddlewaretoken" value={csrfToken} />
    <Hidden name="next" value={next} />
    <button type="submit">Log out</button>
  </form>
);

export const LoggedOut: FC = () => (
  <p>
    You are logged out. <a href="/accounts/login/">Log in again</a>.
  </p>
);

export const Dashboard: FC<{ username: string; lastLogin: Date | null }> = ({ username, lastLogin }) => (
  <section class="card">
    <p>
      Private dashboard of <strong data-testid="dashboard-user">{username}</strong>.
    </p>
    <p>Last login: {lastLogin === null ? 'this is your first' : lastLogin.toISOString()}</p>
    <p>
      <a href="/accounts/password_change/">Change password</a>
    </p>
  </section>
);

export const Cart: FC<{ items: readonly string[]; csrfToken: string }> = ({ items, csrfToken }) => (
  <section class="card">
    {items.length === 0 ? (
      <p>Your cart is empty.</p>
    ) : (
      <ul class="cart" data-testid="cart">
        {items.map((item) => (
          <li>{item}</li>
        ))}
      </ul>
    )}
    <form method="post" action="/cart/add/">
      <input type="hidden" name="csrfmiddlewaretoken" value={csrfToken} />
      <label>
        Item
        <input name="item" required maxlength={100} />
      </label>
      <button type="submit">Add to cart</button>
    </form>
  </section>
);

export const PasswordChangeForm: FC<{ csrfToken: string; errors: readonly string[] }> = ({
  csrfToken,
  errors,
}) => (
  <form method="post" action="/accounts/password_change/" class="card">
    <ErrorList errors={errors} />
    <input type="hidden" name="csrfmiddlewaretoken" value={csrfToken} />
    <label>
      Old password
      <input name="old_password" type="password" autocomplete="current-password" required />
    </label>
    <NewPasswordFields />
    <button type="submit">Change my password</button>
  </form>
);

export const PasswordChangeDone: FC = () => (
  <p>
    Your password was changed. Your other sessions have been logged out.{' '}
    <a href="/dashboard/">Back to the dashboard</a>.
  </p>
);

const when = (date: Date | null): string =>
  date === null ? 'unknown' : date.toISOString().replace('T', ' ').slice(0, 16);

export const Sessions: FC<{ csrfToken: string; sessions: readonly SessionEntry[] }> = ({
  csrfToken,
  sessions,
}) => (
  <section class="card">
    <table data-testid="sessions">
      <thead>
        <tr>
          <th>Device</th>
          <th>IP</th>
          <th>Created</th>
          <th>Last seen</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {sessions.map((s) => (
          <tr data-session={s.publicId}>
            <td>{s.userAgent ?? 'unknown device'}</td>
            <td>{s.ip ?? 'unknown'}</td>
            <td>{when(s.createdAt)}</td>
            <td>{when(s.lastSeen)}</td>
            <td>
              {s.current ? <strong>This session</strong> : null}
              <form method="post" action="/accounts/sessions/revoke/" class="inline">
                <input type="hidden" name="csrfmiddlewaretoken" value={csrfToken} />
                <input type="hidden" name="session" value={s.publicId} />
                <button type="submit">{s.current ? 'Log out' : 'End'}</button>
              </form>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
    <form method="post" action="/accounts/sessions/logout-others/">
      <input type="hidden" name="csrfmiddlewaretoken" value={csrfToken} />
      <button type="submit">Log out other sessions</button>
    </form>
  </section>
);
