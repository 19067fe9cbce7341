/**
 * Issue 15 item 12: a request without a `Host` header (HTTP/1.0 allows that; HTTP/1.1 requires it,
 * RFC 9112 section 3.2) is refused like a disallowed host (Django's `get_host` raises
 * `DisallowedHost` when it has no host to validate) on every adapter, on a real socket: a server
 * must not make one up from its own address and let the request through.
 */
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { afterEach, describe, expect, test } from 'vitest';
import { createApp } from '../../app/routes.js';
import { latchkeyErrorHandler, latchkeyExpress } from '../../src/adapters/express.js';
import { latchkeyFastify } from '../../src/adapters/fastify.js';
import { type LatchkeyEnv, latchkeyMiddleware } from '../../src/adapters/hono.js';
import type { User } from '../../src/auth/users/user.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { listen } from './apps/express.js';
import { createHarness, type Harness } from './harness.js';

/** Sends raw `head` (request line and headers) and resolves to the status code of the answer. */
function rawStatus(port: number, head: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`${head}\r\n`));
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(Number(/^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1] ?? 0)));
  });
}

function serveHono(
  fetch: (request: Request, env: unknown) => Response | Promise<Response>,
): Promise<ServerType> {
  return new Promise((resolve) => {
    const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(server));
  });
}

let harness: Harness | undefined;
let testApp: TestApp | undefined;
let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  await harness?.close();
  await testApp?.close();
  stop = harness = testApp = undefined;
});

function closing(server: ServerType | import('node:http').Server): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
    });
}

const servers: Record<string, () => Promise<number>> = {
  async 'the reference app (Hono on @hono/node-server)'() {
    testApp = await startTestApp();
    const server = await serveHono(createApp(testApp.runtime.latchkey).fetch);
    stop = closing(server);
    return (server.address() as AddressInfo).port;
  },
  async hono() {
    harness = await createHarness();
    const app = new Hono<LatchkeyEnv<User>>();
    app.use(latchkeyMiddleware(harness.latchkey));
    app.get('/', (c) => c.text('home'));
    const server = await serveHono(app.fetch);
    stop = closing(server);
    return (server.address() as AddressInfo).port;
  },
  async express() {
    harness = await createHarness();
    const app = express();
    app.use(latchkeyExpress(harness.latchkey));
    app.get('/', (_req, res) => res.send('home'));
    app.use(latchkeyErrorHandler(harness.latchkey));
    const { server, port } = await listen(app);
    stop = closing(server);
    return port;
  },
  async fastify() {
    harness = await createHarness();
    const app = Fastify();
    await app.register(latchkeyFastify, { latchkey: harness.latchkey });
    app.get('/', async () => 'home');
    await app.listen({ port: 0, host: '127.0.0.1' });
    stop = () => app.close();
    return (app.server.address() as AddressInfo).port;
  },
};

describe('a request without a Host header is refused like a disallowed host', () => {
  for (const [name, start] of Object.entries(servers)) {
    test(`${name}: HTTP/1.0 without Host is a 400; with an allowed Host it is a 200`, async () => {
      const port = await start();
      expect(await rawStatus(port, 'GET / HTTP/1.0\r\n')).toBe(400);
      expect(await rawStatus(port, 'GET / HTTP/1.0\r\nHost: localhost\r\n')).toBe(200);
      expect(await rawStatus(port, 'GET / HTTP/1.0\r\nHost: evil.example\r\n')).toBe(400);
    });
  }
});
