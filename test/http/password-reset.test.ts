/**
 * Password reset through the reference app, with `EMAIL_BACKEND=smtp` sending to a real SMTP server
 * started here: the test reads the message the server received and follows its link, as a user
 * would. Runs in the server matrix too (Redis on PostgreSQL, cached_db on MySQL).
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { makeUnusablePassword } from '../../src/auth/hashers/index.js';
import type { Settings } from '../../src/core/settings.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { type Browser, csrfFieldOf } from '../support/browser.js';
import { freePort } from '../support/ports.js';
import { resetLinkIn, startSmtpServer, type TestSmtpServer } from '../support/smtp-server.js';

const OLD = 'correct horse battery';
const NEW = 'a brand new passphrase';

let smtp: TestSmtpServer;
let t: TestApp;

async function start(
  overrides: Partial<Settings> = {},
  smtpOptions: { delayMs?: number } = {},
): Promise<void> {
  smtp = await startSmtpServer(smtpOptions);
  t = await startTestApp({
    EMAIL_BACKEND: 'smtp',
    EMAIL_HOST: '127.0.0.1',
    EMAIL_PORT: smtp.port,
    DEFAULT_FROM_EMAIL: 'accounts@latchkey.test',
    ...overrides,
  });
  await t.createUser('alice', OLD, { email: 'alice@example.com' });
}

afterEach(async () => {
  await t?.close();
  await smtp?.close();
});

/** Asks for a reset of `email` through the form, as a user would. */
function askReset(browser: Browser, email: string): Promise<Response> {
  return browser.submit('/accounts/password_reset/', '/accounts/password_reset/', { email });
}

/** Sets `password` on the form of the set-password page the browser was redirected to. */
async function setPassword(
  browser: Browser,
  path: string,
  password: string,
  again = password,
): Promise<Response> {
  return browser.submit(path, path, { new_password1: password, new_password2: again });
}

describe('password reset by email', () => {
  beforeEach(() => start());

  test('INVARIANTS 14: request → mail through SMTP → link → new password ends every session and token of the user', async () => {
    const laptop = t.browser();
    const phone = t.browser();
    await laptop.login('alice', OLD);
    await phone.login('alice', OLD);
    const apiToken = (
      (await (
        await laptop.post('/api/tokens/', { headers: { 'X-CSRFToken': laptop.cookie('csrftoken') ?? '' } })
      ).json()) as { token: string }
    ).token;
    const phoneKey = phone.cookie('sessionid') as string;

    const forgetful = t.browser();
    const asked = await askReset(forgetful, 'Alice@EXAMPLE.com');
    expect(asked.status).toBe(302);
    expect(asked.headers.get('location')).toBe('/accounts/password_reset/done/');
    const done = await forgetful.get('/accounts/password_reset/done/');
    expect(await done.text()).toContain('Check your email');

    const [mail] = await smtp.waitForMessages(1);
    expect(mail?.envelopeTo).toEqual(['alice@example.com']);
    expect(mail?.envelopeFrom).toBe('accounts@latchkey.test');
    expect(mail?.headers.get('subject')).toBe('Password reset on localhost');
    expect(mail?.text).toContain("Your username, in case you've forgotten: alice");
    const link = resetLinkIn(mail as NonNullable<typeof mail>);

    // The token leaves the address bar: a redirect to …/set-password/, the token kept in the session.
    const followed = await forgetful.get(link);
    expect(followed.status).toBe(302);
    const formPath = followed.headers.get('location') as string;
    expect(formPath).toMatch(/^\/accounts\/reset\/[A-Za-z0-9_-]+\/set-password\/$/);
    const token = link.split('/')[4] as string;
    expect(formPath).not.toContain(token);
    const form = await forgetful.get(formPath);
    expect(form.status).toBe(200);
    expect(form.headers.get('cache-control')).toMatch(/no-store/);
    expect(await form.text()).not.toContain(token);

    const set = await setPassword(forgetful, formPath, NEW);
    expect(set.status).toBe(302);
    expect(set.headers.get('location')).toBe('/accounts/reset/done/');
    expect(await (await forgetful.get('/accounts/reset/done/')).text()).toContain(
      'Your password has been set',
    );

    // Every device and API token of alice has ended, in the store itself.
    expect(await t.runtime.latchkey.engine.store.exists(phoneKey)).toBe(false);
    expect((await phone.get('/dashboard/')).status).toBe(302);
    expect((await laptop.get('/dashboard/')).status).toBe(302);
    expect(
      (await t.browser().get('/api/me/', { headers: { Authorization: `Token ${apiToken}` } })).status,
    ).toBe(401);
    expect((await t.browser().login('alice', OLD)).status).toBe(200);
    expect((await t.browser().login('alice', NEW)).status).toBe(302);

    const events = (await t.runtime.audit.list({ user: 'alice' })).map((row) => row.event);
    expect(events).toEqual(
      expect.arrayContaining(['password_reset_requested', 'password_reset', 'sessions_revoked']),
    );
    // The link is single-use: the password it was bound to is gone.
    const reused = await t.browser().get(link);
    expect(reused.status).toBe(200);
    expect(await reused.text()).toContain('The password reset link was invalid');
  });

  test('an unknown address gets the same answer, at once, and nothing is sent', async () => {
    // No enumeration by timing: the account is looked up only after the answer has been given.
    const users = t.runtime.users;
    const lookUp = users.listByEmail.bind(users);
    let answered = false;
    const lookedUpBeforeAnswer: boolean[] = [];
    users.listByEmail = (email) => {
      lookedUpBeforeAnswer.push(!answered);
      return lookUp(email);
    };
    const known = await askReset(t.browser(), 'alice@example.com');
    answered = true;
    await t.runtime.outbox.drain();
    answered = false;
    const unknown = await askReset(t.browser(), 'nobody@example.com');
    answered = true;
    await t.runtime.outbox.drain();
    expect(lookedUpBeforeAnswer).toEqual([false, false]);
    for (const response of [known, unknown]) {
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe('/accounts/password_reset/done/');
      expect(await response.text()).toBe('');
    }
    await t.runtime.outbox.drain();
    expect(smtp.messages.map((m) => m.envelopeTo)).toEqual([['alice@example.com']]);
    expect(
      (await t.runtime.audit.list({})).filter((r) => r.event === 'password_reset_requested'),
    ).toHaveLength(1);
  });

  test('an inactive user or one with an unusable password is sent nothing', async () => {
    await t.createUser('bob', OLD, { email: 'bob@example.com', isActive: false });
    const carol = await t.createUser('carol', OLD, { email: 'carol@example.com' });
    await t.runtime.users.setPassword(carol.id, makeUnusablePassword());
    for (const email of ['bob@example.com', 'carol@example.com'])
      expect((await askReset(t.browser(), email)).status).toBe(302);
    await t.runtime.outbox.drain();
    expect(smtp.messages).toHaveLength(0);
  });

  test('CWE-93: CR/LF, huge and odd addresses are refused with a 400 before any lookup or mail', async () => {
    const hostile = [
      'alice@example.com\r\nBcc: mallory@evil.test',
      'alice@example.com\nSubject: hi',
      `${'a'.repeat(300)}@example.com`,
      `alice@${'b'.repeat(5000)}.com`,
      '"alice"@example.com',
      'Alice <alice@example.com>',
      'alice@example.com, mallory@evil.test',
      'not-an-address',
      '',
    ];
    for (const email of hostile) {
      const response = await askReset(t.browser(), email);
      expect(response.status, JSON.stringify(email)).toBe(400);
      expect(await response.text()).toContain('Enter a valid email address.');
    }
    await t.runtime.outbox.drain();
    expect(smtp.messages).toHaveLength(0);
    expect(t.logger.events.filter((e) => e.event === 'mail.job_failed')).toEqual([]);
  });

  test('asking again and again for one address is throttled like logins (429), known or not', async () => {
    await t.close();
    await smtp.close();
    // The in-process test client has no address, so only the per-account allowance applies: lowered here.
    await start({ LOGIN_THROTTLE_ACCOUNT_FREE_ATTEMPTS: 5 });
    for (const email of ['nobody@example.com', 'alice@example.com']) {
      const browser = t.browser();
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await askReset(browser, email)).status);
      expect(statuses.slice(0, 5), email).toEqual([302, 302, 302, 302, 302]);
      expect(statuses.at(-1), email).toBe(429);
    }
    await t.runtime.outbox.drain();
    expect(smtp.messages.length).toBeLessThanOrEqual(6);
  });
});

describe('bad reset links', () => {
  beforeEach(() => start());

  async function freshLink(): Promise<string> {
    await askReset(t.browser(), 'alice@example.com');
    const mails = await smtp.waitForMessages(smtp.messages.length + 1);
    return resetLinkIn(mails.at(-1) as NonNullable<(typeof mails)[number]>);
  }

  test('forged and truncated links: the invalid-link page, never a 500, never a login', async () => {
    const link = await freshLink();
    const [, , , uid, token] = link.split('/') as [string, string, string, string, string];
    const bad = [
      `/accounts/reset/${uid}/${token.slice(0, -1)}/`,
      `/accounts/reset/${uid}/${token.replace(/-.*/, '-')}0123456789abcdef0123456789abcdef/`,
      `/accounts/reset/${uid}/${token.split('-')[1]}/`,
      `/accounts/reset/Zm9v/${token}/`,
      `/accounts/reset/OTk5OTk5/${token}/`,
      `/accounts/reset/${uid}%00/${token}/`,
      `/accounts/reset/${'A'.repeat(2000)}/${token}/`,
      `/accounts/reset/${uid}/${'z'.repeat(40)}-${'f'.repeat(32)}/`,
    ];
    for (const path of bad) {
      const browser = t.browser();
      const response = await browser.get(path);
      expect(response.status, path).toBe(200);
      expect(await response.text(), path).toContain('The password reset link was invalid');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(browser.cookie('sessionid'), path).toBe(null);
    }
    // The real link still works after all that.
    expect((await t.browser().get(link)).status).toBe(302);
  });

  test('INVARIANTS 11: a link older than PASSWORD_RESET_TIMEOUT is dead', async () => {
    const link = await freshLink();
    t.clock.advance((t.settings.PASSWORD_RESET_TIMEOUT + 1) * 1000);
    const response = await t.browser().get(link);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('The password reset link was invalid');
  });

  test('a login after the mail kills the link (the last login is in the token)', async () => {
    const link = await freshLink();
    t.clock.advance(2000);
    await t.browser().login('alice', OLD);
    expect(await (await t.browser().get(link)).text()).toContain('The password reset link was invalid');
  });

  test('the set-password form without a live token in the session: 200 page on GET, 400 on POST, nothing changed', async () => {
    const link = await freshLink();
    const uid = link.split('/')[3] as string;
    const stranger = t.browser();
    const page = await stranger.get(`/accounts/reset/${uid}/set-password/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('The password reset link was invalid');
    const csrf = csrfFieldOf(await (await stranger.get('/accounts/password_reset/')).text()) as string;
    const posted = await stranger.post(`/accounts/reset/${uid}/set-password/`, {
      form: { csrfmiddlewaretoken: csrf, new_password1: NEW, new_password2: NEW },
    });
    expect(posted.status).toBe(400);
    expect((await t.browser().login('alice', OLD)).status).toBe(302);
  });

  test('a used link, followed again in the same browser, cannot set a second password', async () => {
    const link = await freshLink();
    const browser = t.browser();
    const formPath = (await browser.get(link)).headers.get('location') as string;
    expect((await setPassword(browser, formPath, NEW)).status).toBe(302);
    expect((await browser.get(link)).status).toBe(200);
    const again = await browser.get(formPath);
    expect(await again.text()).toContain('The password reset link was invalid');
    expect((await t.browser().login('alice', NEW)).status).toBe(302);
  });

  test('a weak or mismatched new password is refused with the rule, and the link stays usable', async () => {
    const link = await freshLink();
    const browser = t.browser();
    const formPath = (await browser.get(link)).headers.get('location') as string;
    const cases: [string, string, RegExp][] = [
      ['password123', 'password123', /too common/],
      ['20260501', '20260501', /entirely numeric/],
      ['alice1', 'alice1', /too short/],
      ['alice@example', 'alice@example', /too similar to the email address/],
      [NEW, 'something else', /didn.t match/],
    ];
    for (const [one, two, message] of cases) {
      const response = await setPassword(browser, formPath, one, two);
      expect(response.status).toBe(200);
      expect(await response.text()).toMatch(message);
    }
    expect((await setPassword(browser, formPath, NEW)).status).toBe(302);
  });

  test('resetting while logged in as that user ends this session too, without a 400', async () => {
    const link = await freshLink();
    const browser = t.browser();
    await browser.login('alice', OLD);
    t.clock.advance(1000);
    // The login killed the first link; ask again while logged in.
    const fresh = await freshLink();
    expect(fresh).not.toBe(link);
    const formPath = (await browser.get(fresh)).headers.get('location') as string;
    const response = await setPassword(browser, formPath, NEW);
    expect(response.status).toBe(302);
    expect((await browser.get('/dashboard/')).status).toBe(302);
  });
});

describe('a mail server that is down or slow', () => {
  test('down: the same "check your email" answer, an error in the log, no 500 and no hint', async () => {
    const closedPort = await freePort();
    await start({ EMAIL_PORT: closedPort, EMAIL_TIMEOUT: 2 });
    const response = await askReset(t.browser(), 'alice@example.com');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/accounts/password_reset/done/');
    await t.runtime.outbox.drain();
    const failures = t.logger.events.filter((e) => e.event === 'mail.job_failed');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ level: 'error', fields: { backend: 'smtp', job: 'password_reset' } });
    expect(failures[0]?.fields.code).toMatch(/^E[A-Z]+$/);
    expect(JSON.stringify(failures)).not.toContain('alice');
  });

  test('slow: the answer does not wait for the mail server', async () => {
    await start({}, { delayMs: 3000 });
    const started = performance.now();
    const response = await askReset(t.browser(), 'alice@example.com');
    expect(response.status).toBe(302);
    expect(performance.now() - started).toBeLessThan(1500);
    await smtp.waitForMessages(1);
  });
});
