/**
 * @module The Fastify adapter (Fastify 5): a plugin that maps Fastify's hooks onto the pipeline's
 * steps — host check and route options (`onRequest`; a route's `config.latchkey` counts), CSRF and
 * guards once the body is parsed (`preHandler`), the commit before the reply goes out (`onSend`) —
 * parses urlencoded forms within `DATA_UPLOAD_MAX_MEMORY_SIZE`, gives each request a lazily built
 * context (`request.latchkey`), and offers an error handler for `setErrorHandler`.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth/types.js';
import { ConfigurationError, LatchkeyError } from '../core/errors.js';
import type { RequestContext } from '../http/context.js';
import type { Exchange } from '../http/exchange.js';
import { checkFieldCount, MULTIPART_FORM, parseMultipartForm } from '../http/multipart.js';
import { formObject, requestUrl } from '../http/node.js';
import { commitAdditions, commitInput } from '../http/node-response.js';
import type { Pipeline } from '../http/pipeline.js';
import {
  BadRequestError,
  decodeUtf8,
  type HttpRequest,
  isJsonMediaType,
  mediaTypeOf,
} from '../http/request.js';
import {
  type AdapterRouteOptions,
  adapterRoute,
  mergeRouteOptions,
  type RouteOptions,
} from '../http/routes.js';
import type { Latchkey } from '../latchkey.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** This request's Latchkey context (session, user, CSRF, messages); set by `latchkeyFastify`. */
    readonly latchkey: RequestContext;
  }
}

/** Options of {@link latchkeyFastify}. */
export interface FastifyAdapterOptions extends AdapterRouteOptions {
  /** The app-wide instance from `createLatchkey`. */
  readonly latchkey: Latchkey<AuthUser>;
  /** The client's address; `request.ip` by default (which follows Fastify's `trustProxy`). */
  clientIp?(request: FastifyRequest): string | null;
}

const FORM = 'application/x-www-form-urlencoded';
const forms = new WeakMap<FastifyRequest, URLSearchParams>();
const exchanges = new WeakMap<FastifyRequest, Exchange<AuthUser>>();
const committed = new WeakSet<FastifyRequest>();

function validate(options: FastifyAdapterOptions, fastify: FastifyInstance): FastifyAdapterOptions {
  const problems: string[] = [];
  const { latchkey, csrfExempt, clientIp, routes } = options ?? {};
  if (typeof latchkey?.pipeline?.handle !== 'function') {
    problems.push('latchkeyFastify: option "latchkey" must be the instance returned by createLatchkey()');
  }
  for (const [name, value] of Object.entries({ csrfExempt, clientIp, routes })) {
    if (value !== undefined && typeof value !== 'function') {
      problems.push(`latchkeyFastify: option "${name}" must be a function, got ${typeof value}`);
    }
  }
  if (fastify.hasContentTypeParser(FORM)) {
    problems.push(
      `latchkeyFastify: a parser for ${FORM} is already registered (@fastify/formbody?); remove it — Latchkey parses forms itself, within DATA_UPLOAD_MAX_MEMORY_SIZE, and request.body keeps the same shape`,
    );
  }
  if (problems.length > 0) throw new ConfigurationError(problems);
  return options;
}

function fromFastifyRequest(request: FastifyRequest, clientIp: string | null): HttpRequest | null {
  const url = requestUrl(request.protocol, request.host, request.url);
  if (url === null) return null;
  const header = (name: string): string | null => {
    const value = request.headers[name.toLowerCase()];
    return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
  };
  const type = (): string => mediaTypeOf(header('content-type'));
  return {
    method: request.method.toUpperCase(),
    url,
    header,
    clientIp,
    // Fastify parses bodies between `onRequest` and `preHandler`; both read what it parsed.
    form: () =>
      Promise.resolve(type() === FORM || type() === MULTIPART_FORM ? (forms.get(request) ?? null) : null),
    async json(): Promise<unknown> {
      if (!isJsonMediaType(type())) {
        throw new BadRequestError(400, 'Expected a JSON body (Content-Type: application/json)');
      }
      return request.body;
    },
  };
}

async function discard(payload: unknown): Promise<void> {
  if (payload instanceof Response) await payload.body?.cancel();
  else if (typeof payload === 'object' && payload !== null && 'destroy' in payload) {
    (payload as { destroy(): void }).destroy();
  }
}

/** The reply's payload after the commit: the same with the session's headers, or a replacement. */
async function commitReply(
  pipeline: Pipeline<AuthUser>,
  ctx: RequestContext,
  reply: FastifyReply,
  payload: unknown,
): Promise<unknown> {
  const web = payload instanceof Response ? payload : null;
  const status = web?.status ?? reply.statusCode;
  const headers = web === null ? commitInput((name) => reply.getHeader(name)) : web.headers;
  const out = await pipeline.commit(ctx, new Response(null, { status, headers }));
  if (out.body === null && out.status === status) {
    if (web === null) {
      // Fastify appends a `set-cookie` value to the reply's own cookies.
      for (const [name, value] of commitAdditions(headers, out.headers)) reply.header(name, value);
      return payload;
    }
    return new Response(web.body, { status, statusText: web.statusText, headers: out.headers });
  }
  // The session could not be saved (400 after a concurrent logout, 503): the handler's answer is void.
  await discard(payload);
  for (const name of Object.keys(reply.getHeaders())) reply.removeHeader(name);
  return out;
}

/** Per-route options declared on a Fastify route: `config: { latchkey: { public: true } }`. */
function fastifyRouteOptions(request: FastifyRequest): RouteOptions | undefined {
  const config = request.routeOptions.config as { latchkey?: RouteOptions } | undefined;
  return config?.latchkey;
}

async function plugin(fastify: FastifyInstance, rawOptions: FastifyAdapterOptions): Promise<void> {
  const options = validate(rawOptions, fastify);
  const { pipeline } = options.latchkey;
  const maxBodySize = options.latchkey.settings.DATA_UPLOAD_MAX_MEMORY_SIZE;
  fastify.decorateRequest('latchkey', {
    getter(this: FastifyRequest): RequestContext {
      const exchange = exchanges.get(this);
      if (exchange !== undefined) return exchange.context;
      throw new LatchkeyError(
        'LATCHKEY_ADAPTER_MISSING',
        'request.latchkey is set by latchkeyFastify in onRequest',
      );
    },
  });
  fastify.addContentTypeParser(FORM, { parseAs: 'buffer', bodyLimit: maxBodySize }, (request, body, done) => {
    try {
      const form = new URLSearchParams(decodeUtf8(body as Buffer));
      checkFieldCount([...form.keys()].length);
      forms.set(request, form);
      done(null, formObject(form));
    } catch (error) {
      done(error as Error);
    }
  });
  // Multipart forms' text fields, as Django reads them into request.POST (a form posted as FormData
  // must pass CSRF). An app that registered its own multipart parser (@fastify/multipart) keeps it.
  if (!fastify.hasContentTypeParser(MULTIPART_FORM)) {
    fastify.addContentTypeParser(
      MULTIPART_FORM,
      { parseAs: 'buffer', bodyLimit: maxBodySize },
      async (request: FastifyRequest, body: Buffer) => {
        const form = await parseMultipartForm(body, request.headers['content-type'] ?? '');
        forms.set(request, form);
        return formObject(form);
      },
    );
  }
  fastify.addHook('onRequest', async (request, reply) => {
    const http = fromFastifyRequest(request, options.clientIp ? options.clientIp(request) : request.ip);
    if (http === null || !pipeline.hostAllowed(http)) return reply.send(pipeline.refuseHost(http));
    const route = mergeRouteOptions(fastifyRouteOptions(request), adapterRoute(options, http));
    exchanges.set(request, pipeline.start(http, route));
  });
  // Fastify parses bodies between `onRequest` and `preHandler`: the CSRF check reads the form here.
  fastify.addHook('preHandler', async (request, reply) => {
    const exchange = exchanges.get(request);
    const rejection = exchange === undefined ? null : await pipeline.enter(exchange);
    if (rejection !== null) return reply.send(rejection);
  });
  fastify.addHook('onSend', async (request, reply, payload) => {
    const exchange = exchanges.get(request);
    // Once only: an error reply after a failed commit goes out as it is, with no session cookie.
    if (exchange === undefined || !exchange.started || committed.has(request)) return payload;
    committed.add(request);
    return commitReply(pipeline, exchange.context, reply, payload);
  });
}

/**
 * The Fastify plugin. Register it at the root, before the routes; the options are checked at once.
 * @example
 * await app.register(latchkeyFastify, { latchkey });
 * app.setErrorHandler(latchkeyErrorHandler(latchkey));
 * app.get('/dashboard/', async (request, reply) => {
 *   const user = await request.latchkey.user();
 *   if (user === null) return reply.redirect(loginUrlFor(request.latchkey));
 *   return `Hello ${user.username}`;
 * });
 */
export const latchkeyFastify: FastifyPluginAsync<FastifyAdapterOptions> = Object.assign(plugin, {
  // What `fastify-plugin` would set, without the dependency (Fastify's Plugins guide, "Handle the
  // scope"): skip-override gives the hooks and decorations to the whole app, not an encapsulated
  // child; plugin-meta makes Fastify check its own version and name the plugin in errors.
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'latchkey',
  [Symbol.for('plugin-meta')]: { fastify: '5.x', name: 'latchkey' },
});

/**
 * The request's context typed with the app's user, from the instance that built it.
 * @example
 * const user = await contextOf(latchkey, request).user(); // User | null
 */
export function contextOf<User extends AuthUser>(
  latchkey: Latchkey<User>,
  request: FastifyRequest,
): RequestContext<User> {
  const ctx = request.latchkey;
  if (ctx.auth !== latchkey.auth) {
    throw new LatchkeyError(
      'LATCHKEY_ADAPTER_MISSING',
      'This request was set up by another Latchkey instance.',
    );
  }
  // Sound: this instance built the context, so its user type is the instance's.
  return ctx as RequestContext<User>;
}

/** A 4xx Fastify (or a route) raised with a `statusCode`: Fastify shows those messages too. */
function clientError(error: unknown): { status: number; message: string } | null {
  if (typeof error !== 'object' || error === null) return null;
  const { statusCode, message } = error as Record<string, unknown>;
  if (typeof statusCode !== 'number' || statusCode < 400 || statusCode > 499) return null;
  return { status: statusCode, message: typeof message === 'string' ? message : 'Bad request.' };
}

/**
 * A `setErrorHandler` handler for the errors Latchkey knows: a malformed body (400) or one too
 * large (413, Fastify's `bodyLimit` included), an interrupted session (400), an unavailable store
 * (503, INVARIANTS 10), and other 4xx. Anything else is rethrown to Fastify's default handler (a
 * 500; nothing is saved).
 * @example
 * app.setErrorHandler(latchkeyErrorHandler(latchkey));
 */
export function latchkeyErrorHandler<User extends AuthUser>(
  latchkey: Latchkey<User>,
): (error: unknown, request: FastifyRequest, reply: FastifyReply) => FastifyReply {
  return (error, request, reply) => {
    const http = exchanges.get(request)?.request ?? null;
    const exposed = clientError(error);
    const mapped =
      http === null
        ? null
        : (latchkey.pipeline.recover(http, error) ??
          (exposed === null ? null : latchkey.errorResponse(http, exposed.status, exposed.message)));
    if (mapped === null) throw error;
    return reply.send(mapped);
  };
}
