/**
 * @module The framework-neutral request every view and check reads. Adapters build one per
 * request; bodies are read at most once, with a size limit, and malformed ones become typed 4xx
 * errors instead of crashes. The body parsing here is shared by every adapter (WHATWG `Request`s
 * below, Node's `IncomingMessage` in `node.ts`).
 */
import { BadRequestError } from './bad-request.js';
import { checkFieldCount, MULTIPART_FORM, parseMultipartForm } from './multipart.js';

export { BadRequestError } from './bad-request.js';

/** What Latchkey needs to know of one HTTP request. */
export interface HttpRequest {
  /** Upper-case method. */
  readonly method: string;
  /** The absolute URL, as the client addressed it. */
  readonly url: URL;
  /** A header's value, or `null`. Names are case-insensitive. */
  header(name: string): string | null;
  /** The client's address (already resolved through trusted proxies), or `null`. */
  readonly clientIp: string | null;
  /**
   * The form fields (urlencoded or multipart; file parts left out), or `null` when the body is
   * not a form. Read once, cached.
   */
  form(): Promise<URLSearchParams | null>;
  /** The JSON body; throws {@link BadRequestError} when it is not JSON. Read once, cached. */
  json(): Promise<unknown>;
}

/** Options of {@link fromWebRequest}. */
export interface WebRequestOptions {
  /** Largest body read, in bytes (`DATA_UPLOAD_MAX_MEMORY_SIZE`). */
  readonly maxBodySize: number;
  readonly clientIp?: string | null;
}

/** The 413 every adapter raises, before reading when `Content-Length` already says too much. */
export function bodyTooLarge(): BadRequestError {
  return new BadRequestError(413, 'Request body too large');
}

/** Whether a declared `Content-Length` exceeds the limit (then nothing is read at all). */
export function declaredTooLarge(contentLength: string | null | undefined, maxBodySize: number): boolean {
  return Number(contentLength ?? '0') > maxBodySize;
}

/** The lower-case media type of a `Content-Type` value, without parameters (`''` when absent). */
export function mediaTypeOf(contentType: string | null | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Whether a media type is JSON (`application/json` or a `+json` suffix, RFC 6839 section 3.1). */
export function isJsonMediaType(type: string): boolean {
  return type === 'application/json' || type.endsWith('+json');
}

/** Decodes a body as strict UTF-8; invalid bytes are a 400 (Django's `UnicodeDecodeError` → 400). */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new BadRequestError(400, 'Request body is not valid UTF-8', { cause: error });
  }
}

/** Parses a JSON body's text; malformed JSON is a 400. */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BadRequestError(400, 'Malformed JSON body', { cause: error });
  }
}

/** What an adapter supplies to {@link createHttpRequest}. */
export interface HttpRequestInit {
  readonly method: string;
  readonly url: URL;
  header(name: string): string | null;
  readonly clientIp: string | null;
  /** Reads the raw body, enforcing the size limit. Called at most once. */
  readBody(): Promise<Uint8Array>;
}

/**
 * Builds an {@link HttpRequest} whose body is read lazily, once, and parsed as a form or as JSON
 * according to its `Content-Type`.
 * @example
 * const request = createHttpRequest({ method, url, header, clientIp: null, readBody });
 */
export function createHttpRequest(init: HttpRequestInit): HttpRequest {
  let bytes: Promise<Uint8Array> | null = null;
  const readBytes = (): Promise<Uint8Array> => {
    bytes ??= init.readBody();
    return bytes;
  };
  const readText = async (): Promise<string> => decodeUtf8(await readBytes());
  let form: Promise<URLSearchParams | null> | null = null;
  const type = (): string => mediaTypeOf(init.header('content-type'));
  const readForm = async (): Promise<URLSearchParams | null> => {
    if (type() === 'application/x-www-form-urlencoded') {
      const fields = new URLSearchParams(await readText());
      checkFieldCount([...fields.keys()].length);
      return fields;
    }
    // Django reads multipart forms into request.POST too, so a form posted as FormData passes CSRF.
    if (type() === MULTIPART_FORM)
      return parseMultipartForm(await readBytes(), init.header('content-type') ?? '');
    return null;
  };
  return {
    method: init.method.toUpperCase(),
    url: init.url,
    header: (name) => init.header(name),
    clientIp: init.clientIp,
    form(): Promise<URLSearchParams | null> {
      form ??= readForm();
      return form;
    },
    async json(): Promise<unknown> {
      if (!isJsonMediaType(type())) {
        throw new BadRequestError(400, 'Expected a JSON body (Content-Type: application/json)');
      }
      return parseJsonText(await readText());
    },
  };
}

async function readWebBody(request: Request, maxBodySize: number): Promise<Uint8Array> {
  const length = request.headers.get('content-length');
  if (declaredTooLarge(length, maxBodySize)) throw bodyTooLarge();
  // A declared length within the limit bounds the body (the HTTP parser holds it to it): read it
  // whole, which servers that already hold the bytes (@hono/node-server) answer without a stream.
  if (length !== null && /^\d+$/.test(length)) {
    const bytes = new Uint8Array(await request.arrayBuffer());
    if (bytes.byteLength > maxBodySize) throw bodyTooLarge();
    return bytes;
  }
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBodySize) {
      await reader.cancel();
      throw bodyTooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/**
 * Wraps a WHATWG `Request` (Hono, fetch-style servers, or a test's `new Request(...)`).
 * @example
 * const req = fromWebRequest(c.req.raw, { maxBodySize: settings.DATA_UPLOAD_MAX_MEMORY_SIZE });
 */
export function fromWebRequest(request: Request, options: WebRequestOptions): HttpRequest {
  return createHttpRequest({
    method: request.method,
    url: new URL(request.url),
    header: (name) => request.headers.get(name),
    clientIp: options.clientIp ?? null,
    readBody: () => readWebBody(request, options.maxBodySize),
  });
}
