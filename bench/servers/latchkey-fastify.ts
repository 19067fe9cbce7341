/**
 * @module Latchkey on Fastify 5 (src/adapters/fastify.ts) with the reference app's routes and pages:
 * the same framework as the Fastify peer, so the ratio between the two is the auth layer alone.
 * `/limit/` serves the same page with no session at all (S0 for Fastify).
 *
 * Environment: PORT, DATA_DIR, SECRET_KEY, STORE, HASHER, REDIS_URL for the Redis stores.
 */
import Fastify from 'fastify';
import { contextOf, latchkeyErrorHandler, latchkeyFastify } from '../../src/adapters/fastify.js';
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

const app = Fastify();
// S0: a route outside the scope Latchkey is registered in, so none of its hooks run for it.
app.get('/limit/', async (_request, reply) => {
  reply.type('text/html; charset=utf-8');
  return renderDashboard({ username: BENCH_USER.username, csrfToken: '', lastLogin: SHOWN_LAST_LOGIN });
});
await app.register(async (scope) => {
  await scope.register(latchkeyFastify, { latchkey });
  scope.setErrorHandler(latchkeyErrorHandler(latchkey));
  scope.route({
    method: ['GET', 'HEAD', 'POST'],
    url: '/accounts/login/',
    handler: (request) => loginView(contextOf(latchkey, request), loginPages),
  });
  scope.route({
    method: ['GET', 'HEAD', 'POST', 'OPTIONS'],
    url: '/accounts/logout/',
    handler: (request) => logoutView(contextOf(latchkey, request), logoutPages),
  });
  scope.get('/dashboard/', async (request, reply) => {
    const ctx = contextOf(latchkey, request);
    const user = await ctx.user();
    if (user === null) return reply.redirect(loginUrlFor(ctx));
    reply.header('Cache-Control', NEVER_CACHE).type('text/html; charset=utf-8');
    return renderLatchkeyDashboard(ctx, user);
  });
});

await app.listen({ port, host: '127.0.0.1' });
announceReady(app.server, async () => {
  await app.close();
  await setup.close();
});
