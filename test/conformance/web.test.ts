import { afterEach, describe, expect, test } from 'vitest';
import { latchkeyWeb } from '../../src/adapters/web.js';
import { Browser } from '../support/browser.js';
import { createWebFixture } from './apps/web.js';
import { createHarness, type Harness } from './harness.js';
import { conformanceSuite } from './suite.js';

conformanceSuite('web (latchkey/web on node:http)', () => createWebFixture());

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('latchkey/web in-process', () => {
  test('the handler still reads the body Latchkey read for the CSRF token (form, multipart)', async () => {
    harness = await createHarness();
    const handle = latchkeyWeb(harness.latchkey, async (request, ctx) => {
      if (request.method === 'GET') return new Response(ctx.csrf.getToken());
      const own = (await request.formData()).get('item');
      return Response.json({ own, latchkey: (await ctx.request.form())?.get('item') });
    });
    const b = new Browser((request) => handle(request, undefined), { origin: 'http://localhost' });
    const token = await (await b.get('/form/')).text();
    const form = await b.post('/form/', { form: { csrfmiddlewaretoken: token, item: 'tea' } });
    expect(await form.json()).toEqual({ own: 'tea', latchkey: 'tea' });
    const multipart = new FormData();
    multipart.set('csrfmiddlewaretoken', token);
    multipart.set('item', 'cake');
    const parts = await b.post('/form/', { multipart });
    expect(await parts.json()).toEqual({ own: 'cake', latchkey: 'cake' });
  });

  test('clientIp reads the runtime’s second argument; without it the address is null', async () => {
    harness = await createHarness();
    const answer = (_request: Request, ctx: { request: { clientIp: string | null } }): Response =>
      new Response(String(ctx.request.clientIp));
    const withIp = latchkeyWeb(harness.latchkey, answer, {
      clientIp: (request, server: { requestIP(r: Request): { address: string } | null }) =>
        server.requestIP(request)?.address ?? null,
    });
    const server = { requestIP: () => ({ address: '203.0.113.7' }) };
    const request = (): Request => new Request('http://localhost/');
    expect(await (await withIp(request(), server)).text()).toBe('203.0.113.7');
    const without = latchkeyWeb(harness.latchkey, answer);
    expect(await (await without(request(), undefined)).text()).toBe('null');
  });

  test('an unexpected error rejects (the runtime’s 500); a known one gets its status', async () => {
    harness = await createHarness();
    const handle = latchkeyWeb(harness.latchkey, async (request, ctx) => {
      await ctx.session.set('doomed', true);
      if (request.url.endsWith('/json/')) await ctx.request.json();
      throw new Error('boom');
    });
    await expect(handle(new Request('http://localhost/'), undefined)).rejects.toThrow('boom');
    expect((await handle(new Request('http://localhost/json/'), undefined)).status).toBe(400);
  });

  test('a handler that never touches the context gets its response back untouched', async () => {
    harness = await createHarness();
    const handle = latchkeyWeb(harness.latchkey, () => new Response('static'));
    const response = await handle(
      new Request('http://localhost/static/', { headers: { cookie: `sessionid=${'a'.repeat(32)}` } }),
      undefined,
    );
    expect(await response.text()).toBe('static');
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(response.headers.get('vary')).toBeNull();
  });
});
