import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import express, { type Express } from 'express';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import {
  latchkeyErrorHandler,
  latchkeyExpress,
  latchkeyView,
  sendResponse,
} from '../../src/adapters/express.js';
import { BadRequestError } from '../../src/http/request.js';
import { apiLoginView } from '../../src/views/api.js';
import { loginView } from '../../src/views/login.js';
import { Browser, csrfFieldOf } from '../support/browser.js';
import { createExpressFixture, listen } from './apps/express.js';
import { viewOptions } from './apps/pages.js';
import { createHarness, type Harness } from './harness.js';
import { conformanceSuite } from './suite.js';
import { WatchedStore } from './watched-store.js';

conformanceSuite('express', () => createExpressFixture());

const BIG_CHUNK = 'x'.repeat(64 * 1024);
const FILE = join(tmpdir(), `latchkey-sendfile-${process.pid}.txt`);
writeFileSync(FILE, 'from a file');
afterAll(() => rmSync(FILE, { force: true }));

/** Every way an Express handler commonly answers; each writes the session first. */
const WAYS: Record<string, { status: number; body: string; answer: (res: express.Response) => unknown }> = {
  'res.send': { status: 200, body: 'sent', answer: (res) => res.send('sent') },
  'res.json': { status: 200, body: '{"ok":true}', answer: (res) => res.json({ ok: true }) },
  'res.redirect': {
    status: 302,
    body: 'Found. Redirecting to /elsewhere/',
    answer: (res) => res.redirect('/elsewhere/'),
  },
  'res.end': { status: 200, body: 'ended', answer: (res) => res.end('ended') },
  'res.write then res.end': {
    status: 200,
    body: 'abc',
    answer: (res) => {
      res.write('a');
      res.write('b');
      res.end('c');
    },
  },
  'res.writeHead with headers': {
    status: 201,
    body: 'created',
    answer: (res) => res.writeHead(201, { 'X-Custom': 'kept' }).end('created'),
  },
  'res.flushHeaders': {
    status: 200,
    body: 'flushed',
    answer: (res) => {
      res.flushHeaders();
      res.end('flushed');
    },
  },
  'a 2 MiB stream piped into res': {
    status: 200,
    body: BIG_CHUNK.repeat(32),
    answer: (res) => Readable.from(Array.from({ length: 32 }, () => BIG_CHUNK)).pipe(res),
  },
  sendResponse: { status: 200, body: 'web', answer: (res) => sendResponse(res, new Response('web')) },
  'res.sendFile': { status: 200, body: 'from a file', answer: (res) => res.sendFile(FILE) },
};

let harness: Harness | null = null;
let server: { close(): void; closeAllConnections(): void } | null = null;
afterEach(async () => {
  server?.closeAllConnections();
  server?.close();
  await harness?.close();
  harness = null;
  server = null;
});

async function start(build: (app: Express, h: Harness, store: WatchedStore) => void): Promise<{
  origin: string;
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
  const app = express();
  app.use((_req, res, next) => {
    watched.track(res);
    next();
  });
  build(app, harness, watched);
  const running = await listen(app);
  server = running.server;
  return { origin: running.origin, store: watched };
}

describe('Express: the session is saved before the first byte, however the handler answers', () => {
  for (const [way, { status, body, answer }] of Object.entries(WAYS)) {
    test(`${way}: saved while nothing was sent, then sent with the cookie`, async () => {
      const { origin, store } = await start((app, h) => {
        app.use(latchkeyExpress(h.latchkey));
        app.get('/way/', async (req, res) => {
          await req.latchkey.session.set('way', way);
          answer(res);
        });
      });
      const response = await fetch(new URL('/way/', origin), { redirect: 'manual' });
      expect(response.status).toBe(status);
      expect(await response.text()).toBe(body);
      const cookie = response.headers.getSetCookie().find((c) => c.startsWith('sessionid='));
      expect(cookie).toMatch(/^sessionid=[a-z0-9]{32};/);
      expect(store.writes()).toEqual([{ op: 'create', headersSent: false }]);
      if (way === 'res.writeHead with headers') expect(response.headers.get('x-custom')).toBe('kept');
    });
  }
});

describe('Express: errors', () => {
  test('next(err) after a session write: Express’s own 500, nothing saved, no cookie', async () => {
    const { origin, store } = await start((app, h) => {
      app.use(latchkeyExpress(h.latchkey));
      app.get('/boom/', (req, _res, next) => {
        req.latchkey.session.set('doomed', true).then(() => next(new Error('boom')), next);
      });
      app.use(latchkeyErrorHandler(h.latchkey));
    });
    const response = await fetch(new URL('/boom/', origin));
    expect(response.status).toBe(500);
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(store.writes()).toEqual([]);
  });

  test('next(BadRequestError) is mapped by latchkeyErrorHandler, as JSON for API paths', async () => {
    const { origin } = await start((app, h) => {
      app.use(latchkeyExpress(h.latchkey));
      app.get('/api/big/', (_req, _res, next) => next(new BadRequestError(413, 'Request body too large')));
      app.use(latchkeyErrorHandler(h.latchkey));
    });
    const response = await fetch(new URL('/api/big/', origin));
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: 'Request body too large' });
  });

  test('a route that never touches req.latchkey is sent untouched and costs no store call', async () => {
    const { origin, store } = await start((app, h) => {
      app.use(latchkeyExpress(h.latchkey));
      app.get('/static/', (_req, res) => res.send('static'));
    });
    const response = await fetch(new URL('/static/', origin), {
      headers: { cookie: `sessionid=${'a'.repeat(32)}` },
    });
    expect(await response.text()).toBe('static');
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(response.headers.get('vary')).toBeNull();
    expect(store.calls).toEqual([]);
  });
});

describe('Express: body parsers installed before Latchkey', () => {
  async function startWithParsers(): Promise<string> {
    const { origin } = await start((app, h) => {
      app.use(express.urlencoded({ extended: false }), express.json({ limit: '1kb' }));
      app.use(latchkeyExpress(h.latchkey));
      const views = viewOptions();
      app.all(
        '/accounts/login/',
        latchkeyView((ctx) => loginView(ctx, views.login)),
      );
      app.all(
        '/api/login/',
        latchkeyView((ctx) => apiLoginView(ctx, views.api)),
      );
      app.use(latchkeyErrorHandler(h.latchkey));
    });
    await harness?.createUser('alice', 'correct horse battery');
    return origin;
  }

  test('the CSRF token and the login form are read from req.body', async () => {
    const b = new Browser((request) => fetch(request, { redirect: 'manual' }), {
      origin: await startWithParsers(),
    });
    expect((await b.login('alice', 'correct horse battery')).status).toBe(302);
    expect(b.cookie('sessionid')).toMatch(/^[a-z0-9]{32}$/);
  });

  test('the JSON API reads the body express.json() parsed; its 413 becomes a JSON error', async () => {
    const b = new Browser((request) => fetch(request, { redirect: 'manual' }), {
      origin: await startWithParsers(),
    });
    const csrf = csrfFieldOf(await (await b.get('/accounts/login/')).text()) as string;
    const login = await b.post('/api/login/', {
      json: { username: 'alice', password: 'correct horse battery' },
      headers: { 'x-csrftoken': csrf },
    });
    expect(login.status).toBe(200);
    const big = await b.post('/api/login/', {
      json: { username: 'alice', password: 'x'.repeat(2048) },
      headers: { 'x-csrftoken': csrf },
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toEqual({ error: expect.any(String) });
  });
});
