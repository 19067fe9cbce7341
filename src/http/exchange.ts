/**
 * @module One request on its way through the pipeline: the request, its route's options, its
 * cookies parsed once, and its context, built only when something needs it — a route that never
 * touches the session costs no parsing and is sent untouched.
 */
import { type AuthorizationToken, parseAuthorization } from '../auth/tokens/header.js';
import type { AuthUser } from '../auth/types.js';
import { parseCookies } from '../core/cookies.js';
import type { RequestContext } from './context.js';
import type { HttpRequest } from './request.js';
import type { RouteOptions } from './routes.js';

/**
 * One request in the pipeline.
 * @example
 * const ctx = exchange.context; // built now, once
 */
export class Exchange<User extends AuthUser = AuthUser> {
  readonly request: HttpRequest;
  readonly route: RouteOptions;
  readonly #open: (cookies: ReadonlyMap<string, string>) => RequestContext<User>;
  #cookies: ReadonlyMap<string, string> | null = null;
  #context: RequestContext<User> | null = null;

  constructor(
    request: HttpRequest,
    route: RouteOptions,
    open: (cookies: ReadonlyMap<string, string>) => RequestContext<User>,
  ) {
    this.request = request;
    this.route = route;
    this.#open = open;
  }

  /** The request's cookies, parsed once. */
  get cookies(): ReadonlyMap<string, string> {
    this.#cookies ??= parseCookies(this.request.header('cookie'));
    return this.#cookies;
  }

  /** The request's context (session, user, CSRF, messages), built on first use. */
  get context(): RequestContext<User> {
    this.#context ??= this.#open(this.cookies);
    return this.#context;
  }

  /** Whether the context was built (then the response must be committed). */
  get started(): boolean {
    return this.#context !== null;
  }

  /** The request's `Authorization` token, without building the context. */
  get authorization(): AuthorizationToken {
    return this.#context?.authorization ?? parseAuthorization(this.request.header('authorization'));
  }
}
