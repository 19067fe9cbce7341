import { Readable } from 'node:stream';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { afterEach, describe, expect, test } from 'vitest';
import { latchkeyErrorHandler, latchkeyFastify } from '../../src/adapters/fastify.js';
import type { Latchkey } from '../../src/latchkey.js';
import { createFastifyFixture } from './apps/fastify.js';
import { createHarness, type Harness } from './harness.js';
import { conformanceSuite } from './suite.js';
import { WatchedStore } from './watched-store.js';

conformanceSuite('fastify', () => createFastifyFixture());

const BIG_CHUNK = 'x'.repeat(64 * 1024);

/** Every way a Fastify handler commonly answers; each writes the session first. */
const WAYS: Record<string, { status: number; body: string; answer: (reply: FastifyReply) => unknown }> = {
  'a returned string': { status: 200, body: 'text', answer: () => 'text' },
  'a returned object (JSON)': { status: 200, body: '{"ok":true}', answer: () => ({ ok: true }) },
  'reply.redirect': { status: 302, body: '', answer: (reply) => reply.redirect('/elsewhere/') },
  'reply.code().header().send()': {
    status: 201,
    body: 'created',
    answer: (reply) => reply.code(201).header('X-Custom', 'kept').send('created'),
  },
  'a 2 MiB stream': {
    status: 200,
    body: BIG_CHUNK.repeat(32),
    answer: (reply) => reply.send(Readable.from(Array.from({ length: 32 }, () => BIG_CHUNK))),
  },
  'a returned WHATWG Response': { status: 200, body: 'web', answer: () => new Response('web') },
};

let harness: Harness | null = null;
let app: FastifyInstance | null = null;
afterEach(async () => {
  await app?.close();
  await harness?.close();
  app = null;
  harness = null;
});

async function start(build: (app: FastifyInstance, latchkey: Latchkey) => void): Promise<{
  app: FastifyInstance;
  store: WatchedStore;
}> {
  let store: WatchedStore | null = null;
  harness = await createHarness({
    wrapStore: (inner) => {
      store = new WatchedStore(inner);
      return store;
    },
  });
  const watched = store as unknown as WatchedStore;
  app = Fastify();
  app.addHook('onRequest', async (_request, reply) => watched.track(reply.raw));
  await app.register(latchkeyFastify, { latchkey: harness.latchkey });
  app.setErrorHandler(latchkeyErrorHandler(harness.latchkey));
  build(app, harness.latchkey);
  await app.ready();
  return { app, store: watched };
}

describe('Fastify: the session is saved before the first byte, however the handler answers', () => {
  for (const [way, { status, body, answer }] of Object.entries(WAYS)) {
    test(`${way}: saved while nothing was sent, then sent with the cookie`, async () => {
      const { app, store } = await start((a) => {
        a.get('/way/', async (request, reply) => {
          await request.latchkey.session.set('way', way);
          return answer(reply);
        });
      });
      const response = await app.inject({ url: '/way/', headers: { host: 'localhost' } });
      expect(response.statusCode).toBe(status);
      expect(response.body).toBe(body);
      expect(String(response.headers['set-cookie'])).toMatch(/^sessionid=[a-z0-9]{32};/);
      expect(store.writes()).toEqual([{ op: 'create', headersSent: false }]);
      if (status === 201) expect(response.headers['x-custom']).toBe('kept');
    });
  }
});

describe('Fastify: the plugin', () => {
  test('a thrown error after a session write is a 500 that saves nothing', async () => {
    const { app, store } = await start((a) => {
      a.get('/boom/', async (request) => {
        await request.latchkey.session.set('doomed', true);
        throw new Error('boom');
      });
    });
    const response = await app.inject({ url: '/boom/', headers: { host: 'localhost' } });
    expect(response.statusCode).toBe(500);
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(store.writes()).toEqual([]);
  });

  test('a route that never touches request.latchkey is sent untouched and costs no store call', async () => {
    const { app, store } = await start((a) => {
      a.get('/static/', async () => 'static');
    });
    const response = await app.inject({
      url: '/static/',
      headers: { host: 'localhost', cookie: `sessionid=${'a'.repeat(32)}` },
    });
    expect(response.body).toBe('static');
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(response.headers.vary).toBeUndefined();
    expect(store.calls).toEqual([]);
  });

  test('csrfExempt routes take unsafe methods without a token; the others still refuse them', async () => {
    harness = await createHarness();
    app = Fastify();
    await app.register(latchkeyFastify, {
      latchkey: harness.latchkey,
      csrfExempt: (request) => request.url.pathname === '/hooks/',
    });
    app.post('/hooks/', async () => 'accepted');
    app.post('/other/', async () => 'accepted');
    const post = (url: string) =>
      app?.inject({ method: 'POST', url, headers: { host: 'localhost' }, payload: { a: 1 } });
    expect((await post('/hooks/'))?.statusCode).toBe(200);
    expect((await post('/other/'))?.statusCode).toBe(403);
  });

  test('options are checked at registration, with messages that say what to fix', async () => {
    harness = await createHarness();
    const register = async (setup: (a: FastifyInstance) => Promise<void>): Promise<string> => {
      const a = Fastify();
      try {
        await setup(a);
        await a.ready();
        return 'registered';
      } catch (error) {
        return (error as Error).message;
      } finally {
        await a.close();
      }
    };
    const latchkey = harness.latchkey;
    expect(
      await register(async (a) => {
        await a.register(latchkeyFastify, {} as never);
      }),
    ).toMatch(/option "latchkey" must be the instance returned by createLatchkey\(\)/);
    expect(
      await register(async (a) => {
        await a.register(latchkeyFastify, { latchkey, csrfExempt: '/hooks/' as never });
      }),
    ).toMatch(/option "csrfExempt" must be a function, got string/);
    expect(
      await register(async (a) => {
        await a.register(formbody);
        await a.register(latchkeyFastify, { latchkey });
      }),
    ).toMatch(/application\/x-www-form-urlencoded is already registered \(@fastify\/formbody\?\)/);
    expect(
      await register(async (a) => {
        await a.register(latchkeyFastify, { latchkey });
      }),
    ).toBe('registered');
  });
});
