/**
 * `csrfExempt` on every adapter (the Fastify one is also covered in fastify.test.ts): an exempt
 * route takes an unsafe method without a token, even from another site with a session cookie;
 * every other route still refuses it (INVARIANTS 6: "unless its route is explicitly exempt").
 */
import type { Server } from 'node:http';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { afterEach, describe, expect, test } from 'vitest';
import { latchkeyErrorHandler, latchkeyExpress } from '../../src/adapters/express.js';
import { latchkeyFastify } from '../../src/adapters/fastify.js';
import { type LatchkeyEnv, latchkeyMiddleware } from '../../src/adapters/hono.js';
import { latchkeyWeb } from '../../src/adapters/web.js';
import type { User } from '../../src/auth/users/user.js';
import type { HttpRequest } from '../../src/http/request.js';
import { listen } from './apps/express.js';
import { createHarness, type Harness } from './harness.js';

const exempt = (request: HttpRequest): boolean => request.url.pathname === '/hooks/';

/** A cross-site form post with a (made-up) session cookie and no CSRF token. */
const FORGED: RequestInit = {
  method: 'POST',
  headers: {
    origin: 'https://evil.example',
    'sec-fetch-site': 'cross-site',
    cookie: `sessionid=${'a'.repeat(32)}`,
    'content-type': 'application/x-www-form-urlencoded',
  },
  body: 'a=1',
};

type Send = (path: string) => Promise<{ status: number; body: string }>;

let harness: Harness | undefined;
let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  await harness?.close();
  stop = undefined;
  harness = undefined;
});

const adapters: Record<string, (h: Harness) => Promise<Send>> = {
  async hono(h) {
    const app = new Hono<LatchkeyEnv<User>>();
    app.use(latchkeyMiddleware(h.latchkey, { csrfExempt: exempt }));
    app.post('/hooks/', (c) => c.text('accepted'));
    app.post('/other/', (c) => c.text('accepted'));
    return async (path) => {
      const response = await app.request(`http://localhost${path}`, FORGED);
      return { status: response.status, body: await response.text() };
    };
  },
  async express(h) {
    const app = express();
    app.use(latchkeyExpress(h.latchkey, { csrfExempt: exempt }));
    app.post('/hooks/', (_req, res) => res.send('accepted'));
    app.post('/other/', (_req, res) => res.send('accepted'));
    app.use(latchkeyErrorHandler(h.latchkey));
    const { server, origin } = await listen(app);
    stop = () => new Promise<void>((resolve) => (server as Server).close(() => resolve()));
    return async (path) => {
      const response = await fetch(`${origin}${path}`, FORGED);
      return { status: response.status, body: await response.text() };
    };
  },
  async fastify(h) {
    const app = Fastify();
    await app.register(latchkeyFastify, { latchkey: h.latchkey, csrfExempt: exempt });
    app.post('/hooks/', async () => 'accepted');
    app.post('/other/', async () => 'accepted');
    stop = () => app.close();
    return async (path) => {
      const response = await app.inject({
        method: 'POST',
        url: path,
        headers: { host: 'localhost', ...(FORGED.headers as Record<string, string>) },
        payload: 'a=1',
      });
      return { status: response.statusCode, body: response.body };
    };
  },
  async web(h) {
    const handle = latchkeyWeb(h.latchkey, () => new Response('accepted'), { csrfExempt: exempt });
    return async (path) => {
      const response = await handle(new Request(`http://localhost${path}`, FORGED), undefined);
      return { status: response.status, body: await response.text() };
    };
  },
};

describe('INVARIANTS 6: csrfExempt exempts only the routes it names', () => {
  for (const [name, build] of Object.entries(adapters)) {
    test(`${name}: an exempt route takes a forged cross-site POST; every other route refuses it (403)`, async () => {
      harness = await createHarness();
      const send = await build(harness);
      expect(await send('/hooks/')).toEqual({ status: 200, body: 'accepted' });
      const refused = await send('/other/');
      expect(refused.status).toBe(403);
      expect(refused.body).not.toBe('accepted');
    });
  }
});
