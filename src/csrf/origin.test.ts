import { describe, expect, test } from 'vitest';
import { defineSettings, type Settings } from '../core/settings.js';
import { checkCsrf } from './check.js';
import { isSameDomain, isTrustedOrigin } from './origin.js';
import type { CsrfRejection } from './reasons.js';

const COOKIE = 'lcccccccX2kcccccccY2jcccccccssIC';
const TOKEN = '2JgchWvM1tpxT2lfz9aydoXW9yT1DN3NdLiejYxOOlzzV4nhBbYqmqZYbAV3V5Bf';

function settingsWith(overrides: Partial<Settings> = {}): Settings {
  return defineSettings({ SECRET_KEY: 'k'.repeat(50), ALLOWED_HOSTS: ['www.example.com'], ...overrides });
}

// A POST carrying a good cookie and token, so only the Origin/Referer layer can refuse it.
function post(url: string, headers: Record<string, string>, settings = settingsWith()): CsrfRejection | null {
  const lower = new Map(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  return checkCsrf({
    method: 'POST',
    url: new URL(url),
    header: (name) => lower.get(name.toLowerCase()),
    cookie: COOKIE,
    formToken: TOKEN,
    settings,
  });
}

describe("isSameDomain (Django's is_same_domain)", () => {
  test.each([
    ['example.com', 'example.com'],
    ['example.com', '.example.com'],
    ['foo.example.com', '.example.com'],
    ['example.com:8888', 'example.com:8888'],
    ['example.com:8888', '.example.com:8888'],
    ['foo.example.com:8888', '.example.com:8888'],
  ])('%s matches %s', (host, pattern) => {
    expect(isSameDomain(host, pattern)).toBe(true);
  });

  test.each([
    ['example2.com', 'example.com'],
    ['foo.example.com', 'example.com'],
    ['example.com:9999', 'example.com:8888'],
    ['foo.example.com:8888', ''],
    ['evilexample.com', '.example.com'],
  ])('%s does not match %s', (host, pattern) => {
    expect(isSameDomain(host, pattern)).toBe(false);
  });
});

describe('Origin', () => {
  const bad = (origin: string): CsrfRejection => ({
    reason: 'bad_origin',
    message: `Origin checking failed - ${origin} does not match any trusted origins.`,
  });

  test('the request’s own origin passes, over HTTP and HTTPS', () => {
    expect(post('http://www.example.com/', { Origin: 'http://www.example.com' })).toBeNull();
    expect(post('https://www.example.com/', { Origin: 'https://www.example.com' })).toBeNull();
    expect(post('https://www.example.com:8443/', { Origin: 'https://www.example.com:8443' })).toBeNull();
  });

  test.each([
    ['another domain', 'http://www.example.com/', 'https://www.evil.org'],
    ['null', 'http://www.example.com/', 'null'],
    ['an empty Origin', 'http://www.example.com/', ''],
    ['the wrong scheme', 'https://www.example.com/', 'http://www.example.com'],
    ['the wrong port', 'https://www.example.com/', 'https://www.example.com:8443'],
    ['an unparsable origin', 'http://www.example.com/', 'https://['],
  ])('%s is refused', (_, url, origin) => {
    expect(post(url, { Origin: origin })).toEqual(bad(origin));
  });

  test('a host outside ALLOWED_HOSTS is no good origin, even for itself', () => {
    expect(post('https://evil.example/', { Origin: 'https://evil.example' })).toEqual(
      bad('https://evil.example'),
    );
  });

  test('with DEBUG and no ALLOWED_HOSTS, localhost is its own origin', () => {
    const debug = defineSettings({ DEBUG: true });
    expect(post('http://localhost:8000/', { Origin: 'http://localhost:8000' }, debug)).toBeNull();
    expect(post('http://evil.example/', { Origin: 'http://evil.example' }, debug)?.reason).toBe('bad_origin');
  });

  test('CSRF_TRUSTED_ORIGINS entries pass exactly, and wildcards by subdomain with the same scheme', () => {
    const trusting = settingsWith({
      CSRF_TRUSTED_ORIGINS: ['http://no-match.com', 'https://*.example.com', 'https://dashboard.partner.com'],
    });
    expect(
      post('https://www.example.com/', { Origin: 'https://dashboard.partner.com' }, trusting),
    ).toBeNull();
    expect(post('https://www.example.com/', { Origin: 'https://foo.example.com' }, trusting)).toBeNull();
    expect(post('https://www.example.com/', { Origin: 'http://foo.example.com' }, trusting)).toEqual(
      bad('http://foo.example.com'),
    );
    expect(post('https://www.example.com/', { Origin: 'https://x.partner.com' }, trusting)?.reason).toBe(
      'bad_origin',
    );
  });

  test('isTrustedOrigin ignores a wildcard of another scheme', () => {
    expect(isTrustedOrigin('https://a.b.example.com', ['https://*.example.com'])).toBe(true);
    expect(isTrustedOrigin('http://a.example.com', ['https://*.example.com'])).toBe(false);
    expect(isTrustedOrigin('https://example.com.evil', ['https://*.example.com'])).toBe(false);
  });
});

describe('Referer, for HTTPS requests without Origin', () => {
  const url = 'https://www.example.com/form/';

  test('no Referer is refused', () => {
    expect(post(url, {})).toEqual({ reason: 'no_referer', message: 'Referer checking failed - no Referer.' });
  });

  test('a Referer from another site is refused, quoting it', () => {
    expect(post(url, { Referer: 'https://www.evil.org/somepage' })).toEqual({
      reason: 'bad_referer',
      message: 'Referer checking failed - https://www.evil.org/somepage does not match any trusted origins.',
    });
  });

  test.each(['', 'ØBöIß', '//example.com/', 'https://', 'https://['])(
    'a malformed Referer %j is refused',
    (ref) => {
      expect(post(url, { Referer: ref })).toEqual({
        reason: 'malformed_referer',
        message: 'Referer checking failed - Referer is malformed.',
      });
    },
  );

  test('an http:// Referer is refused while the host is secure', () => {
    const expected = {
      reason: 'insecure_referer',
      message: 'Referer checking failed - Referer is insecure while host is secure.',
    };
    expect(post(url, { Referer: 'http://http://www.example.com/' })).toEqual(expected);
    expect(
      post(url, { Referer: 'http://www.example.com/' }, settingsWith({ CSRF_COOKIE_DOMAIN: '.example.com' })),
    ).toEqual(expected);
  });

  test.each(['https://www.example.com/somepage', 'https://www.example.com'])(
    'the own site %s passes',
    (ref) => {
      expect(post(url, { Referer: ref })).toBeNull();
    },
  );

  test('trusted origins pass, exactly or by wildcard, even when the Host is not allowed', () => {
    const exact = settingsWith({ CSRF_TRUSTED_ORIGINS: ['https://dashboard.example.com'] });
    const wildcard = settingsWith({ CSRF_TRUSTED_ORIGINS: ['https://*.example.com'] });
    expect(post(url, { Referer: 'https://dashboard.example.com' }, exact)).toBeNull();
    expect(post(url, { Referer: 'https://dashboard.example.com' }, wildcard)).toBeNull();
    expect(
      post('https://internal.invalid/', { Referer: 'https://dashboard.example.com/p' }, exact),
    ).toBeNull();
    expect(post('https://internal.invalid/', { Referer: 'https://internal.invalid/p' }, exact)?.reason).toBe(
      'bad_referer',
    );
  });

  test('CSRF_COOKIE_DOMAIN admits its subdomains, on the request’s port', () => {
    const cookieDomain = settingsWith({ CSRF_COOKIE_DOMAIN: '.example.com' });
    expect(post(url, { Referer: 'https://foo.example.com/' }, cookieDomain)).toBeNull();
    const on4443 = 'https://www.example.com:4443/form/';
    expect(post(on4443, { Referer: 'https://foo.example.com:4443/' }, cookieDomain)).toBeNull();
    expect(post(on4443, { Referer: 'https://foo.example.com/' }, cookieDomain)?.reason).toBe('bad_referer');
  });

  test('plain HTTP requests without Origin skip the Referer check and rely on the token', () => {
    expect(post('http://www.example.com/form/', {})).toBeNull();
  });

  test('an Origin, when sent, decides instead of the Referer', () => {
    expect(post(url, { Origin: 'https://www.example.com', Referer: 'https://www.evil.org/' })).toBeNull();
  });
});
