/**
 * INVARIANTS 9 over a whole flow through the HTTP app: log in (after failures and a throttle),
 * use the session, change the password, use the JSON API with a session and with an API token,
 * trip the CSRF check, the Host check and the session signature, log out. Every log event (the
 * app's logger, also written out at every level as a production JSON logger would), everything
 * written to stdout and stderr, and the audit rows are searched for every password, session key,
 * CSRF secret, CSRF token and API token the flow used. None may appear.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { consoleLogger, type Logger } from '../../src/core/logger.js';
import { TEST_SECRET } from '../support/app.js';
import { Browser, csrfFieldOf } from '../support/browser.js';
import { type Harness, startHarness, TEST_IP_HEADER } from './harness.js';

const PASSWORD = 'correct horse battery staple 41';
const NEW_PASSWORD = 'a brand new passphrase 9173';
const WRONG = 'wrong-guess-passphrase-5521';

/** Every chunk written to stdout or stderr while `run` runs (still passed through). */
async function capturingOutput(run: () => Promise<void>): Promise<string[]> {
  const chunks: string[] = [];
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => stream.write.bind(stream));
  streams.forEach((stream, i) => {
    stream.write = ((chunk: unknown, ...rest: unknown[]): boolean => {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      return (originals[i] as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
  });
  try {
    await run();
  } finally {
    streams.forEach((stream, i) => {
      stream.write = originals[i] as typeof stream.write;
    });
  }
  return chunks;
}

/** A production-style logger: every level, one JSON line on stdout; warn and error also via consoleLogger (stderr). */
const jsonLinesLogger: Logger = {
  log(level, event, fields) {
    process.stdout.write(`${JSON.stringify({ level, event, ...fields })}\n`);
    consoleLogger.log(level, event, fields);
  },
};

let h: Harness;
const secrets = new Set<string>([PASSWORD, NEW_PASSWORD, WRONG, TEST_SECRET]);

/** Remembers every session key and CSRF secret the app sets, and every token it renders. */
async function remember(response: Response): Promise<Response> {
  for (const header of response.headers.getSetCookie()) {
    const value = /^(?:sessionid|csrftoken)=([^;]+)/.exec(header)?.[1];
    if (value) secrets.add(value);
  }
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('html') || type.includes('json')) {
    const text = await response.clone().text();
    const field = csrfFieldOf(text);
    if (field) secrets.add(field);
    for (const match of text.matchAll(/"(?:csrfToken|token)":"([^"]+)"/g)) secrets.add(match[1] as string);
  }
  return response;
}

function browser(ip = '203.0.113.5', origin?: string): Browser {
  return new Browser(
    async (request) => {
      const headers = new Headers(request.headers);
      headers.set(TEST_IP_HEADER, ip);
      return remember(await h.app.request(new Request(request, { headers })));
    },
    origin ? { origin } : {},
  );
}

async function apiCsrf(b: Browser): Promise<Record<string, string>> {
  const { csrfToken } = (await (await b.get('/api/csrf/')).json()) as { csrfToken: string };
  return { 'x-csrftoken': csrfToken };
}

beforeEach(async () => {
  h = await startHarness({ logger: jsonLinesLogger });
  await h.createUser('alice', PASSWORD);
});
afterEach(() => h.close());

describe('INVARIANTS 9: secrets never reach a log line', () => {
  test('a full login / password change / API / logout flow, failures included', async () => {
    const output = await capturingOutput(async () => {
      // Failures, then the throttle.
      const guesser = browser('198.51.100.66');
      for (let i = 0; i < 6; i++) await guesser.login('alice', WRONG);
      // A forged CSRF token (well-formed, wrong secret) and a request for another Host.
      const forger = browser();
      await forger.get('/accounts/login/');
      const forged = 'A'.repeat(64);
      secrets.add(forged);
      expect(
        (
          await forger.post('/accounts/login/', {
            form: { csrfmiddlewaretoken: forged, username: 'alice', password: PASSWORD },
          })
        ).status,
      ).toBe(403);
      expect((await browser('203.0.113.5', 'http://evil.example').get('/')).status).toBe(400);

      // The user's own session: log in, fill the cart, change the password, look at the sessions page.
      const user = browser();
      expect((await user.login('alice', PASSWORD)).status).toBe(302);
      await user.submit('/cart/', '/cart/add/', { item: 'book' });
      expect((await user.get('/dashboard/')).status).toBe(200);
      const change = await user.submit('/accounts/password_change/', '/accounts/password_change/', {
        old_password: PASSWORD,
        new_password1: NEW_PASSWORD,
        new_password2: NEW_PASSWORD,
      });
      expect(change.status).toBe(302);
      expect((await user.get('/accounts/sessions/')).status).toBe(200);

      // The JSON API: session login, a token, token-authenticated calls, logout with the token.
      const api = browser();
      const login = await api.post('/api/login/', {
        json: { username: 'alice', password: NEW_PASSWORD },
        headers: await apiCsrf(api),
      });
      expect(login.status).toBe(200);
      const created = await api.post('/api/tokens/', { headers: await apiCsrf(api) });
      expect(created.status).toBe(201);
      const { token } = (await created.json()) as { token: string };
      secrets.add(token);
      const client = browser();
      expect((await client.get('/api/me/', { headers: { authorization: `Token ${token}` } })).status).toBe(
        200,
      );
      expect(
        (await client.post('/api/logout/', { headers: { authorization: `Bearer ${token}` } })).status,
      ).toBe(200);
      expect((await client.get('/api/me/', { headers: { authorization: `Token ${token}` } })).status).toBe(
        401,
      );
      expect(
        (
          await api.post('/api/login/', {
            json: { username: 'alice', password: WRONG },
            headers: await apiCsrf(api),
          })
        ).status,
      ).toBe(401);

      // A tampered session record: the signature check fails and says so.
      const key = api.cookie('sessionid') as string;
      const store = h.runtime.latchkey.engine.store;
      const record = await store.load(key);
      await store.save(key, { ...(record as NonNullable<typeof record>), data: `x${record?.data.slice(1)}` });
      expect((await api.get('/api/me/')).status).toBe(401);

      // Log out of the browser session.
      expect((await user.logout()).status).toBe(302);
    });

    const events = h.logger.events.map((e) => JSON.stringify(e));
    const audit = (await h.runtime.audit.list({ limit: 1000 })).map((row) => JSON.stringify(row));
    // The capture worked: the flow's security events are all there, in every sink.
    for (const name of [
      'security.login_throttled',
      'security.csrf_rejected',
      'security.disallowed_host',
      'security.session_corrupted',
    ]) {
      expect(
        events.some((line) => line.includes(name)),
        name,
      ).toBe(true);
      expect(
        output.some((line) => line.includes(name)),
        `${name} on stdout/stderr`,
      ).toBe(true);
    }
    expect(audit.some((row) => row.includes('user_login_failed'))).toBe(true);
    expect(secrets.size).toBeGreaterThan(15);

    const sinks = { 'logger events': events, 'stdout/stderr': output, 'audit rows': audit };
    for (const [sink, lines] of Object.entries(sinks)) {
      for (const secret of secrets) {
        const leaked = lines.find((line) => line.includes(secret));
        expect(leaked, `${sink} contain a secret (${secret.length} characters)`).toBeUndefined();
      }
    }
  });
});
