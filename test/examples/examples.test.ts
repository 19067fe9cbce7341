/**
 * The README's Express and Fastify examples, run as a reader runs them (`node --import tsx
 * examples/<framework>/server.ts`, a real SQLite file, a real socket): log in, see the private page,
 * log out with the form's CSRF token, and the copied cookie is dead.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningProcess, startProcess } from '../../bench/lib/processes.js';
import { Browser, csrfFieldOf } from '../support/browser.js';
import { freePort } from '../support/ports.js';

const PASSWORD = 'example test password 1';

for (const framework of ['express', 'fastify']) {
  describe(`examples/${framework}`, () => {
    let example: RunningProcess | undefined;
    let origin = '';
    let dir = '';
    const browser = (jar?: Browser['cookies']): Browser =>
      new Browser((request) => fetch(request), { origin, ...(jar === undefined ? {} : { jar }) });

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), `latchkey-example-${framework}-`));
      const port = await freePort();
      origin = `http://127.0.0.1:${port}`;
      example = await startProcess(process.execPath, ['--import', 'tsx', `examples/${framework}/server.ts`], {
        env: {
          ...process.env,
          PORT: String(port),
          DATABASE_FILE: join(dir, `${framework}.sqlite3`),
          DEMO_PASSWORD: PASSWORD,
          NODE_ENV: 'development',
        },
        readyLine: new RegExp(`example on ${origin}/`),
        label: `examples/${framework}`,
      });
    }, 60_000);

    afterAll(async () => {
      await example?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    test('login, private page, POST logout with CSRF, copied cookie refused', async () => {
      const user = browser();
      const anonymous = await user.get('/dashboard/');
      expect(anonymous.status).toBe(302);
      expect(anonymous.headers.get('location')).toBe('/accounts/login/?next=/dashboard/');

      const wrong = await user.login('alice', 'not the password');
      expect(wrong.status).toBe(200);
      expect(await wrong.text()).toContain('role="alert"');

      const login = await user.login('alice', PASSWORD);
      expect(login.status).toBe(302);
      expect(login.headers.get('location')).toBe('/dashboard/');

      const dashboard = await user.get('/dashboard/');
      expect(dashboard.status).toBe(200);
      expect(dashboard.headers.get('cache-control')).toContain('no-store');
      const page = await dashboard.text();
      expect(page).toContain('Only alice sees this.');
      const logoutToken = csrfFieldOf(page);
      const copy = browser(new Map(user.cookies));

      // GET never logs out; a POST without the token is refused.
      expect((await user.get('/accounts/logout/')).status).toBe(200);
      expect((await user.get('/dashboard/')).status).toBe(200);
      expect((await user.post('/accounts/logout/', { form: {} })).status).toBe(403);
      expect((await user.get('/dashboard/')).status).toBe(200);

      const logout = await user.post('/accounts/logout/', {
        form: { csrfmiddlewaretoken: logoutToken ?? '' },
      });
      expect(logout.status).toBe(302);
      expect(logout.headers.get('location')).toBe('/');
      expect(user.cookie('sessionid')).toBeNull();
      const home = await (await user.get('/')).text();
      expect(home).toContain('Log in');
      expect(home).toMatch(/<p><em>[^<]+<\/em><\/p>/); // the logout message, once
      expect(await (await user.get('/')).text()).not.toContain('<em>');

      const replay = await copy.get('/dashboard/');
      expect(replay.status).toBe(302);
      expect(replay.headers.get('location')).toBe('/accounts/login/?next=/dashboard/');
    }, 30_000);
  });
}
