/**
 * @module Latchkey on Express 5 (src/adapters/express.ts) with the reference app's routes and pages:
 * the same framework as the Express peer, so the ratio between the two is the auth layer alone.
 * `/limit/` serves the same page before any middleware (S0 for Express).
 *
 * Environment: PORT, DATA_DIR, SECRET_KEY, STORE, HASHER, REDIS_URL for the Redis stores.
 */
import express from 'express';
import {
  contextOf,
  latchkeyErrorHandler,
  latchkeyExpress,
  latchkeyView,
} from '../../src/adapters/express.js';
import { NEVER_CACHE } from '../../src/http/headers.js';
import { loginView } from '../../src/views/login.js';
import { logoutView } from '../../src/views/logout.js';
import { loginUrlFor } from '../../src/views/redirects.js';
import { loginPages, logoutPages, renderLatchkeyDashboard } from './latchkey-pages.js';
import { setupLatchkey } from './latchkey-setup.js';
import { announceReady, portFromEnv } from './listen.js';
import { BENCH_USER, renderDashboard, SHOWN_LAST_LOGIN } from './page.js';

const port = portFromEnv();
const setup = await setupLatchkey();
const { latchkey } = setup;

const app = express();
app.disable('x-powered-by');
// S0: before Latchkey's middleware, so none of it runs for this route.
app.get('/limit/', async (_req, res) => {
  res
    .type('html')
    .send(
      await renderDashboard({ username: BENCH_USER.username, csrfToken: '', lastLogin: SHOWN_LAST_LOGIN }),
    );
});
app.use(latchkeyExpress(latchkey));
app.all(
  '/accounts/login/',
  latchkeyView((_ctx, req) => loginView(contextOf(latchkey, req), loginPages)),
);
app.all(
  '/accounts/logout/',
  latchkeyView((_ctx, req) => logoutView(contextOf(latchkey, req), logoutPages)),
);
app.get('/dashboard/', async (req, res) => {
  const ctx = contextOf(latchkey, req);
  const user = await ctx.user();
  if (user === null) return res.redirect(loginUrlFor(ctx));
  res
    .set('Cache-Control', NEVER_CACHE)
    .type('html')
    .send(await renderLatchkeyDashboard(ctx, user));
});
app.use(latchkeyErrorHandler(latchkey));

const server = app.listen(port, '127.0.0.1', () => announceReady(server, () => setup.close()));
