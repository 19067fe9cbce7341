import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, test } from 'vitest';
import { parseWrkOutput, runWrk, wrkPath } from './wrk.js';
import { cycleScript, formWithToken, singleRequestScript } from './wrk-scripts.js';

const wrk = wrkPath();
if (wrk === null && process.env.CI) throw new Error('wrk is required under CI (apt-get install wrk)');
if (wrk === null) console.warn('SKIPPED: the wrk tests (wrk is not installed: apt-get install wrk)');

describe('parseWrkOutput', () => {
  test("reads the script line and the CPU of the shell's children", () => {
    const out =
      'Running 2s test\nWRK_JSON {"requests":1000,"durationUs":2000000,"errors":1,"p50Us":1500,"p99Us":9000,"statuses":{"200":1000}}\n0m0.001s 0m0.002s\n0m0.300s 0m0.100s\n';
    expect(parseWrkOutput(out)).toEqual({
      requests: 1000,
      seconds: 2,
      errors: 1,
      p50Ms: 1.5,
      p99Ms: 9,
      statuses: { '200': 1000 },
      generatorCpu: 0.2,
    });
    expect(parseWrkOutput('no result')).toBeNull();
  });

  test('a form with a token placeholder keeps the braces for the script to fill', () => {
    expect(formWithToken('csrfmiddlewaretoken', { username: 'a b' })).toBe(
      'csrfmiddlewaretoken={token}&username=a+b',
    );
  });
});

// A tiny login/logout server: the page sets a CSRF cookie and shows its token; login needs both and
// sets two cookies (the session last); logout needs the session and the token.
const seen: string[] = [];
const servers: Server[] = [];
afterAll(() => {
  for (const s of servers) s.close();
});

async function origin(): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      const cookie = req.headers.cookie ?? '';
      if (req.method === 'GET' && req.url === '/login') {
        res.setHeader('Set-Cookie', 'csrf=S1; Path=/');
        res.end('<input name="tok" value="T1">');
      } else if (req.url === '/login') {
        const ok = cookie.includes('csrf=S1') && body.startsWith('tok=T1&');
        res.statusCode = ok ? 302 : 403;
        if (ok) res.setHeader('Set-Cookie', ['csrf=S2; Path=/', 'sid=K1; Path=/']);
        res.end();
      } else {
        const ok = cookie.includes('sid=K1') && cookie.includes('csrf=S1') && body === 'tok=T1';
        seen.push(ok ? 'logout ok' : `logout refused: ${cookie} ${body}`);
        res.statusCode = ok ? 302 : 403;
        res.end();
      }
    });
  }).listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe.skipIf(wrk === null)('wrk scripts against a real server', () => {
  test('the cycle carries the cookie and token from one step to the next; statuses are counted', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const script = cycleScript([
      { method: 'GET', path: '/login', freshJar: true, keepCookie: true, captureField: 'tok' },
      {
        method: 'POST',
        path: '/login',
        headers: form,
        body: formWithToken('tok', { u: 'x' }),
        sendCookies: true,
        keepCookie: true,
      },
      { method: 'POST', path: '/logout', headers: form, body: formWithToken('tok'), sendCookies: true },
    ]);
    const result = await runWrk({ origin: await origin(), script, threads: 2, connections: 2, seconds: 1 });
    // A loaded machine may serve few cycles in a second: two whole cycles prove the carry-over.
    expect(result.requests).toBeGreaterThanOrEqual(6);
    expect(Object.keys(result.statuses).sort()).toEqual(['200', '302']);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.filter((s) => s !== 'logout ok')).toEqual([]);
    expect(result.generatorCpu).toBeGreaterThan(0);
  });

  test('a fixed request carries its headers (Host included) and its statuses are counted', async () => {
    const script = singleRequestScript({
      method: 'POST',
      path: '/logout',
      headers: { cookie: 'sid=K1; csrf=S1' },
      body: 'tok=T1',
    });
    const result = await runWrk({ origin: await origin(), script, threads: 1, connections: 2, seconds: 1 });
    expect(result.statuses).toEqual({ '302': result.requests });
  });
});
