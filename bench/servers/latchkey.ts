/**
 * @module Latchkey's benchmark server on Hono: the reference app itself (app/routes.tsx) on Node,
 * set up by latchkey-setup.ts. `/limit/` serves the same dashboard from a bare Hono app with no
 * session at all (S0).
 *
 * Environment: PORT, DATA_DIR, SECRET_KEY, STORE, HASHER, REDIS_URL for the Redis stores.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createApp } from '../../app/routes.js';
import { setupLatchkey } from './latchkey-setup.js';
import { announceReady, portFromEnv } from './listen.js';
import { BENCH_USER, renderDashboard, SHOWN_LAST_LOGIN } from './page.js';

const port = portFromEnv();
const setup = await setupLatchkey();
const app = createApp(setup.latchkey);

// S0: the framework's ceiling, the same page with no session middleware in front of it.
const limit = new Hono();
limit.get('/limit/', async (c) =>
  c.html(
    await renderDashboard({ username: BENCH_USER.username, csrfToken: '', lastLogin: SHOWN_LAST_LOGIN }),
  ),
);

const server = serve(
  {
    fetch: (request: Request) => (request.url.endsWith('/limit/') ? limit : app).fetch(request),
    port,
    hostname: '127.0.0.1',
  },
  () => announceReady(server, () => setup.close()),
);
