/**
 * @module The Hono adapter: one middleware that maps Hono's request and response onto the
 * framework-neutral pipeline (`latchkey.pipeline.handle`) and exposes the request's context as
 * `c.get('latchkey')`.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { AuthUser } from '../auth/types.js';
import type { RequestContext } from '../http/context.js';
import { fromWebRequest } from '../http/request.js';
import { type AdapterRouteOptions, adapterRoute } from '../http/routes.js';
import type { Latchkey } from '../latchkey.js';

/** Hono environment type for apps using the middleware: `new Hono<LatchkeyEnv>()`. */
export interface LatchkeyEnv<User extends AuthUser = AuthUser> {
  Variables: { latchkey: RequestContext<User> };
}

/** Options of {@link latchkeyMiddleware}. */
export interface HonoAdapterOptions extends AdapterRouteOptions {
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
  const { pipeline } = latchkey;
  const maxBodySize = latchkey.settings.DATA_UPLOAD_MAX_MEMORY_SIZE;
  return async (c, next) => {
    const request = fromWebRequest(c.req.raw, { maxBodySize, clientIp: options.clientIp?.(c) ?? null });
    const response = await pipeline.handle(
      request,
      async (exchange) => {
        c.set('latchkey', exchange.context);
        await next();
        // Hono turned a thrown error into `c.res` (its onError); Latchkey's own errors get their 4xx/503.
        return (c.error === undefined ? null : pipeline.recover(request, c.error)) ?? c.res;
      },
      { route: adapterRoute(options, request) },
    );
    replaceResponse(c, response);
  };
}
