/**
 * Latchkey as a peer of a live Django project, proven over HTTP with real cookies: the tests'
 * Django project under gunicorn and the reference app (`DJANGO_DATABASE=true`) share one database
 * (SQLite, then PostgreSQL) and one cookie jar (both on 127.0.0.1, as two paths of one domain).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { openDatabase } from '../../src/db/connect.js';
import { REPO_ROOT, type ReferenceApp, startReferenceApp } from '../browser/support/reference-app.js';
import { Browser, csrfFieldOf } from '../support/browser.js';
import { createServerDatabase, describeOnDialect, type TestDialect } from '../support/databases.js';
import {
  createDjangoUser,
  type DjangoServer,
  migrateDjango,
  startDjango,
  whenDjangoRuns,
} from './support/django-server.js';

const PASSWORD = 'correct horse battery staple';

// Two servers, real hashing and a CLI process per command, on a 2-core machine shared with other
// suites: a step can take seconds, so each test gets a minute.
vi.setConfig({ testTimeout: 60_000 });

/** Runs `latchkey <args>` with the app's environment, as an operator would. */
function cli(
  env: Readonly<Record<string, string>>,
  args: readonly string[],
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
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
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

/**
 * `fetch`, retrying a GET once when it went out on a kept-alive socket the server had just closed
 * (Node's server drops idle sockets after 5 s; on a loaded machine the client can reuse one a moment
 * too late: "other side closed"). A GET changes nothing, so sending it again is safe.
 */
async function fetchOnce(request: Request): Promise<Response> {
  try {
    return await fetch(request.clone());
  } catch (error) {
    const code = (error as { cause?: { code?: unknown } }).cause?.code;
    if (request.method !== 'GET' || code !== 'UND_ERR_SOCKET') throw error;
    return fetch(request);
  }
}

function crossAppSuite(dialect: TestDialect): void {
  let dir: string;
  let dropDatabase: () => Promise<void> = async () => undefined;
  let env: Record<string, string>;
  let latchkey: ReferenceApp;
  let django: DjangoServer;
  let users = 0;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'latchkey-django-'));
    let url = `sqlite:${join(dir, 'shared.sqlite3')}`;
    if (dialect !== 'sqlite') ({ url, drop: dropDatabase } = await createServerDatabase(dialect));
    env = { DATABASE_URL: url, SECRET_KEY: `django-insecure-${randomBytes(24).toString('hex')}` };
    migrateDjango(env);
    latchkey = await startReferenceApp({
      env: { ...env, DJANGO_DATABASE: 'true', DJANGO_PBKDF2_ITERATIONS: '1000' },
    });
    django = await startDjango(env);
  }, 120_000);

  afterAll(async () => {
    await django?.stop();
    await latchkey?.stop();
    await dropDatabase();
    await rm(dir, { recursive: true, force: true });
  });

  /** A fresh user made by Django, so each test has its own sessions. */
  function newUser(): string {
    const name = `user${++users}`;
    createDjangoUser(env, name, PASSWORD);
    return name;
  }

  /** One browser: a tab on Latchkey and a tab on Django, sharing cookies as one domain does. */
  function browser(): { lk: Browser; dj: Browser } {
    const lk = new Browser(fetchOnce, { origin: `http://127.0.0.1:${latchkey.port}` });
    const dj = new Browser(fetchOnce, { origin: django.origin, jar: lk.cookies });
    return { lk, dj };
  }

  async function djangoUser(dj: Browser): Promise<string | null> {
    return ((await (await dj.get('/dj/whoami/')).json()) as { user: string | null }).user;
  }

  async function djangoLogin(dj: Browser, name: string, password = PASSWORD): Promise<void> {
    const response = await dj.submit('/dj/login/', '/dj/login/', { username: name, password });
    expect(response.status).toBe(302);
  }

  async function latchkeyLogin(lk: Browser, name: string, password = PASSWORD): Promise<void> {
    const response = await lk.login(name, password);
    expect(response.status).toBe(302);
  }

  /** Whether Latchkey's login-required page lets `cookie` in. */
  async function latchkeyAccepts(cookie: string): Promise<boolean> {
    const response = await fetchOnce(
      new Request(`http://127.0.0.1:${latchkey.port}/dashboard/`, {
        headers: { cookie: `sessionid=${cookie}` },
        redirect: 'manual',
      }),
    );
    return response.status === 200;
  }

  async function djangoAccepts(cookie: string): Promise<boolean> {
    const response = await fetchOnce(
      new Request(`${django.origin}/dj/whoami/`, { headers: { cookie: `sessionid=${cookie}` } }),
    );
    return ((await response.json()) as { user: string | null }).user !== null;
  }

  test('log in on Django: logged in on Latchkey, whose sessions page lists that session', async () => {
    const name = newUser();
    const { lk, dj } = browser();
    await djangoLogin(dj, name);
    const page = await lk.get('/dashboard/');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(name);
    const sessions = await lk.get('/accounts/sessions/');
    expect(sessions.status).toBe(200);
    expect(await sessions.text()).toMatch(/this session/i);
  });

  test('a pbkdf2_sha1 hash is upgraded at a Latchkey login to Django’s pbkdf2_sha256 and count, which Django takes as is', async () => {
    const name = `legacy${++users}`;
    createDjangoUser(env, name, PASSWORD, { hasher: 'pbkdf2_sha1' });
    const read = async (): Promise<string> => {
      const { db } = await openDatabase(env.DATABASE_URL as string);
      const result = await sql<{
        password: string;
      }>`select password from auth_user where username = ${name}`.execute(db);
      await db.destroy();
      return result.rows[0]?.password as string;
    };
    expect(await read()).toMatch(/^pbkdf2_sha1\$/);
    await latchkeyLogin(browser().lk, name);
    const upgraded = await read();
    expect(upgraded).toMatch(/^pbkdf2_sha256\$1000\$[A-Za-z0-9]{22}\$/);
    await djangoLogin(browser().dj, name);
    // Django found nothing to update: same algorithm, iterations and salt entropy.
    expect(await read()).toBe(upgraded);
  });

  test('log in on Latchkey: logged in on Django, with last_login recorded in auth_user', async () => {
    const name = newUser();
    const { lk, dj } = browser();
    await latchkeyLogin(lk, name);
    expect(await djangoUser(dj)).toBe(name);
    expect(await (await dj.get('/dj/private/')).text()).toContain(`Hello ${name}`);
    const { db } = await openDatabase(env.DATABASE_URL as string);
    const row = await sql<{
      last_login: unknown;
    }>`select last_login from auth_user where username = ${name}`.execute(db);
    await db.destroy();
    expect(row.rows[0]?.last_login).not.toBeNull();
  });

  test('logout on Latchkey: the same cookie is dead on both, and Django shows "You have been logged out."', async () => {
    const name = newUser();
    const { lk, dj } = browser();
    await djangoLogin(dj, name);
    const cookie = lk.cookie('sessionid') as string;
    expect(await latchkeyAccepts(cookie)).toBe(true);
    expect((await lk.logout()).status).toBe(302);
    expect(await latchkeyAccepts(cookie)).toBe(false);
    expect(await djangoAccepts(cookie)).toBe(false);
    const seen = (await (await dj.get('/dj/whoami/')).json()) as { user: null; messages: string[] };
    expect(seen.messages).toEqual(['You have been logged out.']);
  });

  test('logout on Django: the same cookie is dead on both, and Latchkey shows "You have been logged out."', async () => {
    const name = newUser();
    const { lk, dj } = browser();
    await latchkeyLogin(lk, name);
    const cookie = lk.cookie('sessionid') as string;
    expect(await djangoAccepts(cookie)).toBe(true);
    expect((await dj.submit('/dj/form/', '/dj/logout/', {})).status).toBe(302);
    expect(await djangoAccepts(cookie)).toBe(false);
    expect(await latchkeyAccepts(cookie)).toBe(false);
    const page = await lk.get('/accounts/login/');
    expect(await page.text()).toContain('You have been logged out.');
  });

  test('password change on Latchkey ends the Django sessions of the user; the changing one lives on both', async () => {
    const name = newUser();
    const laptop = browser();
    const phone = browser();
    await djangoLogin(phone.dj, name);
    await latchkeyLogin(laptop.lk, name);
    const changed = await laptop.lk.submit('/accounts/password_change/', '/accounts/password_change/', {
      old_password: PASSWORD,
      new_password1: 'a brand new passphrase 42',
      new_password2: 'a brand new passphrase 42',
    });
    expect(changed.status).toBe(302);
    expect(await djangoUser(phone.dj)).toBeNull();
    expect(await djangoUser(laptop.dj)).toBe(name);
    expect((await laptop.lk.get('/dashboard/')).status).toBe(200);
    // Django verifies the hash Latchkey wrote.
    const fresh = browser();
    await djangoLogin(fresh.dj, name, 'a brand new passphrase 42');
  });

  test('password change on Django ends the Latchkey sessions of the user', async () => {
    const name = newUser();
    const laptop = browser();
    const phone = browser();
    await latchkeyLogin(phone.lk, name);
    await djangoLogin(laptop.dj, name);
    const changed = await laptop.dj.submit('/dj/password_change/', '/dj/password_change/', {
      old_password: PASSWORD,
      new_password1: 'another brand new passphrase',
      new_password2: 'another brand new passphrase',
    });
    expect(changed.status).toBe(302);
    expect((await phone.lk.get('/dashboard/')).status).toBe(302);
    expect((await laptop.lk.get('/dashboard/')).status).toBe(200);
    await latchkeyLogin(browser().lk, name, 'another brand new passphrase');
  });

  test('"latchkey logout-all" ends the sessions made on Django; "latchkey sessions" lists them first', async () => {
    const name = newUser();
    const one = browser();
    const two = browser();
    await djangoLogin(one.dj, name);
    await djangoLogin(two.dj, name);
    await latchkeyLogin(browser().lk, name);
    const listed = await cli(latchkey.env, ['sessions', name]);
    expect(listed.code).toBe(0);
    expect(listed.output.trim().split('\n')).toHaveLength(4); // header + 3 sessions
    const ended = await cli(latchkey.env, ['logout-all', name]);
    expect(ended.output).toContain('Ended 3 sessions');
    expect(await djangoUser(one.dj)).toBeNull();
    expect(await djangoUser(two.dj)).toBeNull();
  }, 60_000);

  test('"latchkey changepassword" writes a hash Django verifies and ends Django’s sessions', async () => {
    const name = newUser();
    const { dj } = browser();
    await djangoLogin(dj, name);
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'changepassword', name, '--password-stdin'],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, ...latchkey.env },
      },
    );
    child.stdin.end('a password set from the CLI\n');
    expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(0);
    expect(await djangoUser(dj)).toBeNull();
    await djangoLogin(browser().dj, name, 'a password set from the CLI');
  }, 60_000);

  test('a session expired on one is expired on the other (one expire_date, read by both)', async () => {
    const name = newUser();
    const viaDjango = browser();
    const viaLatchkey = browser();
    await djangoLogin(viaDjango.dj, name);
    await latchkeyLogin(viaLatchkey.lk, name);
    const keys = [viaDjango.lk.cookie('sessionid') as string, viaLatchkey.lk.cookie('sessionid') as string];
    const { db } = await openDatabase(env.DATABASE_URL as string);
    // As if both sessions' time had run out: expire_date is what both apps compare with "now".
    const past =
      dialect === 'postgres'
        ? new Date(Date.now() - 1000)
        : new Date(Date.now() - 1000).toISOString().replace('T', ' ').replace('Z', '');
    await sql`update django_session set expire_date = ${past} where session_key in (${sql.join(keys)})`.execute(
      db,
    );
    await db.destroy();
    for (const key of keys) {
      expect(await djangoAccepts(key)).toBe(false);
      expect(await latchkeyAccepts(key)).toBe(false);
    }
  });

  test('a Django form’s CSRF token posts to Latchkey, and a Latchkey form’s token posts to Django', async () => {
    const { lk, dj } = browser();
    const djangoToken = csrfFieldOf(await (await dj.get('/dj/form/')).text()) as string;
    expect(djangoToken).toHaveLength(64);
    expect(
      (await lk.post('/cart/add/', { form: { item: 'apple', csrfmiddlewaretoken: djangoToken } })).status,
    ).toBe(302);
    const latchkeyToken = csrfFieldOf(await (await lk.get('/accounts/login/')).text()) as string;
    const posted = await dj.post('/dj/csrf-post/', { form: { csrfmiddlewaretoken: latchkeyToken } });
    expect(posted.status).toBe(200);
    const forged = await dj.post('/dj/csrf-post/', { form: { csrfmiddlewaretoken: 'x'.repeat(64) } });
    expect(forged.status).toBe(403);
  });

  test('an undecodable Django row (pickle, tampered) is an empty session and a security log line on Latchkey, never a 500', async () => {
    const key = randomBytes(16).toString('hex');
    const { db } = await openDatabase(env.DATABASE_URL as string);
    const future =
      dialect === 'postgres'
        ? new Date(Date.now() + 3_600_000)
        : new Date(Date.now() + 3_600_000).toISOString().replace('T', ' ').replace('Z', '');
    await sql`insert into django_session (session_key, session_data, expire_date) values (${key}, ${'gAN9cQBYAQAAAHhxAUsBcy4:1wShJQ:forged-signature'}, ${future})`.execute(
      db,
    );
    await db.destroy();
    const before = latchkey.output().split('security.session_corrupted').length;
    const page = await fetchOnce(
      new Request(`http://127.0.0.1:${latchkey.port}/cart/`, { headers: { cookie: `sessionid=${key}` } }),
    );
    expect(page.status).toBe(200);
    expect(latchkey.output().split('security.session_corrupted').length).toBe(before + 1);
    expect(await djangoAccepts(key)).toBe(false);
  });

  test('session data Latchkey writes (unicode, a cart) is read by Django without an error', async () => {
    const name = newUser();
    const { lk, dj } = browser();
    await latchkeyLogin(lk, name);
    const token = csrfFieldOf(await (await lk.get('/cart/')).text()) as string;
    expect(
      (await lk.post('/cart/add/', { form: { item: 'café ☃ 😀', csrfmiddlewaretoken: token } })).status,
    ).toBe(302);
    expect(await djangoUser(dj)).toBe(name);
    expect(django.output()).not.toMatch(/Traceback|Internal Server Error/);
  });
}

test('DJANGO_DATABASE=true on a database without Django’s tables stops start-up with one clear line', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'latchkey-django-empty-'));
  try {
    const started = startReferenceApp({
      env: { DATABASE_URL: `sqlite:${join(dir, 'empty.sqlite3')}`, DJANGO_DATABASE: 'true' },
    });
    await expect(started).rejects.toThrow(
      /latchkey: cannot start: DJANGO_DATABASE: the database DATABASE_URL names has no Django tables \(missing django_session, auth_user/,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);

describe('Latchkey and Django on one SQLite database', () => whenDjangoRuns('sqlite', crossAppSuite));
await describeOnDialect('postgres', 'Latchkey and Django on one PostgreSQL database', () =>
  whenDjangoRuns('postgres', crossAppSuite),
);
