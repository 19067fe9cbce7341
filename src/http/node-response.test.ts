import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { headerEntries, headersFromNode, writeResponse } from './node-response.js';

let server: Server | null = null;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
  server = null;
});

async function serve(handler: (res: ServerResponse) => void): Promise<Response> {
  server = createServer((_req, res) => handler(res));
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { redirect: 'manual' });
}

describe('writeResponse', () => {
  test('sends the status, every header, each cookie on its own line after those already set, and the body', async () => {
    const headers = new Headers({ 'content-type': 'text/plain', location: '/next/' });
    headers.append('set-cookie', 'b=2; Path=/');
    headers.append('set-cookie', 'c=3; Path=/');
    const response = await serve((res) => {
      res.setHeader('set-cookie', 'a=1');
      res.setHeader('x-kept', 'yes');
      void writeResponse(res, new Response('moved', { status: 302, statusText: 'Found It', headers }));
    });
    expect(response.status).toBe(302);
    expect(response.statusText).toBe('Found It');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2; Path=/', 'c=3; Path=/']);
    expect(response.headers.get('x-kept')).toBe('yes');
    expect(response.headers.get('location')).toBe('/next/');
    expect(await response.text()).toBe('moved');
  });

  test('streams a body chunk by chunk, and sends a bodiless response empty', async () => {
    const chunks = ['one;', 'two;', 'three'];
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const chunk = chunks.shift();
        if (chunk === undefined) controller.close();
        else controller.enqueue(new TextEncoder().encode(chunk));
      },
    });
    expect(await (await serve((res) => void writeResponse(res, new Response(body)))).text()).toBe(
      'one;two;three',
    );
    const empty = await serve((res) => void writeResponse(res, new Response(null, { status: 204 })));
    expect(empty.status).toBe(204);
    expect(await empty.text()).toBe('');
  });
});

describe('header conversions', () => {
  test('Node headers become WHATWG headers and back without joining cookies', () => {
    const headers = headersFromNode({ 'set-cookie': ['a=1', 'b=2'], 'content-length': 5, vary: 'Cookie' });
    expect(headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(headers.get('content-length')).toBe('5');
    expect(headerEntries(headers)).toEqual([
      ['content-length', '5'],
      ['vary', 'Cookie'],
      ['set-cookie', ['a=1', 'b=2']],
    ]);
  });
});
