/**
 * @module Per-route options of the pipeline, and the checks ("guards") that read them. A route
 * says what is special about it — exempt from CSRF, public — and the pipeline's steps and guards
 * act on it; e.g. a "login required by default" guard (Django 5.1's `LoginRequiredMiddleware`)
 * passes routes marked `public` (Django's `login_not_required`).
 */
import type { AuthUser } from '../auth/types.js';
import type { RequestContext } from './context.js';
import type { HttpRequest } from './request.js';

/** What a route declares about itself. Options not set mean the safe default. */
export interface RouteOptions {
  /** Skip the CSRF check (webhooks, token-only APIs). Decide narrowly (INVARIANTS 6). */
  readonly csrfExempt?: boolean;
  /** Anonymous users may see it; read by guards such as "login required by default". */
  readonly public?: boolean;
}

/** Per-route options of a request, looked up once per request; `undefined` when none. */
export type RouteOptionsOf = (request: HttpRequest) => RouteOptions | undefined;

/**
 * A check between CSRF and the route: returns the response that answers instead (a redirect to
 * login, a 403), or `null` to go on.
 * @example
 * const loginRequiredByDefault: Guard = async (ctx, route) =>
 *   route.public || (await ctx.user()) !== null ? null : redirect(loginUrlFor(ctx));
 */
export type Guard<User extends AuthUser = AuthUser> = {
  // Method syntax: a guard for the app's user type stays usable where `Latchkey<AuthUser>` is
  // expected (the adapters' options), as TypeScript checks method parameters bivariantly.
  check(ctx: RequestContext<User>, route: RouteOptions): Response | null | Promise<Response | null>;
}['check'];

const NO_OPTIONS: RouteOptions = Object.freeze({});

/** The options of the app's table and of the adapter's route together; the adapter's win. */
export function mergeRouteOptions(
  app: RouteOptions | undefined,
  adapter: RouteOptions | undefined,
): RouteOptions {
  if (app === undefined) return adapter ?? NO_OPTIONS;
  return adapter === undefined ? app : { ...app, ...adapter };
}

/**
 * Route options from a table of paths: an exact path, or a prefix ending in `*`.
 * The longest matching entry wins.
 * @example
 * createLatchkey({ ..., routes: routeTable({ '/accounts/login/': { public: true }, '/hooks/*': { csrfExempt: true } }) });
 */
export function routeTable(table: Readonly<Record<string, RouteOptions>>): RouteOptionsOf {
  const exact = new Map<string, RouteOptions>();
  const prefixes: [string, RouteOptions][] = [];
  for (const [path, options] of Object.entries(table)) {
    if (path.endsWith('*')) prefixes.push([path.slice(0, -1), options]);
    else exact.set(path, options);
  }
  prefixes.sort((a, b) => b[0].length - a[0].length);
  return (request) => {
    const path = request.url.pathname;
    return exact.get(path) ?? prefixes.find(([prefix]) => path.startsWith(prefix))?.[1];
  };
}

/** The route options every adapter takes, on top of the app's `routes`. */
export interface AdapterRouteOptions {
  /** Per-route options (`csrfExempt`, `public`) by request. */
  routes?(request: HttpRequest): RouteOptions | undefined;
  /** Routes that skip the CSRF check (webhooks, token-authenticated APIs). Decide narrowly. */
  csrfExempt?(request: HttpRequest): boolean;
}

/**
 * An adapter's own route options of a request: its `routes`, then its `csrfExempt`.
 * @example
 * const exchange = pipeline.start(request, adapterRoute(options, request));
 */
export function adapterRoute(options: AdapterRouteOptions, request: HttpRequest): RouteOptions | undefined {
  const route = options.routes?.(request);
  if (options.csrfExempt === undefined || !options.csrfExempt(request)) return route;
  return { ...route, csrfExempt: true };
}
