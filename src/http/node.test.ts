import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { formObject, fromNodeRequest, type NodeRequestOptions, requestUrl } from './node.js';
import type { HttpRequest } from './request.js';

let server: Server | null = null;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
  server = null;
});

/** Runs `inspect` on the real request a server receives and answers with its JSON result (or error). */
async function serve(
  inspect: (request: HttpRequest | null, req: IncomingMessage) => Promise<unknown>,
  options: Partial<NodeRequestOptions> = {},
): Promise<string> {
  server = createServer((req, res) => {
    const request = fromNodeRequest(req, { maxBodySize: 16, ...options });
    inspect(request, req).then(
      (value) => res.end(JSON.stringify({ value })),
      (error: { code?: string; status?: number }) =>
        res.end(JSON.stringify({ code: error.code, status: error.status })),
    );
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function post(origin: string, path: string, body: string | Uint8Array, type: string): Promise<unknown> {
  const response = await fetch(new URL(path, origin), {
    method: 'POST',
    body,
    headers: { 'content-type': type },
  });
  return response.json();
}

describe('requestUrl', () => {
  test('builds the URL from the protocol, the Host and the path', () => {
    expect(requestUrl('https', 'example.com:8443', '/a/?b=1')?.href).toBe('https://example.com:8443/a/?b=1');
  });

  test('a path that looks like a network path stays a path on this host', () => {
    const url = requestUrl('http', 'localhost', '//evil.example/x');
    expect(url?.host).toBe('localhost');
    expect(url?.pathname).toBe('//evil.example/x');
  });

  test('absolute-form targets keep the Host header’s authority', () => {
    expect(requestUrl('http', 'localhost', 'http://evil.example/x?y')?.href).toBe('http://localhost/x?y');
  });

  test('malformed hosts, other schemes and odd targets are null', () => {
    for (const host of ['', 'evil.example/x', 'user@evil.example', 'a b', 'exa_mple.com', 'localhost:x']) {
      expect(requestUrl('http', host, '/'), host).toBeNull();
    }
    expect(requestUrl('ftp', 'localhost', '/')).toBeNull();
    expect(requestUrl('http', 'localhost', '*')).toBeNull();
  });
});

describe('fromNodeRequest', () => {
  test('reads the method, the URL from Host, headers and the client address', async () => {
    const origin = await serve(async (request) => ({
      method: request?.method,
      url: request?.url.href,
      header: request?.header('X-Test'),
      missing: request?.header('x-missing'),
      clientIp: request?.clientIp,
    }));
    const response = await fetch(new URL('/p/?q=1', origin), { headers: { 'x-test': 'yes' } });
    expect(await response.json()).toEqual({
      value: { method: 'GET', url: `${origin}/p/?q=1`, header: 'yes', missing: null, clientIp: '127.0.0.1' },
    });
  });

  test('a malformed Host gives null, to be answered with 400', async () => {
    const origin = await serve(async (request) => request === null);
    const port = new URL(origin).port;
    const body = await new Promise<string>((resolve, reject) => {
      const outgoing = httpRequest(
        { host: '127.0.0.1', port, path: '/', headers: { host: 'evil.example/x' } },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => {
            text += chunk.toString();
          });
          res.on('end', () => resolve(text));
        },
      );
      outgoing.on('error', reject);
      outgoing.end();
    });
    expect(JSON.parse(body)).toEqual({ value: true });
  });

  test('parses a form once, however often it is asked for', async () => {
    const origin = await serve(async (request) => {
      const [first, second] = await Promise.all([request?.form(), request?.form()]);
      return { same: first === second, fields: [...(first ?? [])] };
    });
    expect(await post(origin, '/', 'a=1&a=2&b=%C3%A9', 'application/x-www-form-urlencoded')).toEqual({
      value: {
        same: true,
        fields: [
          ['a', '1'],
          ['a', '2'],
          ['b', 'é'],
        ],
      },
    });
  });

  test('a body over the limit is 413, by Content-Length or by counting a chunked body', async () => {
    const origin = await serve(async (request) => request?.form());
    expect(await post(origin, '/', 'a='.padEnd(17, 'x'), 'application/x-www-form-urlencoded')).toEqual({
      code: 'LATCHKEY_BODY_TOO_LARGE',
      status: 413,
    });
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 4; i += 1) controller.enqueue(new TextEncoder().encode('a=xxxxxx'));
        controller.close();
      },
    });
    const response = await fetch(origin, {
      method: 'POST',
      body: chunked,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      duplex: 'half',
    } as RequestInit);
    expect(await response.json()).toEqual({ code: 'LATCHKEY_BODY_TOO_LARGE', status: 413 });
  });

  test('invalid UTF-8 and malformed JSON are 400; a form is not JSON', async () => {
    const origin = await serve(async (request) => request?.json());
    expect(await post(origin, '/', new Uint8Array([0x22, 0xff, 0x22]), 'application/json')).toEqual({
      code: 'LATCHKEY_BAD_REQUEST',
      status: 400,
    });
    expect(await post(origin, '/', '{"a":', 'application/json')).toEqual({
      code: 'LATCHKEY_BAD_REQUEST',
      status: 400,
    });
    expect(await post(origin, '/', 'a=1', 'application/x-www-form-urlencoded')).toEqual({
      code: 'LATCHKEY_BAD_REQUEST',
      status: 400,
    });
    expect(await post(origin, '/', '{"a":[1]}', 'application/vnd.api+json')).toEqual({ value: { a: [1] } });
  });

  test('a body another parser already read is taken from what it parsed', async () => {
    let parsed: unknown;
    const origin = await serve(
      async (request, req) => {
        req.resume();
        await new Promise((resolve) => req.once('end', resolve));
        parsed = { a: ['1', '2'], b: 'x', nested: { c: 'dropped' } };
        return [...((await request?.form()) ?? [])];
      },
      { parsedBody: () => parsed },
    );
    expect(await post(origin, '/', 'ignored=1', 'application/x-www-form-urlencoded')).toEqual({
      value: [
        ['a', '1'],
        ['a', '2'],
        ['b', 'x'],
      ],
    });
  });

  test('a body read by someone else, with nothing parsed left, is a clear error', async () => {
    const origin = await serve(async (request, req) => {
      req.resume();
      await new Promise((resolve) => req.once('end', resolve));
      return request?.json();
    });
    expect(await post(origin, '/', '{}', 'application/json')).toEqual({ code: 'LATCHKEY_BODY_CONSUMED' });
  });
});

describe('formObject', () => {
  test('repeated names become arrays, and __proto__ is only a field', () => {
    const body = formObject(new URLSearchParams('a=1&a=2&__proto__=x&b=3'));
    expect(body.a).toEqual(['1', '2']);
    expect(body.b).toBe('3');
    expect(Object.getOwnPropertyDescriptor(body, '__proto__')?.value).toBe('x');
    expect(Object.getPrototypeOf(body)).toBeNull();
  });
});
