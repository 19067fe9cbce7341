/**
 * @module The reference app's routes (../shared/CONTRACT.md): Hono for routing, Latchkey's
 * framework-neutral views for everything that touches authentication.
 */
import { type Context, Hono } from 'hono';
import type { JSX } from 'hono/jsx/jsx-runtime';
import { type LatchkeyEnv, latchkeyMiddleware } from '../src/adapters/hono.js';
import type { User } from '../src/auth/users/index.js';
import type { Latchkey } from '../src/index.js';
import { createMailer, Outbox } from '../src/mail/index.js';
import {
  apiLoginView,
  apiLogoutView,
  apiMeView,
  apiReauthenticateView,
  createTokenView,
  csrfTokenView,
  forgetDeviceView,
  html,
  loginRequired,
  loginView,
  logoutOthersView,
  logoutView,
  passwordChangeView,
  passwordResetConfirmView,
  passwordResetView,
  reauthenticateView,
  redirect,
  revokeSessionView,
  sessionsView,
} from '../src/views/index.js';
import type { CspVariables } from './csp.js';
import { securityHeaders } from './security-headers.js';
import { favicon, localTimeScript, stylesheet } from './static.js';
import { Layout } from './templates/layout.js';
import {
  Cart,
  Dashboard,
  Home,
  LoggedOut,
  LoginForm,
  LogoutConfirm,
  PasswordChangeDone,
  PasswordChangeForm,
  ReauthenticateForm,
  Sessions,
} from './templates/pages.js';
import {
  InvalidResetLink,
  PasswordResetComplete,
  PasswordResetDone,
  PasswordResetForm,
  SetPasswordForm,
} from './templates/password-reset.js';

/** The app's Hono environment: Latchkey's request context and the response's CSP nonce. */
type AppEnv = { Variables: LatchkeyEnv<User>['Variables'] & CspVariables };
type C = Context<AppEnv>;

/** Session data key of the cart: extra session data that logout must clear. */
export const CART_KEY = 'cart';
const MAX_CART_ITEMS = 50;

/** Renders a whole page: the frame (user, logout button, messages shown once) around `body`. */
async function renderPage(c: C, title: string, body: JSX.Element): Promise<string> {
  const ctx = c.get('latchkey');
  const user = await ctx.user();
  const messages = (await ctx.messages.consume()).map((m) => ({ tags: m.tags, text: m.text }));
  const frame = {
    title,
    username: user?.username ?? null,
    csrfToken: user === null ? null : ctx.csrf.getToken(),
    messages,
    nonce: c.get('cspNonce'),
  };
  return `<!doctype html>${await (<Layout frame={frame}>{body}</Layout>).toString()}`;
}

/** A page that only shows `body`, never cached (it may follow a private step). */
async function plainPage(c: C, title: string, body: JSX.Element): Promise<Response> {
  return html(await renderPage(c, title, body), { cache: 'never' });
}

function serializeUser(user: User): Record<string, unknown> {
  return user.toJSON() as unknown as Record<string, unknown>;
}

/**
 * Builds the app around a Latchkey instance.
 * @example
 * const app = createApp(latchkey);
 * serve({ fetch: app.fetch, port: 8000 });
 */
export function createApp(
  latchkey: Latchkey<User>,
  options: {
    clientIp?: (c: unknown) => string | null;
    /** Where mail goes out; the `EMAIL_*` settings' mailer when omitted. */
    outbox?: Outbox;
  } = {},
) {
  const outbox = options.outbox ?? new Outbox(createMailer(latchkey.settings), latchkey.logger);
  const app = new Hono<AppEnv>();
  const now = (): Date => new Date(latchkey.clock.now());
  app.use(securityHeaders());
  app.use(latchkeyMiddleware(latchkey, options.clientIp ? { clientIp: options.clientIp } : {}));

  const asset = (body: string, type: string) => () =>
    new Response(body, { headers: { 'Content-Type': type, 'Cache-Control': 'public, max-age=3600' } });
  app.get('/static/style.css', asset(stylesheet, 'text/css; charset=utf-8'));
  app.get('/static/local-time.js', asset(localTimeScript, 'text/javascript; charset=utf-8'));
  app.get('/static/favicon.svg', asset(favicon, 'image/svg+xml'));
  app.get('/favicon.ico', asset(favicon, 'image/svg+xml')); // what browsers ask for without a <link rel=icon>

  app.get('/', async (c) => {
    const ctx = c.get('latchkey');
    const user = await ctx.user();
    return html(await renderPage(c, 'Home', <Home username={user?.username ?? null} />));
  });

  app.all('/accounts/login/', (c) =>
    loginView(c.get('latchkey'), {
      render: (_, page) => renderPage(c, 'Log in', <LoginForm {...page} />),
    }),
  );

  app.all('/accounts/logout/', (c) =>
    logoutView(c.get('latchkey'), {
      renderConfirm: async (ctx, page) => {
        const username = (await ctx.user())?.username ?? null;
        return renderPage(c, 'Log out?', <LogoutConfirm {...page} username={username} />);
      },
      renderLoggedOut: () => renderPage(c, 'Logged out', <LoggedOut />),
    }),
  );

  app.get('/dashboard/', async (c) => {
    const ctx = c.get('latchkey');
    const denied = await loginRequired(ctx);
    if (denied) return denied;
    const user = (await ctx.user()) as User;
    const body = <Dashboard username={user.username} lastLogin={user.lastLogin} now={now()} />;
    return html(await renderPage(c, 'Dashboard', body), { cache: 'never' });
  });

  app.get('/cart/', async (c) => {
    const ctx = c.get('latchkey');
    const items = ((await ctx.session.get(CART_KEY)) as string[] | undefined) ?? [];
    return html(await renderPage(c, 'Cart', <Cart items={items} csrfToken={ctx.csrf.getToken()} />), {
      cache: 'never',
    });
  });

  app.post('/cart/add/', async (c) => {
    const ctx = c.get('latchkey');
    const item = ((await ctx.request.form())?.get('item') ?? '').trim().slice(0, 100);
    if (item === '') return latchkey.errorResponse(ctx.request, 400, 'The "item" field is required.');
    const items = ((await ctx.session.get(CART_KEY)) as string[] | undefined) ?? [];
    await ctx.session.set(CART_KEY, [...items, item].slice(-MAX_CART_ITEMS));
    return redirect('/cart/');
  });

  app.all('/accounts/password_change/', (c) =>
    passwordChangeView(c.get('latchkey'), {
      render: (_, page) => renderPage(c, 'Password change', <PasswordChangeForm {...page} />),
      successUrl: '/accounts/password_change/done/',
    }),
  );

  app.get('/accounts/password_change/done/', async (c) => {
    const ctx = c.get('latchkey');
    const denied = await loginRequired(ctx);
    if (denied) return denied;
    return html(await renderPage(c, 'Password changed', <PasswordChangeDone />), { cache: 'never' });
  });

  app.all('/accounts/password_reset/', (c) =>
    passwordResetView(c.get('latchkey'), {
      render: (_, page) => renderPage(c, 'Password reset', <PasswordResetForm {...page} />),
      outbox,
      doneUrl: '/accounts/password_reset/done/',
    }),
  );
  app.get('/accounts/password_reset/done/', (c) =>
    plainPage(c, 'Password reset sent', <PasswordResetDone />),
  );
  app.all('/accounts/reset/:uidb64/:token/', (c) =>
    passwordResetConfirmView(c.get('latchkey'), {
      uidb64: c.req.param('uidb64'),
      token: c.req.param('token'),
      render: (_, page) => renderPage(c, 'Enter new password', <SetPasswordForm {...page} />),
      renderInvalid: (_, page) =>
        renderPage(c, 'Password reset unsuccessful', <InvalidResetLink {...page} />),
      completeUrl: '/accounts/reset/done/',
    }),
  );
  app.get('/accounts/reset/done/', (c) => plainPage(c, 'Password reset complete', <PasswordResetComplete />));

  app.get('/accounts/sessions/', (c) =>
    sessionsView(c.get('latchkey'), {
      render: (_, page) => renderPage(c, 'Your sessions', <Sessions {...page} now={now()} />),
    }),
  );
  app.all('/accounts/sessions/revoke/', (c) =>
    revokeSessionView(c.get('latchkey'), { successUrl: '/accounts/sessions/' }),
  );
  app.all('/accounts/sessions/logout-others/', (c) =>
    logoutOthersView(c.get('latchkey'), { successUrl: '/accounts/sessions/' }),
  );
  app.all('/accounts/sessions/forget/', (c) =>
    forgetDeviceView(c.get('latchkey'), { successUrl: '/accounts/sessions/' }),
  );
  app.all('/accounts/reauthenticate/', (c) =>
    reauthenticateView(c.get('latchkey'), {
      render: (_, page) => renderPage(c, 'Confirm your password', <ReauthenticateForm {...page} />),
    }),
  );

  app.get('/api/csrf/', (c) => csrfTokenView(c.get('latchkey')));
  app.all('/api/login/', (c) => apiLoginView(c.get('latchkey'), { serializeUser }));
  app.get('/api/me/', (c) => apiMeView(c.get('latchkey'), { serializeUser }));
  app.all('/api/logout/', (c) => apiLogoutView(c.get('latchkey')));
  app.all('/api/tokens/', (c) => createTokenView(c.get('latchkey')));
  app.all('/api/reauthenticate/', (c) => apiReauthenticateView(c.get('latchkey')));

  app.notFound((c) => {
    const ctx = c.get('latchkey');
    return ctx ? latchkey.errorResponse(ctx.request, 404, 'Not found.') : c.text('Not found.', 404);
  });
  app.onError((error, c) => {
    const ctx = c.get('latchkey');
    const mapped = ctx ? latchkey.responseForError(ctx.request, error) : null;
    if (mapped) return mapped;
    // A bug: log it with its stack on the server, show nothing of it to the client.
    latchkey.logger.log('error', 'app.unhandled_error', {
      message: String(error),
      stack: (error as Error)?.stack,
    });
    return ctx
      ? latchkey.errorResponse(ctx.request, 500, 'Internal server error.')
      : c.text('Internal server error.', 500);
  });
  return app;
}
