/**
 * Per-route options of the pipeline on every adapter: a route marked `csrfExempt` takes an
 * unsafe request without a token (INVARIANTS 6: only that route), and a guard sees `public`.
 */
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { afterAll, describe, expect, test } from 'vitest';
import { latchkeyExpress } from '../../src/adapters/express.js';
import { latchkeyFastify } from '../../src/adapters/fastify.js';
import { latchkeyMiddleware } from '../../src/adapters/hono.js';
import { latchkeyWeb } from '../../src/adapters/web.js';
import { silentLogger } from '../../src/core/logger.js';
import { defineSettings } from '../../src/core/settings.js';
import { type Guard, routeTable } from '../../src/http/routes.js';
import { createLatchkey } from '../../src/latchkey.js';
import { MemorySessionStore } from '../../src/stores/memory.js';

const loginRequiredByDefault: Guard = async (ctx, route) =>
  route.public || (await ctx.user()) !== null ? null : new Response('login first', { status: 401 });

const latchkey = createLatchkey({
  settings: defineSettings({ DEBUG: true, ALLOWED_HOSTS: ['localhost', '127.0.0.1'] }),
  sessionStore: new MemorySessionStore(),
  users: {
    getById: async () => null,
    getByUsername: async () => null,
    setPassword: async () => undefined,
    updateLastLogin: async () => undefined,
    hasPerm: async () => false,
  },
  logger: silentLogger,
  loginThrottle: null,
  guards: [loginRequiredByDefault],
  routes: routeTable({ '/public/*': { public: true }, '/hooks/a': { csrfExempt: true, public: true } }),
});

type Fetch = (path: string, init?: RequestInit) => Promise<Response>;
const closers: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

async function hono(): Promise<Fetch> {
  const app = new Hono();
  app.use(
    latchkeyMiddleware(latchkey, {
      routes: (r) => (r.url.pathname === '/hooks/b' ? { csrfExempt: true, public: true } : undefined),
    }),
  );
  app.all('*', (c) => c.text('ran'));
  return async (path, init) => app.request(`http://localhost${path}`, init);
}

async function expressApp(): Promise<Fetch> {
  const app = express();
  app.use(
    latchkeyExpress(latchkey, {
      routes: (r) => (r.url.pathname === '/hooks/b' ? { csrfExempt: true, public: true } : undefined),
    }),
  );
  app.all('/{*rest}', (_req, res) => {
    res.send('ran');
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  closers.push(() => new Promise((resolve) => server.close(resolve)));
  const { port } = server.address() as AddressInfo;
  return (path, init) => fetch(`http://localhost:${port}${path}`, init);
}

async function fastify(): Promise<Fetch> {
  const app = Fastify();
  await app.register(latchkeyFastify, { latchkey });
  // Fastify's own per-route config carries the options too.
  app.post('/hooks/b', { config: { latchkey: { csrfExempt: true, public: true } } }, async () => 'ran');
  app.all('/*', async () => 'ran');
  await app.listen({ port: 0, host: '127.0.0.1' });
  closers.push(() => app.close());
  const { port } = app.server.address() as AddressInfo;
  return (path, init) => fetch(`http://localhost:${port}${path}`, init);
}

async function web(): Promise<Fetch> {
  const handle = latchkeyWeb(latchkey, () => new Response('ran'), {
    routes: (r) => (r.url.pathname === '/hooks/b' ? { csrfExempt: true, public: true } : undefined),
  });
  return (path, init) => handle(new Request(`http://localhost${path}`, init), undefined);
}

describe.each([
  ['hono', hono],
  ['express', expressApp],
  ['fastify', fastify],
  ['web', web],
] as const)('route options on %s', (_name, build) => {
  let call: Fetch;
  test('INVARIANTS 6: exempt routes (app table, adapter option) take a POST without a token; others do not', async () => {
    call = await build();
    expect((await call('/hooks/a', { method: 'POST' })).status).toBe(200);
    expect((await call('/hooks/b', { method: 'POST' })).status).toBe(200);
    expect((await call('/public/x', { method: 'POST' })).status).toBe(403);
  });

  test('a guard sees the public marker: public routes run, others answer with the guard', async () => {
    expect(await (await call('/public/page')).text()).toBe('ran');
    const denied = await call('/private/page');
    expect(denied.status).toBe(401);
  });
});
