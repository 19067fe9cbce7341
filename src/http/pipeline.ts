/**
 * @module The one request pipeline every adapter maps onto: host check → CSRF → guards → route →
 * error mapping → commit (Django's middleware order: CommonMiddleware's `get_host`,
 * CsrfViewMiddleware, then the view, then SessionMiddleware and MessageMiddleware on the way out).
 * {@link Pipeline.handle} runs it whole for request → response frameworks (Hono, fetch); hook-based
 * frameworks (Express, Fastify) call its steps from their own hooks, in the same order.
 */
import type { AuthUser } from '../auth/types.js';
import { parseCookies } from '../core/cookies.js';
import { isSafeMethod } from '../core/methods.js';
import { checkCsrf } from '../csrf/check.js';
import { commitResponse } from './commit.js';
import type { RequestContext } from './context.js';
import { ContextFactory, type ContextFactoryInit } from './context-factory.js';
import { knownErrorResponse } from './error-response.js';
import { Exchange } from './exchange.js';
import { allowedHostsOf, isAllowedHost } from './hosts.js';
import type { HttpRequest } from './request.js';
import { type Guard, mergeRouteOptions, type RouteOptions, type RouteOptionsOf } from './routes.js';

/** What a {@link Pipeline} is built from. */
export interface PipelineInit<User extends AuthUser> extends ContextFactoryInit<User> {
  /** Per-route options by request (path, method); adapters may add their own. */
  readonly routes?: RouteOptionsOf;
  /** Checks run after CSRF and before the route, in order (e.g. login required by default). */
  readonly guards?: readonly Guard<User>[];
}

const HOST_REFUSED = 'Bad Request: the Host header is not allowed.';
const CSRF_REFUSED = 'CSRF verification failed. Request aborted.';

/**
 * The pipeline of one app; `Latchkey` builds it.
 * @example
 * const response = await latchkey.pipeline.handle(request, (exchange) => view(exchange.context));
 */
export class Pipeline<User extends AuthUser = AuthUser> {
  readonly contexts: ContextFactory<User>;
  readonly #init: PipelineInit<User>;
  readonly #allowedHosts: readonly string[];
  readonly #guards: readonly Guard<User>[];

  constructor(init: PipelineInit<User>) {
    this.#init = init;
    this.contexts = new ContextFactory(init);
    this.#allowedHosts = allowedHostsOf(init.settings);
    this.#guards = init.guards ?? [];
  }

  /**
   * Runs the whole pipeline for one request. `route` runs only when the host, CSRF and guards
   * pass; errors Latchkey knows become 4xx/503; anything else is rethrown (the framework's 500).
   * `request` is `null` when the adapter could not even build a URL (a malformed `Host`).
   * @example
   * const response = await pipeline.handle(request, (exchange) => dashboard(exchange.context));
   */
  async handle(
    request: HttpRequest | null,
    route: (exchange: Exchange<User>) => Response | Promise<Response>,
    options: { readonly route?: RouteOptions } = {},
  ): Promise<Response> {
    if (request === null || !this.hostAllowed(request)) return this.refuseHost(request);
    const exchange = this.start(request, options.route);
    let response: Response;
    try {
      response = (await this.enter(exchange)) ?? (await route(exchange));
    } catch (error) {
      const mapped = this.recover(request, error);
      if (mapped === null) throw error;
      response = mapped;
    }
    return exchange.started ? this.commit(exchange.context, response) : response;
  }

  /** Whether the request's `Host` is in `ALLOWED_HOSTS` (Django's `get_host`). */
  hostAllowed(request: HttpRequest): boolean {
    return isAllowedHost(request.url.host, this.#allowedHosts);
  }

  /**
   * The 400 for a request whose `Host` is malformed or not allowed (Django's `DisallowedHost`):
   * a poisoned Host must not reach links, redirects or origin checks.
   */
  refuseHost(request: HttpRequest | null): Response {
    this.#init.logger.log('warn', 'security.disallowed_host', { path: request?.url.pathname ?? null });
    return request === null
      ? new Response(HOST_REFUSED, { status: 400 })
      : this.#init.renderError(request, 400, HOST_REFUSED);
  }

  /** Starts a request that passed the host check; its context is built on first use. */
  start(request: HttpRequest, route?: RouteOptions): Exchange<User> {
    const options = mergeRouteOptions(this.#init.routes?.(request), route);
    return new Exchange(request, options, (cookies) => this.contexts.open(request, cookies));
  }

  /**
   * The CSRF check (unsafe methods, unless the route is exempt; INVARIANTS 6), then the guards.
   * Returns the response that answers instead of the route, or `null` to go on; synchronously
   * `null` when there is nothing to check, so safe requests cost no extra turn.
   */
  enter(exchange: Exchange<User>): Promise<Response | null> | null {
    const csrf = !(exchange.route.csrfExempt || isSafeMethod(exchange.request.method));
    if (!csrf && this.#guards.length === 0) return null;
    return this.#enter(exchange, csrf);
  }

  async #enter(exchange: Exchange<User>, csrf: boolean): Promise<Response | null> {
    if (csrf) {
      const rejection = await this.#checkCsrf(exchange);
      if (rejection !== null) return rejection;
    }
    for (const guard of this.#guards) {
      const answer = await guard(exchange.context, exchange.route);
      if (answer !== null) return answer;
    }
    return null;
  }

  async #checkCsrf(exchange: Exchange<User>): Promise<Response | null> {
    const { request } = exchange;
    // An API token is not an ambient credential: a browser cannot attach it cross-site (CORS
    // preflight), so token requests need no CSRF token (Django REST framework's TokenAuthentication).
    if (exchange.authorization.kind !== 'none') return null;
    const { settings, logger, renderError } = this.#init;
    const form = await request.form();
    const rejection = checkCsrf({
      method: request.method,
      url: request.url,
      header: (name) => request.header(name),
      cookie: exchange.cookies.get(settings.CSRF_COOKIE_NAME) ?? null,
      formToken: form?.get(settings.CSRF_FIELD_NAME) ?? null,
      settings,
      logger,
    });
    // Django logs the reason and shows a generic page: the reason helps attackers more than users.
    return rejection === null ? null : renderError(request, 403, CSRF_REFUSED);
  }

  /**
   * Maps an error Latchkey knows to its response (400/413 bad body, 400 interrupted session, 503
   * store down); `null` for anything else.
   */
  recover(request: HttpRequest, error: unknown): Response | null {
    return knownErrorResponse(error, {
      request,
      renderError: this.#init.renderError,
      logger: this.#init.logger,
    });
  }

  /**
   * Ends the request: messages, session (saved only when changed), cookies, caching headers.
   * A commit that fails becomes its 400/503, or a logged 500 — never the route's response without
   * its session saved (INVARIANTS 1 and 10).
   */
  async commit(ctx: RequestContext<User>, response: Response): Promise<Response> {
    try {
      return await commitResponse(ctx, response, (session) => this.contexts.cookieValue(session));
    } catch (error) {
      const mapped = this.recover(ctx.request, error);
      if (mapped !== null) return mapped;
      this.#init.logger.log('error', 'app.commit_failed', {
        message: error instanceof Error ? error.message : String(error),
      });
      return this.#init.renderError(ctx.request, 500, 'Internal server error.');
    }
  }

  /** Builds a context outside any adapter (tests, scripts); prefer {@link Pipeline.handle}. */
  open(request: HttpRequest): RequestContext<User> {
    return this.contexts.open(request, parseCookies(request.header('cookie')));
  }
}
