/**
 * @module The conformance app on Hono: `latchkeyMiddleware`, Latchkey's views returned as they are,
 * and `app.request` to answer in-process.
 */
import { Hono } from 'hono';
import { type LatchkeyEnv, latchkeyMiddleware } from '../../../src/adapters/hono.js';
import type { User } from '../../../src/auth/users/user.js';
import { StoreUnavailableError } from '../../../src/core/errors.js';
import { apiLoginView, apiLogoutView, apiMeView, csrfTokenView } from '../../../src/views/api.js';
import { html } from '../../../src/views/html.js';
import { loginView } from '../../../src/views/login.js';
import { logoutView } from '../../../src/views/logout.js';
import { passwordChangeView } from '../../../src/views/password-change.js';
import { loginRequired, loginUrlFor, redirect } from '../../../src/views/redirects.js';
import { type ConformanceFixture, createHarness, type Harness } from '../harness.js';
import {
  CART_KEY,
  cartBody,
  cartItems,
  dashboardBody,
  renderPage,
  STREAM_CHUNKS,
  streamBody,
  viewOptions,
} from './pages.js';

function createApp({ latchkey, gates }: Harness): Hono<LatchkeyEnv<User>> {
  const views = viewOptions<User>();
  const app = new Hono<LatchkeyEnv<User>>();
  app.use(latchkeyMiddleware(latchkey));
  app.all('/accounts/login/', (c) => loginView(c.get('latchkey'), views.login));
  app.all('/accounts/logout/', (c) => logoutView(c.get('latchkey'), views.logout));
  app.all('/accounts/password_change/', (c) => passwordChangeView(c.get('latchkey'), views.passwordChange));
  app.get('/accounts/password_change/done/', async (c) => {
    const ctx = c.get('latchkey');
    const denied = await loginRequired(ctx);
    if (denied) return denied;
    return html(await renderPage(ctx, 'Done', '<p>Changed.</p>'), { cache: 'never' });
  });
  app.get('/dashboard/', async (c) => {
    const ctx = c.get('latchkey');
    const user = await ctx.user();
    if (user === null) return redirect(loginUrlFor(ctx));
    return html(await renderPage(ctx, 'Dashboard', dashboardBody(user)), { cache: 'never' });
  });
  app.get('/cart/', async (c) => {
    const ctx = c.get('latchkey');
    const body = cartBody(await cartItems(ctx), ctx.csrf.getToken());
    return html(await renderPage(ctx, 'Cart', body), { cache: 'never' });
  });
  app.post('/cart/add/', async (c) => {
    const ctx = c.get('latchkey');
    const item = ((await ctx.request.form())?.get('item') ?? '').trim();
    const items = await cartItems(ctx);
    await gates.beforeCartWrite();
    if (item === '') return latchkey.errorResponse(ctx.request, 400, 'The "item" field is required.');
    await ctx.session.set(CART_KEY, [...items, item]);
    return redirect('/cart/');
  });
  app.get('/stream/', async (c) => {
    await c.get('latchkey').session.set('streamed', STREAM_CHUNKS.length);
    return c.body(streamBody(), 200, { 'Content-Type': 'text/plain; charset=utf-8' });
  });
  app.post('/boom/', async (c) => {
    const ctx = c.get('latchkey');
    await ctx.session.set(CART_KEY, [...(await cartItems(ctx)), 'boom']);
    throw new Error('boom');
  });
  app.post('/unavailable/', async (c) => {
    const ctx = c.get('latchkey');
    await ctx.session.set(CART_KEY, [...(await cartItems(ctx)), 'unavailable']);
    throw new StoreUnavailableError('The test says the store is down.');
  });
  app.get('/api/csrf/', (c) => csrfTokenView(c.get('latchkey')));
  app.all('/api/login/', (c) => apiLoginView(c.get('latchkey'), views.api));
  app.get('/api/me/', (c) => apiMeView(c.get('latchkey'), views.api));
  app.all('/api/logout/', (c) => apiLogoutView(c.get('latchkey')));
  app.onError((error, c) => {
    const ctx = c.get('latchkey');
    const mapped = ctx ? latchkey.responseForError(ctx.request, error) : null;
    return mapped ?? c.text('Internal server error.', 500);
  });
  return app;
}

/**
 * The Hono app on a fresh database.
 * @example
 * conformanceSuite('hono', createHonoFixture);
 */
export async function createHonoFixture(): Promise<ConformanceFixture> {
  const harness = await createHarness();
  const app = createApp(harness);
  return { ...harness, origin: 'http://localhost', request: async (request) => app.request(request) };
}
