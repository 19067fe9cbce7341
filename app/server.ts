/**
 * @module `npm start`: the reference app on `HOST:PORT` (default 127.0.0.1:8000), SQLite under
 * `./data/` unless `DATABASE_URL` says otherwise, HTTPS when `TLS_CERT_FILE` and `TLS_KEY_FILE`
 * are set. The client's address is the socket's peer, or from `X-Forwarded-For` behind
 * `TRUSTED_PROXIES`. Bad settings (production over plain HTTP included) or an unreachable
 * database stop start-up with one clear line and a non-zero exit.
 */
import { createServer as createHttpsServer } from 'node:https';
import { resolve } from 'node:path';
import { type Http2Bindings, type HttpBindings, serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { SECRET_KEY_RULE } from '../src/core/settings.js';
import { type Cidr, forwardedScheme, parseTrustedProxies, resolveClientIp } from '../src/http/client-ip.js';
import { ConfigurationError, LatchkeyError } from '../src/index.js';
import { loadConfig } from './config.js';
import { createApp } from './routes.js';
import { createRuntime } from './runtime.js';
import { closeOnSignals } from './shutdown.js';

function fail(message: string): never {
  process.stderr.write(`latchkey: ${message}\n`);
  process.exit(1);
}

function describeError(error: unknown): string {
  if (error instanceof ConfigurationError) return error.problems.join('; ');
  if (error instanceof LatchkeyError) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** The client's address: the socket's peer, or the nearest untrusted `X-Forwarded-For` hop behind a trusted proxy. */
function clientIpResolver(trustedProxies: readonly Cidr[]): (c: unknown) => string | null {
  return (c) => {
    let remoteAddress: string | undefined;
    try {
      remoteAddress = getConnInfo(c as Context).remote.address;
    } catch {
      return null;
    }
    const forwardedFor = (c as Context).req.header('x-forwarded-for');
    return resolveClientIp({ remoteAddress, forwardedFor, trustedProxies });
  };
}

type Fetch = (request: Request, env: HttpBindings | Http2Bindings) => Response | Promise<Response>;

/**
 * Behind a TLS-terminating proxy the socket speaks HTTP, but the browser spoke HTTPS: when a
 * trusted proxy says so (`X-Forwarded-Proto: https`), the request's URL becomes `https:`, so the
 * CSRF origin check compares like with like and HSTS is sent (Django's SECURE_PROXY_SSL_HEADER).
 */
function withForwardedScheme(fetch: Fetch, trustedProxies: readonly Cidr[]): Fetch {
  if (trustedProxies.length === 0) return fetch;
  return (request, env) => {
    const scheme = forwardedScheme({
      remoteAddress: env.incoming.socket.remoteAddress,
      forwardedProto: request.headers.get('x-forwarded-proto'),
      trustedProxies,
    });
    const url = new URL(request.url);
    if (scheme !== 'https' || url.protocol === 'https:') return fetch(request, env);
    url.protocol = 'https:';
    const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
    const init: RequestInit & { duplex?: 'half' } = {
      method: request.method,
      headers: request.headers,
      ...(hasBody ? { body: request.body, duplex: 'half' } : {}),
    };
    return fetch(new Request(url, init), env);
  };
}

async function main(): Promise<void> {
  const dataDir = resolve(process.env.LATCHKEY_DATA_DIR ?? './data');
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env, { dataDir });
  } catch (error) {
    fail(describeError(error));
  }
  if (config.secretKeyFile !== null) {
    // The library's rule, word for word (issue 15 item 4); the generated key meets it.
    process.stderr.write(
      `latchkey: warning: SECRET_KEY is not set, so this development run signs with the key generated in ${config.secretKeyFile}; LATCHKEY_PROFILE=production refuses to start without one. ${SECRET_KEY_RULE}\n`,
    );
  }
  const runtime = await createRuntime({
    settings: config.settings,
    databaseUrl: config.databaseUrl,
    redis: config.redis,
    django: config.django,
  }).catch((error: unknown) => fail(`cannot start: ${describeError(error)}`));
  const trustedProxies = parseTrustedProxies(config.settings.TRUSTED_PROXIES);
  const app = createApp(runtime.latchkey, {
    clientIp: clientIpResolver(trustedProxies),
    outbox: runtime.outbox,
  });
  const fetch = withForwardedScheme((request, env) => app.fetch(request, env), trustedProxies);
  const scheme = config.tls === null ? 'http' : 'https';
  const listening = (info: { port: number }): void => {
    process.stdout.write(`Latchkey reference app listening on ${scheme}://${config.host}:${info.port}/\n`);
  };
  const server =
    config.tls === null
      ? serve({ fetch, port: config.port, hostname: config.host }, listening)
      : serve(
          {
            fetch,
            port: config.port,
            hostname: config.host,
            createServer: createHttpsServer,
            serverOptions: { cert: config.tls.cert, key: config.tls.key },
          },
          listening,
        );
  server.on('error', (error) => fail(`cannot listen on ${config.host}:${config.port}: ${error.message}`));
  closeOnSignals(server, {
    close: () => runtime.close(),
    log: (line) => process.stderr.write(line),
  });
}

await main();
