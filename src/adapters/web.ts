/**
 * @module The fetch-style adapter (`latchkey/web`): wraps an app's `(request, ctx, info) => Response`
 * into the `(request, info) => Promise<Response>` that Next.js route handlers, SvelteKit's `handle`
 * hook, `Bun.serve` and `Deno.serve` take, with the whole pipeline (`latchkey.pipeline.handle`)
 * around it. No runtime is imported: a WHATWG `Request` and `Response` are all it needs.
 */
import type { AuthUser } from '../auth/types.js';
import type { RequestContext } from '../http/context.js';
import { fromWebRequest } from '../http/request.js';
import { type AdapterRouteOptions, adapterRoute } from '../http/routes.js';
import type { Latchkey } from '../latchkey.js';

/**
 * The app's handler: the request as the runtime passed it (its body still unread), the request's
 * Latchkey context, and the runtime's second argument (Bun's server, Deno's connection info,
 * Next.js's route context, or what the app passes itself).
 * @example
 * const dashboard: WebHandler<User> = async (_request, ctx) => new Response(`Hi ${(await ctx.user())?.username}`);
 */
export type WebHandler<User extends AuthUser = AuthUser, Info = unknown> = (
  request: Request,
  ctx: RequestContext<User>,
  info: Info,
) => Response | Promise<Response>;

/**
 * What {@link latchkeyWeb} returns: a fetch handler, called by the runtime with the request and its
 * second argument. It rejects with the app's own unexpected errors (the runtime's 500).
 */
export type FetchHandler<Info = unknown> = (request: Request, info: Info) => Promise<Response>;

/** Options of {@link latchkeyWeb}. */
export interface WebAdapterOptions<Info = unknown> extends AdapterRouteOptions {
  /**
   * The client's address, for the login throttle and audit logs; `null` when not given. A `Request`
   * has no socket: take it from the runtime's second argument (`server.requestIP(request)` on Bun,
   * `info.remoteAddr` on Deno) or from a trusted proxy's header.
   */
  clientIp?(request: Request, info: Info): string | null;
}

/**
 * Runs Latchkey around a fetch-style handler: host check, CSRF, guards, then `handler`, then the
 * commit (session saved, cookies and caching headers set) before the response is returned.
 * Latchkey reads the body from a clone, so the handler can still read `request` itself.
 * @example
 * // app/accounts/login/route.ts (Next.js)
 * const login = latchkeyWeb(latchkey, (_request, ctx) => loginView(ctx, { render: renderLogin }));
 * export { login as GET, login as POST };
 */
export function latchkeyWeb<User extends AuthUser, Info = unknown>(
  latchkey: Latchkey<User>,
  handler: WebHandler<User, Info>,
  options: WebAdapterOptions<Info> = {},
): FetchHandler<Info> {
  const { pipeline } = latchkey;
  const maxBodySize = latchkey.settings.DATA_UPLOAD_MAX_MEMORY_SIZE;
  return (request, info) => {
    // Latchkey reads a clone (the CSRF token, its views' forms), so the body is still the handler's
    // (a SvelteKit form action reads it). The URL, and so the host checked, is the runtime's.
    const own = fromWebRequest(request.body === null ? request : request.clone(), {
      maxBodySize,
      clientIp: options.clientIp?.(request, info) ?? null,
    });
    return pipeline.handle(own, (exchange) => handler(request, exchange.context, info), {
      route: adapterRoute(options, own),
    });
  };
}
