import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp();
  await t.createUser('alice', 'correct horse battery');
});
afterEach(() => t.close());

const change = (new1: string, new2 = new1, old = 'correct horse battery') => ({
  old_password: old,
  new_password1: new1,
  new_password2: new2,
});

describe('/accounts/password_change/', () => {
  test('requires login', async () => {
    const response = await t.browser().get('/accounts/password_change/');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/accounts/login/?next=/accounts/password_change/');
  });

  test('shows the three fields, never cached', async () => {
    const browser = t.browser();
    await browser.login('alice', 'correct horse battery');
    const response = await browser.get('/accounts/password_change/');
    const html = await response.text();
    for (const field of ['old_password', 'new_password1', 'new_password2'])
      expect(html).toContain(`name="${field}"`);
    expect(response.headers.get('cache-control')).toMatch(/no-store/);
  });

  test('INVARIANTS 5: keeps this session with a new key and logs out every other session', async () => {
    const laptop = t.browser();
    const phone = t.browser();
    await laptop.login('alice', 'correct horse battery');
    await phone.login('alice', 'correct horse battery');
    const laptopKey = laptop.cookie('sessionid') as string;
    const phoneKey = phone.cookie('sessionid') as string;

    const response = await laptop.submit(
      '/accounts/password_change/',
      '/accounts/password_change/',
      change('a brand new secret'),
    );
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/accounts/password_change/done/');
    expect(laptop.cookie('sessionid')).not.toBe(laptopKey);
    expect((await laptop.get('/dashboard/')).status).toBe(200);
    expect((await laptop.get('/accounts/password_change/done/')).status).toBe(200);

    const store = t.runtime.latchkey.engine.store;
    expect(await store.exists(laptopKey)).toBe(false);
    expect(await store.exists(phoneKey)).toBe(false);
    expect((await phone.get('/dashboard/')).status).toBe(302);

    expect((await t.browser().login('alice', 'correct horse battery')).status).toBe(200);
    expect((await t.browser().login('alice', 'a brand new secret')).status).toBe(302);
  });

  test('INVARIANTS 5: a session made before a password change elsewhere is refused by the hash check alone', async () => {
    const phone = t.browser();
    await phone.login('alice', 'correct horse battery');
    // The password changes behind the app's back (e.g. the CLI): no session is deleted, the hash no longer matches.
    const alice = await t.runtime.users.getByUsername('alice');
    await t.runtime.users.setPassword(
      alice?.id as string,
      await t.runtime.latchkey.passwords.make('changed elsewhere'),
    );
    const key = phone.cookie('sessionid') as string;
    expect((await phone.get('/dashboard/')).status).toBe(302);
    expect(await t.runtime.latchkey.engine.store.exists(key)).toBe(false);
  });

  test('a wrong old password, a mismatch and a weak password are refused with a message', async () => {
    const browser = t.browser();
    await browser.login('alice', 'correct horse battery');
    const cases: [ReturnType<typeof change>, RegExp][] = [
      [change('a brand new secret', 'a brand new secret', 'wrong'), /old password was entered incorrectly/],
      [change('a brand new secret', 'another one'), /didn.t match/],
      [change('short'), /too short/],
      [change('alice'), /too short|same as the username/],
    ];
    for (const [form, message] of cases) {
      const response = await browser.submit('/accounts/password_change/', '/accounts/password_change/', form);
      expect(response.status).toBe(200);
      expect(await response.text()).toMatch(message);
    }
    expect((await t.browser().login('alice', 'correct horse battery')).status).toBe(302);
  });

  test('the change is audited', async () => {
    const browser = t.browser();
    await browser.login('alice', 'correct horse battery');
    await browser.submit(
      '/accounts/password_change/',
      '/accounts/password_change/',
      change('a brand new secret'),
    );
    const events = (await t.runtime.audit.list({ user: 'alice' })).map((r) => r.event);
    expect(events).toContain('password_changed');
  });
});
