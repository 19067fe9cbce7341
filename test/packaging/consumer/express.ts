/** @module The consumer project's Express app (issue 15 item 2). */
import express from 'express';
import { contextOf, latchkeyErrorHandler, latchkeyExpress, latchkeyView } from 'latchkey/express';
import { loginUrlFor, loginView, logoutView } from 'latchkey/views';
import { dashboard, latchkey, login, logout, port, ready } from './setup.js';

const app = express();
app.use(latchkeyExpress(latchkey));
app.all(
  '/accounts/login/',
  latchkeyView((ctx) => loginView(ctx, { render: login })),
);
app.all(
  '/accounts/logout/',
  latchkeyView((ctx) => logoutView(ctx, logout)),
);
app.get('/dashboard/', async (req, res) => {
  const ctx = contextOf(latchkey, req); // typed with the app's User
  const user = await ctx.user();
  if (user === null) return res.redirect(loginUrlFor(ctx));
  res.send(dashboard(user, ctx.csrf.getToken()));
});
app.use(latchkeyErrorHandler(latchkey));
app.listen(port, '127.0.0.1', () => ready('express'));
