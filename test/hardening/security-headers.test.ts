import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { contentSecurityPolicy } from '../../app/csp.js';
import { STRICT_TRANSPORT_SECURITY } from '../../app/security-headers.js';
import { type Harness, startHarness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  await h.createUser('alice', 'correct horse battery');
});
afterEach(() => h.close());

const expected = {
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
};

/** The nonce of a response's CSP header (the policy must be exactly the app's, around that nonce). */
function nonceOf(response: Response): string {
  const policy = response.headers.get('content-security-policy') ?? '';
  const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(policy)?.[1] ?? '';
  expect(policy).toBe(contentSecurityPolicy(nonce));
  return nonce;
}

function expectSecurityHeaders(response: Response, what: string): void {
  for (const [name, value] of Object.entries(expected))
    expect(response.headers.get(name), `${what}: ${name}`).toBe(value);
  expect(nonceOf(response).length, `${what}: CSP nonce`).toBeGreaterThanOrEqual(22);
}

describe('security headers on every kind of response', () => {
  test('pages, redirects, errors, JSON, throttled and static responses all carry them', async () => {
    const browser = h.browser();
    const seen: [string, Response, number][] = [];
    seen.push(['page', await browser.get('/'), 200]);
    seen.push(['login redirect', await browser.get('/dashboard/'), 302]);
    seen.push(['stylesheet', await browser.get('/static/style.css'), 200]);
    // A public prefix: other unknown paths send anonymous visitors to log in (login required by default).
    seen.push(['404', await browser.get('/static/no-such-file.css'), 404]);
    seen.push([
      '403 CSRF',
      await browser.post('/accounts/login/', { form: { username: 'a', password: 'b' } }),
      403,
    ]);
    seen.push(['400 host', await h.browser({ origin: 'http://evil.example' }).get('/'), 400]);
    seen.push(['405 JSON', await browser.get('/api/login/'), 405]);
    seen.push(['401 JSON', await browser.get('/api/me/'), 401]);
    seen.push(['JSON', await browser.get('/api/csrf/'), 200]);
    seen.push([
      '400 JSON',
      await browser.post('/api/login/', {
        body: '{',
        headers: {
          'content-type': 'application/json',
          'x-csrftoken': ((await (await browser.get('/api/csrf/')).json()) as { csrfToken: string })
            .csrfToken,
        },
      }),
      400,
    ]);
    for (let i = 0; i < 5; i++) await browser.login('alice', 'wrong');
    seen.push(['429', await browser.login('alice', 'wrong'), 429]);
    h.clock.advance(60_000);
    seen.push(['login success redirect', await browser.login('alice', 'correct horse battery'), 302]);
    seen.push(['private page', await browser.get('/dashboard/'), 200]);
    for (const [what, response, status] of seen) {
      expect(response.status, what).toBe(status);
      expectSecurityHeaders(response, what);
      expect(response.headers.get('strict-transport-security'), `${what} over http`).toBeNull();
    }
  });

  test("issue 15 item 8: each page's scripts and stylesheets carry its response's nonce, new every time", async () => {
    const browser = h.browser();
    await browser.login('alice', 'correct horse battery');
    const nonces = new Set<string>();
    for (const path of ['/', '/dashboard/', '/accounts/sessions/', '/accounts/logout/', '/cart/']) {
      const response = await browser.get(path);
      const nonce = nonceOf(response);
      nonces.add(nonce);
      const html = await response.text();
      const tags = html.match(/<(?:script|style|link rel="stylesheet")(?=[\s>/])[^>]*>/g) ?? [];
      expect(tags.length, path).toBeGreaterThanOrEqual(2);
      for (const tag of tags) expect(tag, `${path}: ${tag}`).toContain(`nonce="${nonce}"`);
      expect(html, path).not.toMatch(/\sstyle="/);
    }
    expect(nonces.size).toBe(5);
    expect(contentSecurityPolicy('n')).toContain("frame-ancestors 'none'");
    expect(contentSecurityPolicy('n')).toContain("form-action 'self'");
    expect(contentSecurityPolicy('n')).toMatch(/script-src 'nonce-n' 'strict-dynamic'(;|$)/);
  });

  test('a store that cannot answer (5xx) still gets them', async () => {
    const browser = h.browser();
    await browser.login('alice', 'correct horse battery');
    await h.runtime.db.destroy();
    const response = await browser.get('/dashboard/');
    expect(response.status).toBeGreaterThanOrEqual(500);
    expectSecurityHeaders(response, '5xx');
  });

  test('HSTS is added to HTTPS responses only, every kind', async () => {
    const browser = h.browser({ origin: 'https://localhost' });
    for (const [path, status] of [
      ['/', 200],
      ['/dashboard/', 302],
      ['/api/me/', 401],
      ['/static/nope.css', 404],
    ] as const) {
      const response = await browser.get(path);
      expect(response.status).toBe(status);
      expect(response.headers.get('strict-transport-security'), path).toBe(STRICT_TRANSPORT_SECURITY);
      expectSecurityHeaders(response, path);
    }
  });
});
