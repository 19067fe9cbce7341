/**
 * @module The pages every contender serves, rendered from the reference app's own templates so the
 * markup is byte-for-byte the same kind of page everywhere: the dashboard (S0, S1) and the login
 * form (S3). Latchkey's server renders them through the reference app itself.
 */
import { Layout } from '../../app/templates/layout.js';
import { Dashboard, LoginForm } from '../../app/templates/pages.js';

/** What a dashboard shows: the user's name, the token of the logout form, the last login. */
export interface DashboardFields {
  readonly username: string;
  /** `''` for stacks that check no CSRF token (the form still renders its hidden field). */
  readonly csrfToken: string;
  readonly lastLogin: Date | null;
}

/**
 * The dashboard page, as the reference app renders it for a logged-in user.
 * @example
 * res.send(await renderDashboard({ username: 'alice', csrfToken: '', lastLogin: null }));
 */
export async function renderDashboard(fields: DashboardFields): Promise<string> {
  const frame = {
    title: 'Dashboard',
    username: fields.username,
    csrfToken: fields.csrfToken,
    messages: [],
    nonce: null,
  };
  const page = (
    <Layout frame={frame}>
      <Dashboard username={fields.username} lastLogin={fields.lastLogin} now={new Date()} />
    </Layout>
  );
  return `<!doctype html>${await page.toString()}`;
}

/**
 * The login form, as the reference app renders it for an anonymous visitor.
 * @example
 * res.send(await renderLoginPage({ csrfToken: '' }));
 */
export async function renderLoginPage(fields: { readonly csrfToken: string }): Promise<string> {
  const frame = { title: 'Log in', username: null, csrfToken: null, messages: [], nonce: null };
  const page = (
    <Layout frame={frame}>
      <LoginForm csrfToken={fields.csrfToken} next={null} username="" error={null} />
    </Layout>
  );
  return `<!doctype html>${await page.toString()}`;
}

/**
 * The last login a dashboard shows where the stack keeps none (S0 and the peers): the server's
 * start, about when the benchmark logs in. Latchkey shows its user's real `last_login`, so every
 * contender renders the same page, "Logged in N minutes ago (date)", not a shorter one.
 */
export const SHOWN_LAST_LOGIN = new Date();

/** The user every benchmark logs in as, and the password it types. */
export const BENCH_USER = {
  username: 'alice',
  email: 'alice@example.com',
  password: 'correct horse battery staple',
};
