/** @module The reference app's page bodies. Every string is escaped by JSX; no raw HTML from requests. */
import type { FC } from 'hono/jsx';
import type { DeviceEntry, ReauthenticatePage, SessionEntry } from '../../src/views/index.js';
import { describeDevice } from './device.js';
import { ErrorList, NewPasswordFields } from './fields.js';
import { Ago, AgoWithDate } from './time.js';

const Hidden: FC<{ name: string; value: string | null }> = ({ name, value }) =>
  value === null ? null : <input type="hidden" name={name} value={value} />;

export const Home: FC<{ username: string | null }> = ({ username }) => (
  <section class="card">
    <p>
      Latchkey's reference app: logging in, logging out, sessions on every device, and a cart kept in the
      session.
    </p>
    {username === null ? (
      <p>
        Welcome. <a href="/accounts/login/">Log in</a> to see your dashboard.
      </p>
    ) : (
      <p>
        Logged in as <strong>{username}</strong>. Go to your <a href="/dashboard/">dashboard</a>.
      </p>
    )}
  </section>
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

export const LogoutConfirm: FC<{ csrfToken: string; next: string | null; username: string | null }> = ({
  csrfToken,
  next,
  username,
}) => (
  <form method="post" action="/accounts/logout/" class="card">
    {username === null ? (
      <p>You are not logged in on this browser; logging out changes nothing.</p>
    ) : (
      <>
        <p>
          You are logged in as <strong>{username}</strong> on this browser.
        </p>
        <p class="muted">
          Logging out ends this session: the server forgets it, this browser will need your password to come
          back, and private pages are cleared from its cache. Your sessions on other devices stay logged in;{' '}
          <a href="/accounts/sessions/">end them from your sessions page</a>.
        </p>
      </>
    )}
    <input type="hidden" name="csrfmiddlewaretoken" value={csrfToken} />
    <Hidden name="next" value={next} />
    <div class="actions">
      <button type="submit">Log out</button>
      <a href={username === null ? '/' : '/dashboard/'}>Cancel</a>
    </div>
  </form>
);

export const LoggedOut: FC = () => (
  <p>
    You are logged out. <a href="/accounts/login/">Log in again</a>.
  </p>
);

export const Dashboard: FC<{ username: string; lastLogin: Date | null; now: Date }> = ({
  username,
  lastLogin,
  now,
}) => (
  <section class="card">
    <p>
      Private dashboard of <strong data-testid="dashboard-user">{username}</strong>.
    </p>
    <dl class="facts">
      <dt>Logged in</dt>
      <dd>{lastLogin === null ? 'never before' : <AgoWithDate date={lastLogin} now={now} />}</dd>
    </dl>
    <p class="actions">
      <a href="/accounts/password_change/">Change password</a>
      <a href="/accounts/sessions/">Your sessions</a>
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
    <form method="post" action="/cart/add/" class="stack">
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

const SessionRow: FC<{ session: SessionEntry; csrfToken: string; now: Date }> = ({
  session: s,
  csrfToken,
  now,
}) => (
  <li
    class={s.current ? 'session current' : 'session'}
    data-session={s.publicId}
    aria-current={s.current ? 'true' : undefined}
  >
    <div>
      <span class="device" title={s.userAgent ?? undefined}>
        {describeDevice(s.userAgent)}
      </span>
      {s.current ? <span class="badge">This session</span> : null}
      <p class="meta">
        {s.ip ?? 'unknown address'}
        {s.createdAt === null ? null : (
          <>
            {' · signed in '}
            <Ago date={s.createdAt} now={now} />
          </>
        )}
        {s.lastSeen === null ? null : (
          <>
            {' · active '}
            <Ago date={s.lastSeen} now={now} />
          </>
        )}
      </p>
    </div>
    <form method="post" action="/accounts/sessions/revoke/" class="inline">
      <input type="hidden" name="csrfmiddlewaretoken" value={csrfToken} />
      <input type="hidden" name="session" value={s.publicId} />
      <button type="submit" class={s.current ? 'secondary' : 'danger'}>
        {s.current ? 'Log out' : 'End session'}
      </button>
    </form>
  </li>
);

const DeviceRow: FC<{ device: DeviceEntry; csrfToken: string; now: Date }> = ({
  device: d,
  csrfToken,
  now,
}) => (
  <li
    class={d.current ? 'session current' : 'session'}
    data-device={d.publicId}
    aria-current={d.current ? 'true' : undefined}
  >
    <div>
      <span class="device" title={d.userAgent ?? undefined}>
        {describeDevice(d.userAgent)}
      </span>
      {d.current ? <span class="badge">This device</span> : null}
      <p class="meta">
        {d.ip ?? 'unknown address'}
        {' · remembered since '}
        <Ago date={d.createdAt} now={now} />
        {' · last used '}
        <Ago date={d.lastUsed} now={now} />
      </p>
    </div>
    <form method="post" action="/accounts/sessions/forget/" class="inline">
      <input type="hidden" name="csrfmiddlewaretoken" value={csrfToken} />
      <input type="hidden" name="device" value={d.publicId} />
      <button type="submit" class="secondary">
        Forget
      </button>
    </form>
  </li>
);

export const Sessions: FC<{
  csrfToken: string;
  sessions: readonly SessionEntry[];
  devices: readonly DeviceEntry[];
  now: Date;
}> = ({ csrfToken, sessions, devices, now }) => (
  <section class="card">
    {sessions.length === 0 ? (
      <p>
        This server cannot list your sessions (they are kept in signed cookies), but it can still end every
        other one.
      </p>
    ) : (
      <p>Where you are logged in now. End any session you do not recognise.</p>
    )}
    <ul class="sessions" data-testid="sessions">
      {sessions.map((s) => (
        <SessionRow session={s} csrfToken={csrfToken} now={now} />
      ))}
    </ul>
    <form method="post" action="/accounts/sessions/logout-others/">
      <input type="hidden" name="csrfmiddlewaretoken" value={csrfToken} />
      <button type="submit" class="secondary">
        Log out other sessions
      </button>
    </form>
    <h2>Remembered devices</h2>
    {devices.length === 0 ? (
      <p>No device is remembered.</p>
    ) : (
      <>
        <p>These log you in again without a password until you forget them.</p>
        <ul class="sessions" data-testid="devices">
          {devices.map((d) => (
            <DeviceRow device={d} csrfToken={csrfToken} now={now} />
          ))}
        </ul>
      </>
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
