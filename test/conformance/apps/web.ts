/**
 * @module The conformance app on `latchkey/web`, written as a fetch handler is written for Bun,
 * Deno or a Next.js route: one `(request, ctx) => Response` that dispatches on the path, the body
 * read from `request` itself where the app wants a field. It is served by a plain `node:http`
 * server that turns `IncomingMessage` into a WHATWG `Request` and the `Response` back (what those
 * runtimes do natively), on a real socket reached with `fetch`.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { Readable } from 'node:stream';
import { type FetchHandler, latchkeyWeb, type WebHandler } from '../../../src/adapters/web.js';
import type { User } from '../../../src/auth/users/user.js';
import { StoreUnavailableError } from '../../../src/core/errors.js';
import { headersFromNode, writeResponse } from '../../../src/http/node-response.js';
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
import { listening, socketFixture } from './socket.js';

/** What the Node server passes after the request, as Bun passes its server and Deno its info. */
export interface NodeInfo {
  readonly remoteAddress: string | null;
}

/** Builds the app's routes: `METHOD /path/`, or `* /path/` for any method. */
function createRoutes({ latchkey, gates }: Harness): Record<string, WebHandler<User, NodeInfo>> {
  const views = viewOptions<User>();
  return {
    '* /accounts/login/': (_request, ctx) => loginView(ctx, views.login),
    '* /accounts/logout/': (_request, ctx) => logoutView(ctx, views.logout),
    '* /accounts/password_change/': (_request, ctx) => passwordChangeView(ctx, views.passwordChange),
    'GET /accounts/password_change/done/': async (_request, ctx) =>
      (await loginRequired(ctx)) ??
      html(await renderPage(ctx, 'Done', '<p>Changed.</p>'), { cache: 'never' }),
    'GET /dashboard/': async (_request, ctx) => {
      const user = await ctx.user();
      if (user === null) return redirect(loginUrlFor(ctx));
      return html(await renderPage(ctx, 'Dashboard', dashboardBody(user)), { cache: 'never' });
    },
    'GET /cart/': async (_request, ctx) => {
      const body = cartBody(await cartItems(ctx), ctx.csrf.getToken());
      return html(await renderPage(ctx, 'Cart', body), { cache: 'never' });
    },
    'POST /cart/add/': async (request, ctx) => {
      // The app's own read of the body Latchkey already read for the CSRF token.
      const item = String((await request.formData()).get('item') ?? '').trim();
      const items = await cartItems(ctx);
      await gates.beforeCartWrite();
      if (item === '') return latchkey.errorResponse(ctx.request, 400, 'The "item" field is required.');
      await ctx.session.set(CART_KEY, [...items, item]);
      return redirect('/cart/');
    },
    'GET /stream/': async (_request, ctx) => {
      await ctx.session.set('streamed', STREAM_CHUNKS.length);
      return new Response(streamBody(), { headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
    },
    'POST /boom/': async (_request, ctx) => {
      await ctx.session.set(CART_KEY, [...(await cartItems(ctx)), 'boom']);
      throw new Error('boom');
    },
    'POST /unavailable/': async (_request, ctx) => {
      await ctx.session.set(CART_KEY, [...(await cartItems(ctx)), 'unavailable']);
      throw new StoreUnavailableError('The test says the store is down.');
    },
    'GET /api/csrf/': (_request, ctx) => csrfTokenView(ctx),
    '* /api/login/': (_request, ctx) => apiLoginView(ctx, views.api),
    'GET /api/me/': (_request, ctx) => apiMeView(ctx, views.api),
    '* /api/logout/': (_request, ctx) => apiLogoutView(ctx),
  };
}

/**
 * The app as one fetch handler.
 * @example
 * const handle = createWebHandler(harness);
 */
export function createWebHandler(harness: Harness): FetchHandler<NodeInfo> {
  const routes = createRoutes(harness);
  return latchkeyWeb(
    harness.latchkey,
    (request, ctx, info) => {
      const { pathname } = new URL(request.url);
      const route = routes[`${request.method} ${pathname}`] ?? routes[`* ${pathname}`];
      return route?.(request, ctx, info) ?? new Response('Not found.', { status: 404 });
    },
    { clientIp: (_request, info) => info.remoteAddress },
  );
}

/**
 * The body of a Node request as a stream that starts reading only when read: a body nobody reads
 * (a 413 on `Content-Length` alone) is left to Node, which discards it and keeps the connection.
 */
function lazyBody(req: IncomingMessage): ReadableStream<Uint8Array> {
  let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        reader ??= (Readable.toWeb(req) as ReadableStream<Uint8Array>).getReader();
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      cancel: () => void req.destroy(),
    },
    { highWaterMark: 0 },
  );
}

/** Node's request as a WHATWG `Request`, or `null` without a usable `Host` (answered 400). */
function toRequest(req: IncomingMessage): Request | null {
  const url = `http://${req.headers.host ?? ''}${req.url ?? '/'}`;
  if (req.headers.host === undefined || !URL.canParse(url)) return null;
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  return new Request(url, {
    method: req.method ?? 'GET',
    headers: headersFromNode(req.headers),
    body: hasBody ? lazyBody(req) : null,
    duplex: 'half',
  } as RequestInit);
}

/**
 * A plain `node:http` server for a fetch handler, as Bun and Deno serve one: an error the handler
 * rejects with is a 500; a body left half read closes the connection once answered.
 * @example
 * const { origin } = await listening(serveFetch(handle));
 */
export function serveFetch(handle: FetchHandler<NodeInfo>): Server {
  return createServer((req, res) => {
    const request = toRequest(req);
    const answer =
      request === null
        ? Promise.resolve(new Response('Bad Request', { status: 400 }))
        : handle(request, { remoteAddress: req.socket.remoteAddress ?? null });
    res.once('finish', () => {
      if (req.readableDidRead && !req.readableEnded) req.destroy();
    });
    answer
      .catch(() => new Response('Internal server error.', { status: 500 }))
      .then((response) => writeResponse(res, response))
      .catch(() => res.destroy());
  });
}

/**
 * The fetch handler on a fresh database, served by `node:http` on a real socket.
 * @example
 * conformanceSuite('web', () => createWebFixture());
 */
export async function createWebFixture(): Promise<ConformanceFixture> {
  const harness = await createHarness();
  return socketFixture(harness, await listening(serveFetch(createWebHandler(harness))));
}
