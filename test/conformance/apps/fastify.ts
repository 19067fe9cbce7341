/**
 * @module The conformance app on Fastify 5, written as Fastify users write: `reply.redirect`,
 * strings and streams as replies, thrown errors, `request.body` — with Latchkey's views returned
 * as WHATWG `Response`s. Reached in-process with `fastify.inject`.
 */
import { Readable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { latchkeyErrorHandler, latchkeyFastify } from '../../../src/adapters/fastify.js';
import { StoreUnavailableError } from '../../../src/core/errors.js';
import { NEVER_CACHE } from '../../../src/http/headers.js';
import { apiLoginView, apiLogoutView, apiMeView, csrfTokenView } from '../../../src/views/api.js';
import { loginView } from '../../../src/views/login.js';
import { logoutView } from '../../../src/views/logout.js';
import { passwordChangeView } from '../../../src/views/password-change.js';
import { loginUrlFor } from '../../../src/views/redirects.js';
import { type ConformanceFixture, createHarness, type Harness } from '../harness.js';
import {
  CART_KEY,
  cartBody,
  cartItems,
  dashboardBody,
  renderPage,
  STREAM_CHUNKS,
  viewOptions,
} from './pages.js';

const ANY = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** Builds the Fastify app. */
export async function createFastifyApp({ latchkey, gates }: Harness): Promise<FastifyInstance> {
  const views = viewOptions();
  const app = Fastify();
  await app.register(latchkeyFastify, { latchkey });
  app.setErrorHandler(latchkeyErrorHandler(latchkey));
  app.route({
    method: [...ANY],
    url: '/accounts/login/',
    handler: (req) => loginView(req.latchkey, views.login),
  });
  app.route({
    method: [...ANY],
    url: '/accounts/logout/',
    handler: (req) => logoutView(req.latchkey, views.logout),
  });
  app.route({
    method: [...ANY],
    url: '/accounts/password_change/',
    handler: (req) => passwordChangeView(req.latchkey, views.passwordChange),
  });
  app.get('/accounts/password_change/done/', async (req, reply) => {
    if ((await req.latchkey.user()) === null) return reply.redirect(loginUrlFor(req.latchkey));
    reply.header('Cache-Control', NEVER_CACHE).type('text/html; charset=utf-8');
    return renderPage(req.latchkey, 'Done', '<p>Changed.</p>');
  });
  app.get('/dashboard/', async (req, reply) => {
    const user = await req.latchkey.user();
    if (user === null) return reply.redirect(loginUrlFor(req.latchkey));
    reply.header('Cache-Control', NEVER_CACHE).type('text/html; charset=utf-8');
    return renderPage(req.latchkey, 'Dashboard', dashboardBody(user));
  });
  app.get('/cart/', async (req, reply) => {
    const body = cartBody(await cartItems(req.latchkey), req.latchkey.csrf.getToken());
    reply.header('Cache-Control', NEVER_CACHE).type('text/html; charset=utf-8');
    return renderPage(req.latchkey, 'Cart', body);
  });
  app.post<{ Body: { item?: unknown } | undefined }>('/cart/add/', async (req, reply) => {
    // `request.body` is the form Latchkey's parser read.
    const item = typeof req.body?.item === 'string' ? req.body.item.trim() : '';
    const items = await cartItems(req.latchkey);
    await gates.beforeCartWrite();
    if (item === '')
      return latchkey.errorResponse(req.latchkey.request, 400, 'The "item" field is required.');
    await req.latchkey.session.set(CART_KEY, [...items, item]);
    return reply.redirect('/cart/');
  });
  app.get('/stream/', async (req, reply) => {
    await req.latchkey.session.set('streamed', STREAM_CHUNKS.length);
    return reply.type('text/plain; charset=utf-8').send(Readable.from(STREAM_CHUNKS));
  });
  app.post('/boom/', async (req) => {
    await req.latchkey.session.set(CART_KEY, [...(await cartItems(req.latchkey)), 'boom']);
    throw new Error('boom');
  });
  app.post('/unavailable/', async (req) => {
    await req.latchkey.session.set(CART_KEY, [...(await cartItems(req.latchkey)), 'unavailable']);
    throw new StoreUnavailableError('The test says the store is down.');
  });
  app.get('/api/csrf/', (req) => csrfTokenView(req.latchkey));
  app.route({
    method: [...ANY],
    url: '/api/login/',
    handler: (req) => apiLoginView(req.latchkey, views.api),
  });
  app.get('/api/me/', (req) => apiMeView(req.latchkey, views.api));
  app.route({ method: [...ANY], url: '/api/logout/', handler: (req) => apiLogoutView(req.latchkey) });
  await app.ready();
  return app;
}

/** Answers a WHATWG `Request` with `fastify.inject`, and its answer as a WHATWG `Response`. */
async function inject(app: FastifyInstance, request: Request): Promise<Response> {
  const url = new URL(request.url);
  const headers: Record<string, string> = { host: url.host };
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const body = ['GET', 'HEAD'].includes(request.method)
    ? undefined
    : Buffer.from(await request.arrayBuffer());
  const injected = await app.inject({
    method: request.method as 'GET',
    url: url.pathname + url.search,
    headers,
    ...(body === undefined ? {} : { payload: body }),
  });
  const out = new Headers();
  for (const [name, value] of Object.entries(injected.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) out.append(name, String(item));
  }
  const empty = [204, 205, 304].includes(injected.statusCode) || request.method === 'HEAD';
  return new Response(empty ? null : injected.rawPayload, { status: injected.statusCode, headers: out });
}

/**
 * The Fastify app on a fresh database.
 * @example
 * conformanceSuite('fastify', createFastifyFixture);
 */
export async function createFastifyFixture(): Promise<ConformanceFixture> {
  const harness = await createHarness();
  const app = await createFastifyApp(harness);
  return {
    ...harness,
    origin: 'http://localhost',
    request: (request) => inject(app, request),
    async close() {
      await app.close();
      await harness.close();
    },
  };
}
