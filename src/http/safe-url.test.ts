import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { isSafeRedirectUrl, MAX_URL_LENGTH, safeRedirectTarget, splitUrl } from './safe-url.js';
import {
  BAD_URLS_ALLOWED_HOSTS,
  DJANGO_BAD_URLS,
  DJANGO_GOOD_URLS,
  DJANGO_INSECURE_URLS,
  DJANGO_SECURE_URLS,
  DJANGO_VIEW_BAD_NEXT_URLS,
  DJANGO_VIEW_GOOD_NEXT_URLS,
  GOOD_URLS_ALLOWED_HOSTS,
  LATCHKEY_BAD_URLS,
} from './safe-url.vectors.js';

const home = { allowedHosts: ['testserver'] };

describe("Django's url_has_allowed_host_and_scheme vectors", () => {
  test.each(DJANGO_BAD_URLS.map((url) => [JSON.stringify(url), url]))('refuses %s', (_, url) => {
    expect(isSafeRedirectUrl(url, { allowedHosts: BAD_URLS_ALLOWED_HOSTS })).toBe(false);
  });

  test.each(DJANGO_GOOD_URLS)('accepts %s', (url) => {
    expect(isSafeRedirectUrl(url, { allowedHosts: GOOD_URLS_ALLOWED_HOSTS })).toBe(true);
  });

  test.each(DJANGO_VIEW_BAD_NEXT_URLS)('login and logout never follow next=%s', (url) => {
    expect(isSafeRedirectUrl(url, home)).toBe(false);
    expect(safeRedirectTarget([url], home)).toBeNull();
  });

  test.each(DJANGO_VIEW_GOOD_NEXT_URLS)('login and logout follow next=%s unchanged', (url) => {
    expect(safeRedirectTarget([url], home)).toBe(url);
  });

  test.each(DJANGO_SECURE_URLS)('requireHttps accepts %s', (url) => {
    expect(isSafeRedirectUrl(url, { allowedHosts: ['example.com'], requireHttps: true })).toBe(true);
  });

  test.each(DJANGO_INSECURE_URLS)('requireHttps refuses %s', (url) => {
    expect(isSafeRedirectUrl(url, { allowedHosts: ['example.com'], requireHttps: true })).toBe(false);
  });

  test('userinfo is part of the host that must be allowed (test_basic_auth)', () => {
    expect(
      isSafeRedirectUrl('http://user:pass@testserver/', { allowedHosts: ['user:pass@testserver'] }),
    ).toBe(true);
    expect(isSafeRedirectUrl('http://user:pass@testserver/', home)).toBe(false);
  });

  test('with no allowed hosts, paths pass and hosts do not (test_no_allowed_hosts)', () => {
    expect(isSafeRedirectUrl('/confirm/me@example.com', { allowedHosts: [] })).toBe(true);
    expect(isSafeRedirectUrl(String.raw`http://testserver\@example.com`, { allowedHosts: [] })).toBe(false);
  });

  test('hosts match exactly, not by suffix (test_allowed_hosts_str)', () => {
    expect(isSafeRedirectUrl('http://good.com/good', { allowedHosts: ['good.com'] })).toBe(true);
    expect(isSafeRedirectUrl('http://good.co/evil', { allowedHosts: ['good.com'] })).toBe(false);
    expect(isSafeRedirectUrl('http://evilgood.com/', { allowedHosts: ['good.com'] })).toBe(false);
  });

  test('empty, missing and whitespace-only targets are refused', () => {
    for (const url of ['', '   ', '\u3000', null, undefined])
      expect(isSafeRedirectUrl(url, home)).toBe(false);
  });

  test(`targets longer than ${MAX_URL_LENGTH} characters are refused`, () => {
    expect(isSafeRedirectUrl(`/${'a'.repeat(MAX_URL_LENGTH - 1)}`, home)).toBe(true);
    expect(isSafeRedirectUrl(`/${'a'.repeat(MAX_URL_LENGTH)}`, home)).toBe(false);
  });
});

describe('Latchkey is stricter than Django', () => {
  test.each(LATCHKEY_BAD_URLS.map((url) => [JSON.stringify(url), url]))(
    'INVARIANTS 7: refuses %s (control character or hostless //)',
    (_, url) => {
      expect(isSafeRedirectUrl(url, home)).toBe(false);
      expect(safeRedirectTarget([url], home)).toBeNull();
    },
  );
});

describe('splitUrl follows Python urlsplit', () => {
  test.each([
    ['HTTPS://example.com/a?b#c', ['https', 'example.com', '/a', 'b', 'c']],
    ['//testserver/', ['', 'testserver', '/', '', '']],
    ['http:999999999', ['http', '', '999999999', '', '']],
    ['path/http:2222222222', ['', '', 'path/http:2222222222', '', '']],
    ['1http://x', ['', '', '1http://x', '', '']],
    ['http://[::1]:8000/p', ['http', '[::1]:8000', '/p', '', '']],
    ['https://user@host?x#y', ['https', 'user@host', '', 'x', 'y']],
  ])('splits %s', (url, [scheme, netloc, path, query, fragment]) => {
    expect(splitUrl(url)).toEqual({ scheme, netloc, path, query, fragment });
  });

  test.each(['https://[', 'http://[::1/', 'http://::1]/', 'http://[127.0.0.1]/', 'http://x[::1]/'])(
    'returns null where Python raises ValueError: %s',
    (url) => {
      expect(splitUrl(url)).toBeNull();
    },
  );

  test('refuses a netloc that NFKC normalisation turns into another host', () => {
    // U+FF03 (fullwidth #) becomes "#" under NFKC: Python raises ValueError (bpo-36216).
    expect(splitUrl('https://evil.example\uff03.testserver/')).toBeNull();
  });
});

describe('safeRedirectTarget', () => {
  test('returns the first safe candidate, skipping missing and unsafe ones', () => {
    expect(safeRedirectTarget([null, undefined, '//evil.example/', '/second/', '/third/'], home)).toBe(
      '/second/',
    );
  });

  test('returns null when no candidate is safe', () => {
    expect(safeRedirectTarget([null, 'https://evil.example/', ''], home)).toBeNull();
    expect(safeRedirectTarget([], home)).toBeNull();
  });

  test("trims the target and percent-encodes it like Django's iri_to_uri", () => {
    expect(safeRedirectTarget(['  /caf\u00e9/\u65e5 "x"  '], home)).toBe('/caf%C3%A9/%E6%97%A5%20%22x%22');
    expect(safeRedirectTarget(["/a/?b=c&d=%20#e;f:g@h!$'()*+,~"], home)).toBe(
      "/a/?b=c&d=%20#e;f:g@h!$'()*+,~",
    );
  });
});

// Pieces of redirect targets that browsers and urlsplit have been known to read differently.
const prefixes = ['', ' ', '\u00a0', '\u3000', '\t', '\n', '\x00', '\x08', '\x1f', '\ufeff', '\u200b'];
const schemes = ['', 'http:', 'https:', 'HTTP:', 'hTtPs:', 'javascript:', 'ftp:', 'data:', 'java\tscript:'];
const slashes = ['', '/', '//', '///', '\\\\', '/\\', '\\/', '\\', '/\t/', '/\n/', '%2F%2F', '/./'];
const userinfo = ['', 'testserver@', 'testserver\\@', 'user:pass@', 'testserver:80@', '@'];
const hosts = [
  'evil.example',
  'evil.example:80',
  'testserver.evil.example',
  'testserver',
  '[::1]',
  '127.0.0.1',
];
const tails = ['', '/', '/path', '?next=/', '#frag', '\\@testserver', '@testserver', '/\r\nSet-Cookie:x=y'];

const adversarialUrl = fc
  .tuple(
    fc.constantFrom(...prefixes),
    fc.constantFrom(...schemes),
    fc.constantFrom(...slashes),
    fc.constantFrom(...userinfo),
    fc.constantFrom(...hosts),
    fc.constantFrom(...tails),
  )
  .map((parts) => parts.join(''));

// Accepted URLs with hostile fragments spliced in at random places.
const goodSeeds = ['https://testserver/path', '//testserver/', '/path/', 'http://testserver', 'next/?a=b'];
const hostile = [
  '\\',
  '/',
  '//',
  '@',
  'evil.example',
  '@evil.example',
  ':',
  '#',
  '?',
  '%',
  '.',
  ' ',
  '\t',
  '\n',
  '\u3000',
];
const splicedUrl = fc
  .tuple(
    fc.constantFrom(...goodSeeds),
    fc.array(fc.tuple(fc.nat(), fc.constantFrom(...hostile)), { minLength: 1, maxLength: 3 }),
  )
  .map(([seed, inserts]) =>
    inserts.reduce((url, [at, piece]) => {
      const i = at % (url.length + 1);
      return url.slice(0, i) + piece + url.slice(i);
    }, seed),
  );

const anyString = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) });

function resolvesHome(url: string, base: string): boolean {
  return new URL(url, base).host === 'testserver';
}

// The raw input may be no URL at all for a browser (e.g. a trailing U+3000 that Python's strip()
// removes), which is harmless; what matters is that it never names another host.
function neverForeign(url: string, base: string): boolean {
  return !URL.canParse(url, base) || resolvesHome(url, base);
}

describe('property: nothing foreign gets through (INVARIANTS 7)', () => {
  test('adversarial and random targets never throw, and accepted ones resolve to the allowed host', () => {
    fc.assert(
      fc.property(fc.oneof(adversarialUrl, splicedUrl, anyString, fc.webUrl()), (url) => {
        const safe = isSafeRedirectUrl(url, home);
        const target = safeRedirectTarget([url], home);
        expect(target !== null).toBe(safe);
        if (target === null) return;
        expect(target).toMatch(/^[\x21-\x7e]+$/);
        expect(neverForeign(url, 'http://testserver/')).toBe(true);
        expect(resolvesHome(target, 'http://testserver/')).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  test('with requireHttps, accepted targets resolve to https on the allowed host', () => {
    fc.assert(
      fc.property(fc.oneof(adversarialUrl, splicedUrl), (url) => {
        const target = safeRedirectTarget([url], { ...home, requireHttps: true });
        if (target === null) return;
        const resolved = new URL(target, 'https://testserver/');
        expect([resolved.protocol, resolved.host]).toEqual(['https:', 'testserver']);
      }),
      { numRuns: 3000 },
    );
  });
});
