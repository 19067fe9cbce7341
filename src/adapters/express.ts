/**
 * @module The Express adapter (Express 5): one middleware that maps Express onto the pipeline's
 * steps — host check, a lazily built context (`req.latchkey`), CSRF and guards — and holds every response
 * — `res.send`, `res.json`, `res.redirect`, `res.end`, streams, the error handlers' — until the
 * session is saved and its cookies set; plus an error handler and a wrapper for Latchkey's views.
 */
import type { IncomingMessage } from 'node:http';
import type { ErrorRequestHandler, Response as ExpressResponse, Request, RequestHandler } from 'express';
import type { AuthUser } from '../auth/types.js';
import { LatchkeyError } from '../core/errors.js';
import { isSafeMethod } from '../core/methods.js';
import type { RequestContext } from '../http/context.js';
import { formObject, fromNodeRequest } from '../http/node.js';
import { holdUntilCommitted, responseStarted } from '../http/node-commit.js';
import { writeResponse } from '../http/node-response.js';
import type { HttpRequest } from '../http/request.js';
import { type AdapterRouteOptions, adapterRoute } from '../http/routes.js';
import type { Latchkey } from '../latchkey.js';

declare global {
  namespace Express {
    interface Request {
      /** This request's Latchkey context (session, user, CSRF, messages); set by `latchkeyExpress`. */
      readonly latchkey: RequestContext;
    }
  }
}

/** Options of {@link latchkeyExpress}. */
export interface ExpressAdapterOptions extends AdapterRouteOptions {
  /** The client's address; `req.ip` by default (which follows Express's `trust proxy`). */
  clientIp?(req: Request): string | null;
}

// The requests this adapter set up (and their framework-neutral request, for the error handler).
const exchanges = new WeakMap<IncomingMessage, { readonly request: HttpRequest }>();

function httpRequestOf(
  req: Request,
  maxBodySize: number,
  options: ExpressAdapterOptions,
): HttpRequest | null {
  return fromNodeRequest(req, {
    maxBodySize,
    host: req.host,
    protocol: req.protocol,
    path: req.originalUrl,
    clientIp: options.clientIp ? options.clientIp(req) : (req.ip ?? null),
    parsedBody: () => req.body,
  });
}

/**
 * Installs Latchkey on an Express app. Install it before body parsers: it reads forms itself
 * (within `DATA_UPLOAD_MAX_MEMORY_SIZE`) and leaves the fields on `req.body`.
 * @example
 * app.use(latchkeyExpress(latchkey));
 * app.get('/dashboard/', async (req, res) => {
 *   const user = await req.latchkey.user();
 *   if (user === null) return res.redirect(loginUrlFor(req.latchkey));
 *   res.send(`Hello ${escapeHtml(user.username)}`);
 * });
 */
export function latchkeyExpress<User extends AuthUser>(
  latchkey: Latchkey<User>,
  options: ExpressAdapterOptions = {},
): RequestHandler {
  const { pipeline } = latchkey;
  const maxBodySize = latchkey.settings.DATA_UPLOAD_MAX_MEMORY_SIZE;
  return function latchkeyMiddleware(req, res, next): void {
    if (exchanges.has(req)) {
      next(); // installed twice (an app and a router): the first one already holds the response
      return;
    }
    const request = httpRequestOf(req, maxBodySize, options);
    if (request === null || !pipeline.hostAllowed(request)) {
      writeResponse(res, pipeline.refuseHost(request)).catch(next);
      return;
    }
    const exchange = pipeline.start(request, adapterRoute(options, request));
    exchanges.set(req, exchange);
    // Built on first use: a route that never touches it costs nothing and is sent untouched.
    Object.defineProperty(req, 'latchkey', {
      configurable: true,
      enumerable: true,
      get: () => exchange.context,
    });
    holdUntilCommitted(res, {
      needed: () => exchange.started,
      commit: (head) => pipeline.commit(exchange.context, head),
    });
    const entered = pipeline.enter(exchange);
    if (entered === null) {
      next();
      return;
    }
    entered
      .then(async (rejection) => {
        if (rejection !== null) return writeResponse(res, rejection);
        // The token check read the form: leave it where body parsers would (they skip a consumed body).
        const form = isSafeMethod(request.method) ? null : await request.form();
        if (form !== null && req.body === undefined) req.body = formObject(form);
        next();
      })
      .catch((error: unknown) => {
        const mapped = pipeline.recover(request, error);
        if (mapped === null) next(error);
        else writeResponse(res, mapped).catch(next);
      });
  };
}

/**
 * The request's context typed with the app's user, from the instance that built it.
 * @example
 * const user = await contextOf(latchkey, req).user(); // User | null, not AuthUser | null
 */
export function contextOf<User extends AuthUser>(
  latchkey: Latchkey<User>,
  req: Request,
): RequestContext<User> {
  const ctx: RequestContext | undefined = exchanges.has(req) ? req.latchkey : undefined;
  if (ctx === undefined || ctx.auth !== latchkey.auth) {
    throw new LatchkeyError(
      'LATCHKEY_ADAPTER_MISSING',
      'No Latchkey context on this request: install app.use(latchkeyExpress(latchkey)) before the route.',
    );
  }
  // Sound: this instance built the context, so its user type is the instance's.
  return ctx as RequestContext<User>;
}

/**
 * Sends a WHATWG `Response` (what Latchkey's views return) through Express; the session is
 * committed before it goes out, like any other response.
 * @example
 * await sendResponse(res, await loginView(req.latchkey, { render }));
 */
export function sendResponse(res: ExpressResponse, response: Response): Promise<void> {
  return writeResponse(res, response);
}

/**
 * Turns a Latchkey view (context in, `Response` out) into an Express handler.
 * @example
 * app.all('/accounts/login/', latchkeyView((ctx) => loginView(ctx, { render: renderLogin })));
 */
export function latchkeyView(
  view: (ctx: RequestContext, req: Request, res: ExpressResponse) => Response | Promise<Response>,
): RequestHandler {
  return (req, res, next) => {
    Promise.resolve()
      .then(() => view(req.latchkey, req, res))
      .then((response) => writeResponse(res, response))
      .catch(next);
  };
}

/** A 4xx that a body parser or `http-errors` marked safe to show (`expose`), else `null`. */
function clientError(error: unknown): { status: number; message: string } | null {
  if (typeof error !== 'object' || error === null) return null;
  const { status, statusCode, expose, message } = error as Record<string, unknown>;
  const code = typeof status === 'number' ? status : statusCode;
  if (typeof code !== 'number' || code < 400 || code > 499 || expose !== true) return null;
  return { status: code, message: typeof message === 'string' ? message : 'Bad request.' };
}

/**
 * An Express error handler for the errors Latchkey knows: a malformed body (400) or one too large
 * (413), an interrupted session (400), an unavailable store (503, INVARIANTS 10), and exposed 4xx
 * errors of body parsers. Anything else goes on to the next error handler (a 500, nothing saved).
 * @example
 * app.use(latchkeyErrorHandler(latchkey));
 */
export function latchkeyErrorHandler<User extends AuthUser>(latchkey: Latchkey<User>): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    // An error from a body parser installed before Latchkey still gets Latchkey's error page.
    const request =
      exchanges.get(req)?.request ?? httpRequestOf(req, latchkey.settings.DATA_UPLOAD_MAX_MEMORY_SIZE, {});
    if (request === null || responseStarted(res)) {
      next(error);
      return;
    }
    const exposed = clientError(error);
    const mapped =
      latchkey.responseForError(request, error) ??
      (exposed === null ? null : latchkey.errorResponse(request, exposed.status, exposed.message));
    if (mapped === null) next(error);
    else writeResponse(res, mapped).catch(next);
  };
}
