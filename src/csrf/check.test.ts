import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createMemoryLogger, type Logger } from '../core/logger.js';
import { defineSettings, type Settings } from '../core/settings.js';
import { checkCsrf } from './check.js';
import type { CsrfRejection } from './reasons.js';
import { maskSecret } from './tokens.js';

const TEST_SECRET = 'lcccccccX2kcccccccY2jcccccccssIC';
const MASKED_TEST_SECRET1 = '1bcdefghij2bcdefghij3bcdefghij4bcdefghij5bcdefghij6bcdefghijABCD';
const MASKED_TEST_SECRET2 = '2JgchWvM1tpxT2lfz9aydoXW9yT1DN3NdLiejYxOOlzzV4nhBbYqmqZYbAV3V5Bf';

const settings = defineSettings({ SECRET_KEY: 'k'.repeat(50), ALLOWED_HOSTS: ['www.example.com'] });

interface Call {
  method?: string;
  url?: string;
  headers?: Record<string, string>;
  cookie?: string | null;
  formToken?: string | null;
  settings?: Settings;
  logger?: Logger;
}

function tokenHeader(value: string | null): Record<string, string> {
  return value === null ? {} : { 'X-CSRFToken': value };
}

// An HTTP request from the site's own page: the cookie, no Origin (like Django's test client).
function check(call: Call = {}): CsrfRejection | null {
  // A plain map rather than Headers, which would refuse some of the values the properties try.
  const headers = new Map(
    Object.entries(call.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
  );
  return checkCsrf({
    method: call.method ?? 'POST',
    url: new URL(call.url ?? 'http://www.example.com/form/'),
    header: (name) => headers.get(name.toLowerCase()),
    cookie: call.cookie === undefined ? MASKED_TEST_SECRET1 : call.cookie,
    formToken: call.formToken,
    settings: call.settings ?? settings,
    ...(call.logger ? { logger: call.logger } : {}),
  });
}

describe('safe methods', () => {
  test.each(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'get'])('%s passes without cookie or token', (method) => {
    expect(check({ method, cookie: null, headers: { 'Sec-Fetch-Site': 'cross-site' } })).toBeNull();
  });
});

describe('token check (INVARIANTS 6)', () => {
  test.each(['POST', 'PUT', 'PATCH', 'DELETE'])(
    '%s without a CSRF cookie is refused: login CSRF',
    (method) => {
      expect(check({ method, cookie: null })).toEqual({
        reason: 'no_csrf_cookie',
        message: 'CSRF cookie not set.',
      });
    },
  );

  test('a form POST carrying the token passes', () => {
    expect(check({ formToken: MASKED_TEST_SECRET2 })).toBeNull();
  });

  test.each(['POST', 'PUT', 'DELETE'])('%s with the token in X-CSRFToken passes', (method) => {
    expect(check({ method, headers: { 'X-CSRFToken': MASKED_TEST_SECRET2 } })).toBeNull();
  });

  test.each([
    [null, null, 'csrf_token_missing', 'CSRF token missing.'],
    ['a'.repeat(16), null, 'csrf_token_incorrect_length', 'CSRF token from POST has incorrect length.'],
    ['*'.repeat(64), null, 'csrf_token_invalid_characters', 'CSRF token from POST has invalid characters.'],
    ['a'.repeat(64), null, 'csrf_token_incorrect', 'CSRF token from POST incorrect.'],
    [
      null,
      'a'.repeat(16),
      'csrf_token_incorrect_length',
      "CSRF token from the 'X-Csrftoken' HTTP header has incorrect length.",
    ],
    [
      null,
      '*'.repeat(64),
      'csrf_token_invalid_characters',
      "CSRF token from the 'X-Csrftoken' HTTP header has invalid characters.",
    ],
    [
      null,
      'a'.repeat(64),
      'csrf_token_incorrect',
      "CSRF token from the 'X-Csrftoken' HTTP header incorrect.",
    ],
    [
      null,
      '',
      'csrf_token_incorrect_length',
      "CSRF token from the 'X-Csrftoken' HTTP header has incorrect length.",
    ],
  ])('field %s, header %s → %s', (formToken, header, reason, message) => {
    const headers = tokenHeader(header);
    expect(check({ formToken, headers })).toEqual({ reason, message });
  });

  test('a custom CSRF_HEADER_NAME is read and named in the message', () => {
    const custom = defineSettings({ ...settings, CSRF_HEADER_NAME: 'X-CSRFToken-Customized' });
    const headers = { 'X-CSRFToken-Customized': MASKED_TEST_SECRET2 };
    expect(check({ headers, settings: custom })).toBeNull();
    expect(check({ headers: { 'X-CSRFToken-Customized': 'a'.repeat(16) }, settings: custom })?.message).toBe(
      "CSRF token from the 'X-Csrftoken-Customized' HTTP header has incorrect length.",
    );
  });

  test('a non-empty POST field wins over the header, as in Django', () => {
    const headers = { 'X-CSRFToken': MASKED_TEST_SECRET2 };
    expect(check({ formToken: 'a'.repeat(64), headers })?.reason).toBe('csrf_token_incorrect');
    expect(check({ formToken: '', headers })).toBeNull();
  });

  test('the form field counts only for POST', () => {
    expect(check({ method: 'PUT', formToken: MASKED_TEST_SECRET2 })?.reason).toBe('csrf_token_missing');
  });

  test.each([
    ['*'.repeat(64), 'csrf_cookie_invalid_characters', 'CSRF cookie has invalid characters.'],
    ['a'.repeat(16), 'csrf_cookie_incorrect_length', 'CSRF cookie has incorrect length.'],
    ['', 'csrf_cookie_incorrect_length', 'CSRF cookie has incorrect length.'],
  ])('a malformed cookie %s is refused', (cookie, reason, message) => {
    expect(check({ cookie, formToken: MASKED_TEST_SECRET2 })).toEqual({ reason, message });
  });

  test.each([
    [TEST_SECRET, TEST_SECRET, null],
    [TEST_SECRET, MASKED_TEST_SECRET2, null],
    [TEST_SECRET, null, TEST_SECRET],
    [TEST_SECRET, null, MASKED_TEST_SECRET2],
    [MASKED_TEST_SECRET1, TEST_SECRET, null],
    [MASKED_TEST_SECRET1, MASKED_TEST_SECRET2, null],
    [MASKED_TEST_SECRET1, null, TEST_SECRET],
    [MASKED_TEST_SECRET1, null, MASKED_TEST_SECRET2],
  ])('masked and unmasked cookie %s, field %s, header %s all pass', (cookie, formToken, header) => {
    expect(check({ cookie, formToken, headers: tokenHeader(header) })).toBeNull();
  });

  test("a token for another secret is refused: tokens are bound to the browser's cookie", () => {
    expect(check({ formToken: maskSecret('z'.repeat(32)) })?.reason).toBe('csrf_token_incorrect');
  });
});

describe('Fetch Metadata', () => {
  const good = { formToken: MASKED_TEST_SECRET2 };

  test('Sec-Fetch-Site: cross-site is refused before any other check', () => {
    const rejection = check({ cookie: null, headers: { 'Sec-Fetch-Site': 'cross-site' } });
    expect(rejection).toEqual({
      reason: 'cross_site',
      message: 'Fetch metadata checking failed - Sec-Fetch-Site is cross-site.',
    });
    expect(check({ ...good, headers: { 'Sec-Fetch-Site': ' Cross-Site ' } })?.reason).toBe('cross_site');
  });

  test.each(['same-origin', 'none', 'same-site'])('%s goes on to the Origin and token checks', (site) => {
    expect(check({ ...good, headers: { 'Sec-Fetch-Site': site } })).toBeNull();
    expect(check({ headers: { 'Sec-Fetch-Site': site } })?.reason).toBe('csrf_token_missing');
  });

  test('same-site still needs a good Origin: a sibling subdomain is not the site', () => {
    const headers = { 'Sec-Fetch-Site': 'same-site', Origin: 'http://evil.example.com' };
    expect(check({ ...good, headers })?.reason).toBe('bad_origin');
  });

  test('a cross-site origin listed in CSRF_TRUSTED_ORIGINS still passes, with its token', () => {
    const trusting = defineSettings({ ...settings, CSRF_TRUSTED_ORIGINS: ['https://*.partner.example'] });
    const headers = { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://app.partner.example' };
    expect(check({ ...good, headers, settings: trusting })).toBeNull();
    expect(check({ headers, settings: trusting })?.reason).toBe('csrf_token_missing');
  });
});

describe('logging', () => {
  test('a rejection logs security.csrf_rejected with the reason and path only', () => {
    const logger = createMemoryLogger();
    check({ url: 'http://www.example.com/accounts/logout/', formToken: 'a'.repeat(64), logger });
    expect(logger.events).toEqual([
      {
        level: 'warn',
        event: 'security.csrf_rejected',
        fields: { reason: 'csrf_token_incorrect', path: '/accounts/logout/' },
      },
    ]);
  });

  test('INVARIANTS 9: neither the secret nor any token reaches the log', () => {
    const logger = createMemoryLogger();
    check({ cookie: TEST_SECRET, headers: { 'X-CSRFToken': MASKED_TEST_SECRET1.replace('1', '9') }, logger });
    check({ cookie: TEST_SECRET, formToken: `${TEST_SECRET}x`, logger });
    const logged = JSON.stringify(logger.events);
    expect(logger.events).toHaveLength(2);
    for (const secret of [TEST_SECRET, MASKED_TEST_SECRET1.slice(1)]) expect(logged).not.toContain(secret);
  });

  test('an accepted request logs nothing', () => {
    const logger = createMemoryLogger();
    check({ formToken: MASKED_TEST_SECRET2, logger });
    expect(logger.events).toEqual([]);
  });
});

describe('properties', () => {
  const headerValue = fc.option(fc.string({ unit: 'binary' }), { nil: undefined });
  const anyToken = fc.option(
    fc.oneof(fc.string({ unit: 'binary' }), fc.stringMatching(/^[a-zA-Z0-9]{32,64}$/)),
  );

  test('checkCsrf never throws on arbitrary header, cookie and token values', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('POST', 'PUT', 'DELETE', 'PATCH', 'GET', 'FOO'),
        fc.constantFrom('http://www.example.com/', 'https://www.example.com:8443/x', 'https://[::1]/'),
        fc.record({ origin: headerValue, referer: headerValue, site: headerValue, token: headerValue }),
        anyToken,
        anyToken,
        (method, url, h, cookie, formToken) => {
          const values: Record<string, string | undefined> = {
            origin: h.origin,
            referer: h.referer,
            'sec-fetch-site': h.site,
            'x-csrftoken': h.token,
          };
          const rejection = checkCsrf({
            method,
            url: new URL(url),
            header: (name) => values[name.toLowerCase()],
            cookie,
            formToken,
            settings,
          });
          expect(rejection === null || typeof rejection.message === 'string').toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  test('without a token carrying the secret, an unsafe request never passes', () => {
    fc.assert(
      fc.property(anyToken, anyToken, (formToken, header) => {
        fc.pre(formToken !== TEST_SECRET && header !== TEST_SECRET);
        const headers = tokenHeader(header);
        expect(check({ cookie: TEST_SECRET, formToken, headers })).not.toBeNull();
      }),
      { numRuns: 2000 },
    );
  });
});
