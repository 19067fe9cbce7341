/**
 * The README's Express and Fastify examples, run as a reader runs them (`node --import tsx
 * examples/<framework>/server.ts`, a real SQLite file, a real socket): log in, see the private page,
 * log out with the form's CSRF token, and the copied cookie is dead.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CookieJar, hiddenField } from '../../bench/lib/cookie-jar.js';
import { freePort } from '../support/ports.js';

const PASSWORD = 'example test password 1';

/** Starts an example and resolves once it prints its address; rejects with its output if it exits. */
function start(framework: string, port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', `examples/${framework}/server.ts`], {
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_FILE: join(dir, `${framework}.sqlite3`),
      DEMO_PASSWORD: PASSWORD,
      NODE_ENV: 'development',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes(`example on http://127.0.0.1:${port}/`)) resolve(child);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${framework} example exited (${code}):\n${output}`)));
  });
}

for (const framework of ['express', 'fastify']) {
  describe(`examples/${framework}`, () => {
    let child: ChildProcess | undefined;
    let base = '';
    let dir = '';

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), `latchkey-example-${framework}-`));
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      child = await start(framework, port, dir);
    }, 60_000);

    afterAll(() => {
      child?.kill();
      rmSync(dir, { recursive: true, force: true });
    });

    async function get(jar: CookieJar, path: string): Promise<Response> {
      const response = await fetch(base + path, { headers: { cookie: jar.header() }, redirect: 'manual' });
      jar.update(response.headers.getSetCookie());
      return response;
    }

    async function post(jar: CookieJar, path: string, fields: Record<string, string>): Promise<Response> {
      const response = await fetch(base + path, {
        method: 'POST',
        headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
        redirect: 'manual',
      });
      jar.update(response.headers.getSetCookie());
      return response;
    }

    test('login, private page, POST logout with CSRF, copied cookie refused', async () => {
      const jar = new CookieJar();
      const anonymous = await get(jar, '/dashboard/');
      expect(anonymous.status).toBe(302);
      expect(anonymous.headers.get('location')).toBe('/accounts/login/?next=/dashboard/');

      const form = await get(jar, '/accounts/login/');
      const loginToken = hiddenField(await form.text(), 'csrfmiddlewaretoken');
      expect(loginToken).not.toBeNull();

      const wrong = await post(jar, '/accounts/login/', {
        csrfmiddlewaretoken: loginToken ?? '',
        username: 'alice',
        password: 'not the password',
      });
      expect(wrong.status).toBe(200);
      expect(await wrong.text()).toContain('role="alert"');

      const login = await post(jar, '/accounts/login/', {
        csrfmiddlewaretoken: loginToken ?? '',
        username: 'alice',
        password: PASSWORD,
      });
      expect(login.status).toBe(302);
      expect(login.headers.get('location')).toBe('/dashboard/');

      const dashboard = await get(jar, '/dashboard/');
      expect(dashboard.status).toBe(200);
      expect(dashboard.headers.get('cache-control')).toContain('no-store');
      const page = await dashboard.text();
      expect(page).toContain('Only alice sees this.');
      const logoutToken = hiddenField(page, 'csrfmiddlewaretoken');
      const copy = jar.clone();

      // GET never logs out; a POST without the token is refused.
      expect((await get(jar, '/accounts/logout/')).status).toBe(200);
      expect((await get(jar, '/dashboard/')).status).toBe(200);
      expect((await post(jar, '/accounts/logout/', {})).status).toBe(403);
      expect((await get(jar, '/dashboard/')).status).toBe(200);

      const logout = await post(jar, '/accounts/logout/', { csrfmiddlewaretoken: logoutToken ?? '' });
      expect(logout.status).toBe(302);
      expect(logout.headers.get('location')).toBe('/');
      expect(jar.get('sessionid')).toBeUndefined();
      const home = await (await get(jar, '/')).text();
      expect(home).toContain('Log in');
      expect(home).toMatch(/<p><em>[^<]+<\/em><\/p>/); // the logout message, once
      expect(await (await get(jar, '/')).text()).not.toContain('<em>');

      const replay = await get(copy, '/dashboard/');
      expect(replay.status).toBe(302);
      expect(replay.headers.get('location')).toBe('/accounts/login/?next=/dashboard/');
    }, 30_000);
  });
}
