/**
 * @module The conformance app on Express 5, written as Express users write: `res.send`,
 * `res.redirect`, `res.write` then `res.end`, `next(err)`, `req.body` — with Latchkey's own views
 * through `latchkeyView`. It listens on a real socket (port 0) and is reached with `fetch`.
 */
import { createServer } from 'node:http';
import express, { type Express } from 'express';
import {
  latchkeyErrorHandler,
  latchkeyExpress,
  latchkeyView,
  sendResponse,
} from '../../../src/adapters/express.js';
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
import { type Listening, listening, socketFixture } from './socket.js';

/** Builds the Express app. */
export function createExpressApp({ latchkey, gates }: Harness): Express {
  const views = viewOptions();
  const app = express();
  app.use(latchkeyExpress(latchkey));
  app.all(
    '/accounts/login/',
    latchkeyView((ctx) => loginView(ctx, views.login)),
  );
  app.all(
    '/accounts/logout/',
    latchkeyView((ctx) => logoutView(ctx, views.logout)),
  );
  app.all(
    '/accounts/password_change/',
    latchkeyView((ctx) => passwordChangeView(ctx, views.passwordChange)),
  );
  app.get('/accounts/password_change/done/', async (req, res) => {
    if ((await req.latchkey.user()) === null) return res.redirect(loginUrlFor(req.latchkey));
    res
      .set('Cache-Control', NEVER_CACHE)
      .type('html')
      .send(await renderPage(req.latchkey, 'Done', '<p>Changed.</p>'));
  });
  app.get('/dashboard/', async (req, res) => {
    const user = await req.latchkey.user();
    if (user === null) return res.redirect(loginUrlFor(req.latchkey));
    res.set('Cache-Control', NEVER_CACHE).type('html');
    res.send(await renderPage(req.latchkey, 'Dashboard', dashboardBody(user)));
  });
  app.get('/cart/', async (req, res) => {
    const body = cartBody(await cartItems(req.latchkey), req.latchkey.csrf.getToken());
    res
      .set('Cache-Control', NEVER_CACHE)
      .type('html')
      .send(await renderPage(req.latchkey, 'Cart', body));
  });
  app.post('/cart/add/', async (req, res) => {
    // `req.body` is the form Latchkey read for the CSRF token.
    const item = typeof req.body?.item === 'string' ? req.body.item.trim() : '';
    const items = await cartItems(req.latchkey);
    await gates.beforeCartWrite();
    if (item === '') {
      return sendResponse(
        res,
        latchkey.errorResponse(req.latchkey.request, 400, 'The "item" field is required.'),
      );
    }
    await req.latchkey.session.set(CART_KEY, [...items, item]);
    res.redirect('/cart/');
  });
  app.get('/stream/', async (req, res) => {
    await req.latchkey.session.set('streamed', STREAM_CHUNKS.length);
    res.type('text/plain');
    for (const chunk of STREAM_CHUNKS) res.write(chunk);
    res.end();
  });
  app.post('/boom/', (req, _res, next) => {
    cartItems(req.latchkey)
      .then((items) => req.latchkey.session.set(CART_KEY, [...items, 'boom']))
      .then(() => next(new Error('boom')), next);
  });
  app.post('/unavailable/', async (req) => {
    await req.latchkey.session.set(CART_KEY, [...(await cartItems(req.latchkey)), 'unavailable']);
    throw new StoreUnavailableError('The test says the store is down.');
  });
  app.get(
    '/api/csrf/',
    latchkeyView((ctx) => csrfTokenView(ctx)),
  );
  app.all(
    '/api/login/',
    latchkeyView((ctx) => apiLoginView(ctx, views.api)),
  );
  app.get(
    '/api/me/',
    latchkeyView((ctx) => apiMeView(ctx, views.api)),
  );
  app.all(
    '/api/logout/',
    latchkeyView((ctx) => apiLogoutView(ctx)),
  );
  // Known errors get their 4xx/503 here; `/boom/` goes on to Express's own final handler (500).
  app.use(latchkeyErrorHandler(latchkey));
  return app;
}

/** Starts `app` on 127.0.0.1, port 0. */
export function listen(app: Express): Promise<Listening> {
  return listening(createServer(app));
}

/**
 * The Express app on a fresh database, on a real socket.
 * @example
 * conformanceSuite('express', () => createExpressFixture());
 */
export async function createExpressFixture(): Promise<ConformanceFixture> {
  const harness = await createHarness();
  return socketFixture(harness, await listen(createExpressApp(harness)));
}
