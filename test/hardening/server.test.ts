/**
 * The real `app/server.ts` in a child process: it refuses production over plain HTTP, serves
 * HTTPS with HSTS from TLS_CERT_FILE/TLS_KEY_FILE, and believes X-Forwarded-For and
 * X-Forwarded-Proto only from TRUSTED_PROXIES.
 */
import { spawn } from 'node:child_process';
import { request as httpsRequest } from 'node:https';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Certificate, hasOpenssl, selfSignedCertificate } from '../browser/support/certificate.js';
import { REPO_ROOT, type ReferenceApp, startReferenceApp } from '../browser/support/reference-app.js';
import { TEST_SECRET } from '../support/app.js';
import { Browser } from '../support/browser.js';
import { freePort } from '../support/ports.js';

/** Runs the server until it exits (it should, at once); its status and everything it wrote. */
function runToExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'app/server.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** GET over HTTPS, trusting `certPem`: status and headers. */
function httpsGet(
  port: number,
  path: string,
  certPem: string,
): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        ca: certPem,
        servername: 'localhost',
        headers: { host: `localhost:${port}` },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** A browser talking to a real server over the network, every request carrying `headers`. */
function networkBrowser(port: number, headers: () => Record<string, string>): Browser {
  return new Browser(
    (request) => {
      const merged = new Headers(request.headers);
      for (const [name, value] of Object.entries(headers())) merged.set(name, value);
      return fetch(new Request(request, { headers: merged, redirect: 'manual' }));
    },
    { origin: `http://127.0.0.1:${port}` },
  );
}

describe('app/server.ts', () => {
  test('production over plain HTTP without ALLOW_INSECURE_HTTP: refuses to start, with one clear line', async () => {
    const port = await freePort();
    const { code, output } = await runToExit({
      PORT: String(port),
      SECRET_KEY: TEST_SECRET,
      LATCHKEY_PROFILE: 'production',
      DATABASE_URL: 'sqlite::memory:',
    });
    expect(code).toBe(1);
    expect(output.trim()).toBe(
      'latchkey: LATCHKEY_PROFILE: production refuses to serve plain HTTP: set TLS_CERT_FILE and TLS_KEY_FILE, or ALLOW_INSECURE_HTTP=true when a TLS-terminating proxy forwards to this app',
    );
  });

  describe('HTTPS from TLS_CERT_FILE and TLS_KEY_FILE', () => {
    let cert: Certificate | null = null;
    let app: ReferenceApp | null = null;
    beforeAll(async () => {
      if (!hasOpenssl()) return;
      cert = await selfSignedCertificate();
      app = await startReferenceApp({
        env: { LATCHKEY_PROFILE: 'production', TLS_CERT_FILE: cert.certFile, TLS_KEY_FILE: cert.keyFile },
      });
    });
    afterAll(async () => {
      await app?.stop();
      await cert?.remove();
    });

    test('serves HTTPS with HSTS, the security headers and __Host- Secure cookies', async (context) => {
      if (app === null || cert === null) return context.skip('openssl is not installed');
      expect(app.output()).toContain(`listening on https://127.0.0.1:${app.port}/`);
      const page = await httpsGet(app.port, '/accounts/login/', cert.certPem);
      expect(page.status).toBe(200);
      expect(page.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      expect(page.headers['x-frame-options']).toBe('DENY');
      const cookies = page.headers['set-cookie'] as string[];
      expect(cookies.find((c) => c.startsWith('__Host-csrftoken='))).toMatch(
        /; Path=\/; Secure; SameSite=Lax$/,
      );
      // Plain HTTP on the same port gets no page.
      await expect(fetch(`http://127.0.0.1:${app.port}/`)).rejects.toThrow();
    });
  });

  describe('behind a trusted proxy', () => {
    let proxied: ReferenceApp;
    let direct: ReferenceApp;
    beforeAll(async () => {
      const env = { LATCHKEY_PROFILE: 'production', ALLOW_INSECURE_HTTP: 'true' };
      [proxied, direct] = await Promise.all([
        startReferenceApp({ env: { ...env, TRUSTED_PROXIES: '127.0.0.1/32, ::1' } }),
        startReferenceApp({ env }),
      ]);
      await Promise.all([
        proxied.createUser('alice', 'correct horse battery'),
        direct.createUser('alice', 'correct horse battery'),
      ]);
    });
    afterAll(async () => {
      await Promise.all([proxied?.stop(), direct?.stop()]);
    });

    /** Five failed logins as `ip`, then a sixth; the sixth's status. */
    async function sixthAttempt(
      app: ReferenceApp,
      ips: readonly [string, string],
    ): Promise<[number, number]> {
      const origin = `https://127.0.0.1:${app.port}`;
      let ip = ips[0];
      const browser = networkBrowser(app.port, () => ({
        'x-forwarded-for': ip,
        'x-forwarded-proto': 'https',
        origin,
      }));
      for (let i = 0; i < 5; i++) expect((await browser.login('alice', `wrong ${i}`)).status).toBe(200);
      const same = (await browser.login('alice', 'wrong again')).status;
      ip = ips[1];
      const other = (await browser.login('alice', 'wrong again')).status;
      return [same, other];
    }

    test('X-Forwarded-For from a trusted proxy is the client: another client is not throttled', async () => {
      expect(await sixthAttempt(proxied, ['198.51.100.7', '203.0.113.9'])).toEqual([429, 200]);
    });

    test('from anyone else X-Forwarded-For is ignored: one socket, one client', async () => {
      const origin = `http://127.0.0.1:${direct.port}`;
      let ip = '198.51.100.7';
      const browser = networkBrowser(direct.port, () => ({ 'x-forwarded-for': ip, origin }));
      for (let i = 0; i < 5; i++) expect((await browser.login('alice', `wrong ${i}`)).status).toBe(200);
      ip = '203.0.113.9';
      expect((await browser.login('alice', 'wrong again')).status).toBe(429);
    });

    test('X-Forwarded-Proto: https from the proxy makes the request HTTPS: HSTS, and the https Origin passes CSRF', async () => {
      const origin = `https://127.0.0.1:${proxied.port}`;
      const viaProxy = networkBrowser(proxied.port, () => ({ 'x-forwarded-proto': 'https', origin }));
      const page = await viaProxy.get('/accounts/login/');
      expect(page.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
      expect((await viaProxy.login('alice', 'correct horse battery')).status).toBe(302);
      const spoofed = networkBrowser(direct.port, () => ({
        'x-forwarded-proto': 'https',
        origin: `https://127.0.0.1:${direct.port}`,
      }));
      const plain = await spoofed.get('/accounts/login/');
      expect(plain.headers.get('strict-transport-security')).toBeNull();
      expect((await spoofed.login('alice', 'correct horse battery')).status).toBe(403);
    });
  });
});
