/**
 * @module The framework-neutral request built from Node's `IncomingMessage` (Express, Fastify,
 * plain `node:http`): the absolute URL from `Host` and the socket's TLS, headers, and a body read
 * at most once within `DATA_UPLOAD_MAX_MEMORY_SIZE` (413 beyond it), parsed by the same code as
 * WHATWG requests (`request.ts`).
 */
import type { IncomingMessage } from 'node:http';
import { LatchkeyError } from '../core/errors.js';
import { hostDomain } from './hosts.js';
import { MULTIPART_FORM } from './multipart.js';
import {
  BadRequestError,
  bodyTooLarge,
  createHttpRequest,
  declaredTooLarge,
  type HttpRequest,
  isJsonMediaType,
  mediaTypeOf,
} from './request.js';

/** Options of {@link fromNodeRequest}. */
export interface NodeRequestOptions {
  /** Largest body read, in bytes (`DATA_UPLOAD_MAX_MEMORY_SIZE`). */
  readonly maxBodySize: number;
  readonly clientIp?: string | null;
  /** `host[:port]` as the framework resolved it through trusted proxies; the `Host` header by default. */
  readonly host?: string | undefined;
  /** `http` or `https` as the framework resolved it; by default `https` exactly when the socket is TLS. */
  readonly protocol?: string | undefined;
  /** Path and query; `req.url` by default (Express rewrites it in mounted routers: pass `originalUrl`). */
  readonly path?: string | undefined;
  /** A body some framework parser already read (Express's `req.body`), for when it got there first. */
  parsedBody?(): unknown;
}

/**
 * The absolute URL of a request, or `null` when its `Host` is malformed (Django's `get_host`
 * refuses those before `ALLOWED_HOSTS` is even consulted) or its target is not a path.
 * @example
 * requestUrl('http', 'localhost:8000', '/cart/?x=1')?.pathname; // '/cart/'
 */
export function requestUrl(protocol: string, host: string, target: string): URL | null {
  if (hostDomain(host) === null || (protocol !== 'http' && protocol !== 'https')) return null;
  let path = target;
  if (!path.startsWith('/')) {
    // RFC 9112 section 3.2.2: absolute-form, sent to proxies. The authority that counts is Host.
    const absolute = URL.canParse(target) ? new URL(target) : null;
    if (absolute === null || !absolute.protocol.startsWith('http')) return null;
    path = absolute.pathname + absolute.search;
  }
  // Concatenation, never `new URL(path, base)`: a path like `//evil.example/` must stay a path.
  return URL.canParse(`${protocol}://${host}${path}`) ? new URL(`${protocol}://${host}${path}`) : null;
}

function isTls(req: IncomingMessage): boolean {
  return 'encrypted' in req.socket && req.socket.encrypted === true;
}

function readNodeBody(req: IncomingMessage, maxBodySize: number): Promise<Uint8Array> {
  if (declaredTooLarge(req.headers['content-length'], maxBodySize)) return Promise.reject(bodyTooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.byteLength;
      if (size <= maxBodySize) {
        chunks.push(chunk);
        return;
      }
      // Stop keeping the body; Node discards the rest once the 413 is sent (keep-alive survives).
      stop();
      req.resume();
      reject(bodyTooLarge());
    };
    const onEnd = (): void => {
      stop();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error): void => {
      stop();
      reject(new BadRequestError(400, 'The request body could not be read', { cause: error }));
    };
    const onClose = (): void => onError(new Error('connection closed before the body was complete'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

function consumedError(): LatchkeyError {
  return new LatchkeyError(
    'LATCHKEY_BODY_CONSUMED',
    'The request body was read before Latchkey and no parsed body was left: install the Latchkey middleware before body parsers.',
  );
}

/** A form a body parser made (`{ field: value | value[] }`) back into form fields. */
function formFromParsed(parsed: unknown): URLSearchParams {
  if (parsed === undefined) throw consumedError();
  const form = new URLSearchParams();
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return form;
  for (const [name, value] of Object.entries(parsed)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item === 'string') form.append(name, item);
    }
  }
  return form;
}

/**
 * Wraps a Node request. Returns `null` when the `Host` header or the request target is malformed
 * (answer 400 without going further).
 * @example
 * const request = fromNodeRequest(req, { maxBodySize: settings.DATA_UPLOAD_MAX_MEMORY_SIZE });
 */
export function fromNodeRequest(req: IncomingMessage, options: NodeRequestOptions): HttpRequest | null {
  const host = options.host ?? req.headers.host ?? '';
  const url = requestUrl(
    options.protocol ?? (isTls(req) ? 'https' : 'http'),
    host,
    options.path ?? req.url ?? '',
  );
  if (url === null) return null;
  const header = (name: string): string | null => {
    const value = req.headers[name.toLowerCase()];
    return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
  };
  let ours = false;
  const base = createHttpRequest({
    method: req.method ?? 'GET',
    url,
    header,
    clientIp: options.clientIp ?? req.socket.remoteAddress ?? null,
    readBody: () => {
      ours = true;
      return readNodeBody(req, options.maxBodySize);
    },
  });
  // Someone else read the stream (a body parser installed first): use what it parsed.
  const elsewhere = (): boolean => !ours && req.readableEnded;
  const type = (): string => mediaTypeOf(header('content-type'));
  return {
    ...base,
    form(): Promise<URLSearchParams | null> {
      if (!elsewhere()) return base.form();
      if (type() !== 'application/x-www-form-urlencoded' && type() !== MULTIPART_FORM)
        return Promise.resolve(null);
      return Promise.resolve(formFromParsed(options.parsedBody?.()));
    },
    async json(): Promise<unknown> {
      if (!elsewhere()) return base.json();
      if (!isJsonMediaType(type())) {
        throw new BadRequestError(400, 'Expected a JSON body (Content-Type: application/json)');
      }
      const parsed = options.parsedBody?.();
      if (parsed === undefined) throw consumedError();
      return parsed;
    },
  };
}

/**
 * Form fields as the object body parsers produce (`querystring` style: repeated names become
 * arrays), with no prototype so a field named `__proto__` is only a field.
 * @example
 * req.body = formObject(await request.form());
 */
export function formObject(form: URLSearchParams): Record<string, string | string[]> {
  const body: Record<string, string | string[]> = Object.create(null);
  for (const [name, value] of form) {
    const previous = body[name];
    body[name] =
      previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  return body;
}
