import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { type CommitHooks, holdUntilCommitted, responseStarted } from './node-commit.js';

let server: Server | null = null;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
  server = null;
});

async function serve(hooks: CommitHooks, handler: (res: ServerResponse) => void): Promise<Response> {
  server = createServer((_req, res) => {
    holdUntilCommitted(res, hooks);
    handler(res);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
}

describe('holdUntilCommitted', () => {
  test('nothing is sent before the commit resolves; then the output goes with the committed headers', async () => {
    const seen: boolean[] = [];
    let target: ServerResponse | null = null;
    const response = await serve(
      {
        needed: () => true,
        async commit(head) {
          seen.push(target?.headersSent ?? true, responseStarted(target as ServerResponse));
          const headers = new Headers(head.headers);
          headers.append('set-cookie', 'a=1');
          headers.append('set-cookie', 'b=2');
          return new Response(null, { status: head.status, headers });
        },
      },
      (res) => {
        target = res;
        res.setHeader('x-before', 'yes');
        res.write('a');
        res.write('b');
        res.end('c');
      },
    );
    expect(seen).toEqual([false, true]);
    expect(await response.text()).toBe('abc');
    expect(response.headers.get('x-before')).toBe('yes');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
  });

  test('writeHead’s headers, in each of Node’s forms, reach the client; the commit reads Vary and Cache-Control and adds to them', async () => {
    const heads: string[] = [];
    const response = await serve(
      {
        needed: () => true,
        async commit(head) {
          heads.push([...head.headers].map(([name, value]) => `${name}=${value}`).join('&'));
          const headers = new Headers(head.headers);
          headers.set('vary', 'Accept, Cookie');
          headers.append('set-cookie', 'd=3');
          return new Response(null, { status: head.status, headers });
        },
      },
      (res) => {
        res
          .writeHead(202, 'Accepted Later', [
            'x-a',
            '1',
            'vary',
            'Accept',
            'cache-control',
            'no-store',
            'set-cookie',
            'c=1',
            'set-cookie',
            'c=2',
          ])
          .end('done');
      },
    );
    expect(response.status).toBe(202);
    expect(response.statusText).toBe('Accepted Later');
    // Only what the commit reads: not a copy of every header, which it would ignore.
    expect(heads).toEqual(['cache-control=no-store&vary=Accept']);
    expect(response.headers.getSetCookie()).toEqual(['c=1', 'c=2', 'd=3']);
    expect(response.headers.get('x-a')).toBe('1');
    expect(response.headers.get('vary')).toBe('Accept, Cookie');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  test('a replacement is sent instead; later writes are dropped but their callbacks still run', async () => {
    const callbacks: string[] = [];
    let release = (): void => undefined;
    const replaced = new Promise<void>((resolve) => {
      release = resolve;
    });
    const response = await serve(
      {
        needed: () => true,
        commit: async () => {
          setImmediate(release);
          return new Response('session interrupted', { status: 400, headers: { 'x-replaced': 'yes' } });
        },
      },
      (res) => {
        res.setHeader('x-handler', 'dropped');
        res.write('handler output');
        replaced.then(() => {
          res.write('more', () => callbacks.push('write'));
          res.end(() => callbacks.push('end'));
        });
      },
    );
    expect(response.status).toBe(400);
    expect(await response.text()).toBe('session interrupted');
    expect(response.headers.get('x-replaced')).toBe('yes');
    expect(response.headers.get('x-handler')).toBeNull();
    await new Promise((resolve) => setImmediate(resolve));
    expect(callbacks).toEqual(['write', 'end']);
  });

  test('with nothing to commit, the first write goes out at once', async () => {
    const sentAtOnce: boolean[] = [];
    const response = await serve(
      { needed: () => false, commit: () => Promise.reject(new Error('unused')) },
      (res) => {
        res.write('now');
        sentAtOnce.push(res.headersSent);
        res.end();
      },
    );
    expect(await response.text()).toBe('now');
    expect(sentAtOnce).toEqual([true]);
  });
});
