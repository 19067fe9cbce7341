/** @module The reference app's page bodies. Every string is escaped by JSX; no raw HTML from requests. */
import type { FC } from 'hono/jsx';
import type { ReauthenticatePage } from '../../src/views/reauthenticate.js';
import type { DeviceEntry, SessionEntry } from '../../src/views/sessions.js';
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
    <label class="checkbox">
      <input name="remember" type="checkbox" /> Remember me on this device
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

/** One row of the sessions or devices table: where, when, and a POST button that ends it. */
interface DeviceRow {
  readonly id: string;
  readonly userAgent: string | null;
  readonly ip: string | null;
  readonly since: Date | null;
  readonly last: Date | null;
  /** "This session" / "This device", or null. */
  readonly mark: string | null;
  readonly button: string;
}

const DeviceTable: FC<{
  csrfToken: string;
  testId: string;
  /** The row attribute (`data-session`, `data-device`) and the posted field name. */
  kind: 'session' | 'device';
  action: string;
  headings: readonly [string, string];
  rows: readonly DeviceRow[];
  caption?: string;
}> = (props) => (
  <table data-testid={props.testId}>
    {props.caption === undefined ? null : <caption>{props.caption}</caption>}
    <thead>
      <tr>
        <th>Device</th>
        <th>IP</th>
        <th>{props.headings[0]}</th>
        <th>{props.headings[1]}</th>
        <th />
      </tr>
    </thead>
    <tbody>
      {props.rows.map((row) => (
        <tr {...{ [`data-${props.kind}`]: row.id }}>
          <td>{row.userAgent ?? 'unknown device'}</td>
          <td>{row.ip ?? 'unknown'}</td>
          <td>{when(row.since)}</td>
          <td>{when(row.last)}</td>
          <td>
            {row.mark === null ? null : <strong>{row.mark}</strong>}
            <form method="post" action={props.action} class="inline">
              <input type="hidden" name="csrfmiddlewaretoken" value={props.csrfToken} />
              <input type="hidden" name={props.kind} value={row.id} />
              <button type="submit">{row.button}</button>
            </form>
          </td>
        </tr>
      ))}
    </tbody>
  </table>
);

export const Sessions: FC<{
  csrfToken: string;
  sessions: readonly SessionEntry[];
  devices: readonly DeviceEntry[];
}> = ({ csrfToken, sessions, devices }) => (
  <section class="card">
    <DeviceTable
      csrfToken={csrfToken}
      testId="sessions"
      kind="session"
      action="/accounts/sessions/revoke/"
      headings={['Created', 'Last seen']}
      rows={sessions.map((s) => ({
        id: s.publicId,
        userAgent: s.userAgent,
        ip: s.ip,
        since: s.createdAt,
        last: s.lastSeen,
        mark: s.current ? 'This session' : null,
        button: s.current ? 'Log out' : 'End',
      }))}
    />
    <form method="post" action="/accounts/sessions/logout-others/">
      <input type="hidden" name="csrfmiddlewaretoken" value={csrfToken} />
      <button type="submit">Log out other sessions</button>
    </form>
    {devices.length === 0 ? (
      <p>No device is remembered.</p>
    ) : (
      <DeviceTable
        csrfToken={csrfToken}
        testId="devices"
        kind="device"
        action="/accounts/sessions/forget/"
        headings={['Remembered since', 'Last used']}
        caption="Remembered devices (they log you in again until forgotten)"
        rows={devices.map((d) => ({
          id: d.publicId,
          userAgent: d.userAgent,
          ip: d.ip,
          since: d.createdAt,
          last: d.lastUsed,
          mark: d.current ? 'This device' : null,
          button: 'Forget',
        }))}
      />
    )}
  </section>
);

export const ReauthenticateForm: FC<ReauthenticatePage> = (props) => (
  <form method="post" action="/accounts/reauthenticate/" class="card">
    <p>
      This action needs your password again, <strong>{props.username}</strong>.
    </p>
    <ErrorList errors={props.error === null ? [] : [props.error]} />
    <input type="hidden" name="csrfmiddlewaretoken" value={props.csrfToken} />
    <Hidden name="next" value={props.next} />
    <label>
      Password
      <input name="password" type="password" autocomplete="current-password" required autofocus />
    </label>
    <button type="submit">Confirm</button>
  </form>
);
