/** @module The consumer project's Hono app (issue 15 item 2). */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { type LatchkeyEnv, latchkeyMiddleware } from 'latchkey/hono';
import type { User } from 'latchkey/users';
import { loginUrlFor, loginView, logoutView, redirect } from 'latchkey/views';
import { dashboard, latchkey, login, logout, port, ready } from './setup.js';

const app = new Hono<LatchkeyEnv<User>>();
app.use(latchkeyMiddleware(latchkey));
app.all('/accounts/login/', (c) => loginView(c.get('latchkey'), { render: login }));
app.all('/accounts/logout/', (c) => logoutView(c.get('latchkey'), logout));
app.get('/dashboard/', async (c) => {
  const ctx = c.get('latchkey');
  const user = await ctx.user();
  if (user === null) return redirect(loginUrlFor(ctx));
  return c.html(dashboard(user, ctx.csrf.getToken()));
});
serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => ready('hono'));
