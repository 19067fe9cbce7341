/**
 * @module The consumer project's fetch-style app on `latchkey/web` (issue 15 item 13), served on
 * Node by @hono/node-server's `serve({ fetch })`, a server for any fetch handler.
 */
import { type Http2Bindings, type HttpBindings, serve } from '@hono/node-server';
import { html, loginUrlFor, loginView, logoutView, redirect } from 'latchkey/views';
import { latchkeyWeb } from 'latchkey/web';
import { dashboard, latchkey, login, logout, port, ready } from './setup.js';

const handle = latchkeyWeb(
  latchkey,
  async (request, ctx) => {
    switch (new URL(request.url).pathname) {
      case '/accounts/login/':
        return loginView(ctx, { render: login });
      case '/accounts/logout/':
        return logoutView(ctx, logout);
      case '/dashboard/': {
        const user = await ctx.user(); // typed with the app's User
        if (user === null) return redirect(loginUrlFor(ctx));
        return html(dashboard(user, ctx.csrf.getToken()), { cache: 'never' });
      }
      default:
        return new Response('Not found.', { status: 404 });
    }
  },
  { clientIp: (_request, env: HttpBindings | Http2Bindings) => env.incoming.socket.remoteAddress ?? null },
);
serve({ fetch: handle, port, hostname: '127.0.0.1' }, () => ready('web'));
