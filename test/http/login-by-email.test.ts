/**
 * Issue 13 items 7 and 8 through the reference app: logging in by email (`LOGIN_BY_EMAIL`, emails
 * then unique), `userPassesTest`, and a PBKDF2 hash with fewer iterations upgraded at login.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { createPbkdf2Hasher, makePassword } from '../../src/auth/hashers/index.js';
import { InvalidUserFieldError } from '../../src/auth/users/errors.js';
import { UserRepository } from '../../src/auth/users/repository.js';
import { html } from '../../src/views/html.js';
import { userPassesTest } from '../../src/views/redirects.js';
import { startTestApp, type TestApp } from '../support/app.js';

const PASSWORD = 'correct horse battery';
let t: TestApp;
afterEach(() => t.close());

describe('LOGIN_BY_EMAIL', () => {
  test('off (the default): an email address is only a username, and none has it', async () => {
    t = await startTestApp();
    await t.createUser('alice', PASSWORD, { email: 'alice@example.com' });
    const response = await t.browser().login('alice@example.com', PASSWORD);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Please enter a correct username and password');
  });

  test('on: the username or the email (any case) logs in; a wrong password still fails generically', async () => {
    t = await startTestApp({ LOGIN_BY_EMAIL: true });
    await t.createUser('alice', PASSWORD, { email: 'alice@example.com' });
    for (const login of ['alice', 'alice@example.com', 'ALICE@Example.COM']) {
      const browser = t.browser();
      expect((await browser.login(login, PASSWORD)).status, login).toBe(302);
      expect(await (await browser.get('/dashboard/')).text()).toContain('alice');
    }
    expect((await t.browser().login('alice@example.com', 'wrong password')).status).toBe(200);
  });

  test('on: emails are unique ignoring case; an address two older accounts share logs nobody in', async () => {
    t = await startTestApp({ LOGIN_BY_EMAIL: true });
    await t.createUser('alice', PASSWORD, { email: 'alice@example.com' });
    await expect(t.createUser('alice2', PASSWORD, { email: 'ALICE@example.com' })).rejects.toBeInstanceOf(
      InvalidUserFieldError,
    );
    // Two accounts that shared an address before the setting was turned on: the address is ambiguous.
    const unguarded = new UserRepository(t.runtime.db);
    const hash = await t.runtime.latchkey.passwords.make(PASSWORD);
    await unguarded.createUser({ username: 'bob', email: 'team@example.com', password: hash });
    await unguarded.createUser({ username: 'bobby', email: 'Team@example.com', password: hash });
    expect((await t.browser().login('team@example.com', PASSWORD)).status).toBe(200);
    expect((await t.browser().login('bob', PASSWORD)).status).toBe(302);
  });
});

describe('userPassesTest', () => {
  test('anonymous: to the login page; failing the test: 403; passing: the page', async () => {
    t = await startTestApp();
    await t.createUser('alice', PASSWORD);
    const staff = await t.runtime.users.createUser({
      username: 'root',
      password: await t.runtime.latchkey.passwords.make(PASSWORD),
      isStaff: true,
    });
    t.app.get('/staff-only/', async (c) => {
      const denied = await userPassesTest(c.get('latchkey'), (user) => user.isStaff);
      return denied ?? html('<p>staff page</p>');
    });
    const anonymous = await t.browser().get('/staff-only/');
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get('location')).toBe('/accounts/login/?next=/staff-only/');
    const alice = t.browser();
    await alice.login('alice', PASSWORD);
    expect((await alice.get('/staff-only/')).status).toBe(403);
    const root = t.browser();
    await root.login(staff.username, PASSWORD);
    const page = await root.get('/staff-only/');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('staff page');
  });
});

describe('PBKDF2 iterations', () => {
  test('a hash with fewer iterations than the default hasher’s is upgraded at the next login', async () => {
    t = await startTestApp();
    // The test app hashes with PBKDF2 at 1,000 iterations (its fast stand-in for 1,200,000).
    const old = await makePassword(PASSWORD, { hasher: createPbkdf2Hasher({ iterations: 500 }) });
    const user = await t.runtime.users.createUser({ username: 'alice', password: old });
    expect((await t.browser().login('alice', PASSWORD)).status).toBe(302);
    const stored = (await t.runtime.users.getById(user.id))?.password ?? '';
    expect(stored).toMatch(/^pbkdf2_sha256\$1000\$/);
    expect((await t.browser().login('alice', PASSWORD)).status).toBe(302);
  });
});
