/**
 * Issue 15 (items 9 and 10): the CLI's session commands on `SESSION_ENGINE=signed_cookies`, against
 * the real app on a real SQLite file. The sessions live in the browsers' cookies; the CLI ends them
 * through the per-user revocation epoch, as the web's "log out other sessions" does, and never
 * leaves a command half-done.
 */
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { checkPassword } from '../../src/auth/hashers/index.js';
import { runCli } from '../../src/cli/main.js';
import { startTestApp, type TestApp } from '../support/app.js';
import type { Browser } from '../support/browser.js';

const PASSWORD = 'correct horse battery';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp({ SESSION_ENGINE: 'signed_cookies' });
  await t.createUser('bob', PASSWORD);
});
afterEach(() => t.close());

async function cli(args: string[], options: { stdin?: string; env?: Record<string, string> } = {}) {
  const out = { stdout: '', stderr: '' };
  const stdin = new PassThrough();
  stdin.end(options.stdin ?? '');
  const code = await runCli(args, {
    env: { DATABASE_URL: t.databaseUrl, SESSION_ENGINE: 'signed_cookies', ...options.env },
    stdin,
    stdout: { write: (text: string) => (out.stdout += text) },
    stderr: { write: (text: string) => (out.stderr += text) },
    clock: t.clock,
  });
  return { code, ...out };
}

/** A logged-in device, and a copy of its cookie jar on another machine. */
async function loggedInWithCopy(): Promise<{ device: Browser; copy: Browser }> {
  const device = t.browser();
  expect((await device.login('bob', PASSWORD)).status).toBe(302);
  const copy = t.browser();
  const cookie = device.cookies.get('sessionid');
  if (cookie === undefined) throw new Error('no session cookie after login');
  copy.cookies.set('sessionid', cookie);
  expect((await copy.get('/dashboard/')).status).toBe(200);
  return { device, copy };
}

describe('latchkey CLI on signed_cookies', () => {
  test('logout-all ends every session of the user (copied cookies included), exit 0', async () => {
    const { device, copy } = await loggedInWithCopy();
    const result = await cli(['logout-all', 'bob']);
    expect(result).toEqual({
      code: 0,
      stdout:
        'Ended every session (signed_cookies: cookies issued before now are refused) and revoked 0 API tokens of user "bob".\n',
      stderr: '',
    });
    for (const browser of [device, copy]) {
      const response = await browser.get('/dashboard/');
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe('/accounts/login/?next=/dashboard/');
    }
    const audit = await t.runtime.audit.list({ user: 'bob' });
    expect(audit[0]).toMatchObject({ event: 'sessions_revoked', detail: { via: 'cli', all: true } });
    // A session made after the command lives.
    const later = t.browser();
    await later.login('bob', PASSWORD);
    expect((await later.get('/dashboard/')).status).toBe(200);
  });

  test('changepassword changes the password, ends every session and exits 0 (never half-done)', async () => {
    const { copy } = await loggedInWithCopy();
    const result = await cli(['changepassword', 'bob', '--password-stdin'], {
      stdin: 'a brand new passphrase\n',
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      'Password changed for user "bob"; every session ended (signed_cookies: cookies issued before now are refused).\n',
    );
    const bob = await t.runtime.users.getByUsername('bob');
    expect((await checkPassword('a brand new passphrase', bob?.password)).valid).toBe(true);
    expect((await copy.get('/dashboard/')).status).toBe(302);
    expect((await t.runtime.audit.list({ user: 'bob' })).map((r) => r.event)).toEqual([
      'sessions_revoked',
      'password_changed',
      'user_logged_in',
    ]);
  });

  test('sessions says what the engine can show and how to end them, exit 0', async () => {
    await loggedInWithCopy();
    expect(await cli(['sessions', 'bob'])).toEqual({
      code: 0,
      stdout:
        'User "bob": SESSION_ENGINE=signed_cookies keeps sessions in the browsers\' cookies, so the server cannot list them; `latchkey logout-all bob` ends them all.\n',
      stderr: '',
    });
  });

  test('changepassword on an engine the CLI cannot reach refuses before writing the password', async () => {
    const before = (await t.runtime.users.getByUsername('bob'))?.password;
    const result = await cli(['changepassword', 'bob', '--password-stdin'], {
      stdin: 'a brand new passphrase\n',
      env: { SESSION_ENGINE: 'memory' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`SESSION_ENGINE: "memory" keeps sessions inside the app's process`);
    expect((await t.runtime.users.getByUsername('bob'))?.password).toBe(before);
  });
});
