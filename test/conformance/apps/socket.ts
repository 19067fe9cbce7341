/**
 * @module Conformance apps on a real socket (Express, and fetch handlers on `node:http`): listening
 * on 127.0.0.1 port 0, and a fixture that reaches the server with `fetch` — or with plain HTTP for a
 * request to another host, since `fetch` cannot send a chosen `Host`.
 */
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConformanceFixture, Harness } from '../harness.js';

/** A server listening on 127.0.0.1, and where to reach it. */
export interface Listening {
  readonly server: Server;
  readonly origin: string;
  readonly port: number;
}

/** Starts `server` on 127.0.0.1, port 0. */
export async function listening(server: Server): Promise<Listening> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return { server, origin: `http://127.0.0.1:${port}`, port };
}

/** A request for another host than the server's, over plain HTTP (method, path and Host only). */
function requestWithHost(port: number, request: Request): Promise<Response> {
  const url = new URL(request.url);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path: url.pathname + url.search,
        method: request.method,
        headers: { host: url.host },
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () =>
          resolve(new Response(Buffer.concat(chunks), { status: incoming.statusCode ?? 500 })),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/**
 * The fixture of an app listening on a real socket; closing it closes the server and the harness.
 * @example
 * return socketFixture(harness, await listening(createServer(app)));
 */
export function socketFixture(harness: Harness, { server, origin, port }: Listening): ConformanceFixture {
  return {
    ...harness,
    origin,
    async request(request) {
      if (new URL(request.url).origin !== origin) return requestWithHost(port, request);
      const body = ['GET', 'HEAD'].includes(request.method) ? undefined : await request.arrayBuffer();
      return fetch(request.url, {
        method: request.method,
        headers: request.headers,
        body,
        redirect: 'manual',
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await harness.close();
    },
  };
}
