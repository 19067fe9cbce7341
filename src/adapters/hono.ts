/**
 * @module The Hono adapter: one middleware that maps Hono's context onto the framework-neutral
 * pipeline — begin (host check, context, CSRF check), the route, finish (messages, session,
 * cookies, caching) — and exposes the request's context as `c.get('latchkey')`.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { AuthUser } from '../auth/types.js';
import type { RequestContext } from '../http/context.js';
import { fromWebRequest, type HttpRequest } from '../http/request.js';
import type { Latchkey } from '../latchkey.js';

/** Hono environment type for apps using the middleware: `new Hono<LatchkeyEnv>()`. */
export interface LatchkeyEnv<User extends AuthUser = AuthUser> {
  Variables: { latchkey: RequestContext<User> };
}

/** Options of {@link latchkeyMiddleware}. */
export interface HonoAdapterOptions {
  /** Routes that skip the CSRF check (webhooks, token-authenticated APIs). Decide narrowly. */
  csrfExempt?(request: HttpRequest): boolean;
  /** The client's address (e.g. from `getConnInfo`, or trusted proxies' `X-Forwarded-For`). */
  clientIp?(c: Context): string | null;
}

/** Replaces the response outright: assigning `c.res` alone would merge the old headers back in. */
function replaceResponse(c: Context, response: Response): void {
  c.res = undefined;
  c.res = response;
}

/**
 * Installs Latchkey on a Hono app.
 * @example
 * const app = new Hono<LatchkeyEnv<User>>();
 * app.use(latchkeyMiddleware(latchkey));
 * app.get('/dashboard/', async (c) => {
 *   const user = await c.get('latchkey').user();
 *   ...
 * });
 */
export function latchkeyMiddleware<User extends AuthUser>(
  latchkey: Latchkey<User>,
  options: HonoAdapterOptions = {},
): MiddlewareHandler<LatchkeyEnv<User>> {
  return async (c, next) => {
    const request = fromWebRequest(c.req.raw, {
      maxBodySize: latchkey.settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
      clientIp: options.clientIp?.(c) ?? null,
    });
    if (!latchkey.hostAllowed(request)) {
      // Django's DisallowedHost: a poisoned Host must not reach links, redirects or origin checks.
      latchkey.logger.log('warn', 'security.disallowed_host', { path: request.url.pathname });
      replaceResponse(
        c,
        latchkey.errorResponse(request, 400, 'Bad Request: the Host header is not allowed.'),
      );
      return;
    }
    const ctx = latchkey.begin(request);
    c.set('latchkey', ctx);
    try {
      const rejection = options.csrfExempt?.(request) ? null : await latchkey.checkCsrf(ctx);
      if (rejection === null) {
        await next();
        const mapped = c.error === undefined ? null : latchkey.responseForError(request, c.error);
        if (mapped !== null) replaceResponse(c, mapped);
      }
      replaceResponse(c, await latchkey.finish(ctx, rejection ?? c.res));
    } catch (error) {
      const mapped = latchkey.responseForError(request, error);
      if (mapped === null) throw error;
      replaceResponse(c, mapped);
    }
  };
}
