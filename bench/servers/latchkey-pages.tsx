/**
 * @module The reference app's pages for Latchkey on Express and Fastify: the same frame as
 * app/routes.tsx (user, CSRF token of the logout button, messages shown once) around the same
 * templates, so every Latchkey server sends the same markup.
 */
import type { JSX } from 'hono/jsx/jsx-runtime';
import { Layout } from '../../app/templates/layout.js';
import { Dashboard, LoggedOut, LoginForm, LogoutConfirm } from '../../app/templates/pages.js';
import type { User } from '../../src/auth/users/user.js';
import type { RequestContext } from '../../src/http/context.js';
import type { LoginViewOptions } from '../../src/views/login.js';
import type { LogoutViewOptions } from '../../src/views/logout.js';

type Ctx = RequestContext<User>;

async function renderPage(ctx: Ctx, title: string, body: JSX.Element): Promise<string> {
  const user = await ctx.user();
  const messages = (await ctx.messages.consume()).map((m) => ({ tags: m.tags, text: m.text }));
  const frame = {
    title,
    username: user?.username ?? null,
    csrfToken: user === null ? null : ctx.csrf.getToken(),
    messages,
    nonce: null,
  };
  return `<!doctype html>${await (<Layout frame={frame}>{body}</Layout>).toString()}`;
}

/** The dashboard of the logged-in `user`. */
export function renderLatchkeyDashboard(ctx: Ctx, user: User): Promise<string> {
  return renderPage(
    ctx,
    'Dashboard',
    <Dashboard username={user.username} lastLogin={user.lastLogin} now={new Date()} />,
  );
}

/** Templates of Latchkey's login view. */
export const loginPages: LoginViewOptions<User> = {
  render: (ctx, page) => renderPage(ctx as Ctx, 'Log in', <LoginForm {...page} />),
};

/** Templates of Latchkey's logout view. */
export const logoutPages: LogoutViewOptions<User> = {
  renderConfirm: async (ctx, page) => {
    const username = (await ctx.user())?.username ?? null;
    return renderPage(ctx as Ctx, 'Log out?', <LogoutConfirm {...page} username={username} />);
  },
  renderLoggedOut: (ctx) => renderPage(ctx as Ctx, 'Logged out', <LoggedOut />),
};
