import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { deleteCookieHeader, MAX_COOKIE_HEADER_LENGTH, parseCookies, serializeCookie } from './cookies.js';

describe('parseCookies', () => {
  test('reads name=value pairs separated by semicolons', () => {
    const cookies = parseCookies('sessionid=abc123; csrftoken=def456;theme=dark');
    expect([...cookies]).toEqual([
      ['sessionid', 'abc123'],
      ['csrftoken', 'def456'],
      ['theme', 'dark'],
    ]);
  });

  test('the first of duplicate names wins (the most specific path comes first, RFC 6265 5.4)', () => {
    expect(parseCookies('sessionid=first; sessionid=second').get('sessionid')).toBe('first');
  });

  test('a malformed duplicate does not shadow a later valid one', () => {
    expect(parseCookies('sessionid=bad\\value; sessionid=good').get('sessionid')).toBe('good');
  });

  test('skips malformed pairs and keeps the rest', () => {
    const cookies = parseCookies(
      'novalue; =nameless; bad name=x; ok=1; comma=a,b; quote=a"b; back=a\\b; also=2',
    );
    expect([...cookies]).toEqual([
      ['ok', '1'],
      ['also', '2'],
    ]);
  });

  test('strips one pair of surrounding double quotes', () => {
    const cookies = parseCookies('a="quoted"; b=""; c="; d="x');
    expect(cookies.get('a')).toBe('quoted');
    expect(cookies.get('b')).toBe('');
    expect(cookies.has('c')).toBe(false);
    expect(cookies.has('d')).toBe(false);
  });

  test('keeps an empty value and values containing "="', () => {
    const cookies = parseCookies('empty=; token=abc==');
    expect(cookies.get('empty')).toBe('');
    expect(cookies.get('token')).toBe('abc==');
  });

  test('a missing, empty or oversized header gives an empty map', () => {
    expect(parseCookies(undefined).size).toBe(0);
    expect(parseCookies(null).size).toBe(0);
    expect(parseCookies('').size).toBe(0);
    const oversized = `sessionid=abc; pad=${'x'.repeat(MAX_COOKIE_HEADER_LENGTH)}`;
    expect(parseCookies(oversized).size).toBe(0);
    const justFits = `sessionid=abc; pad=${'x'.repeat(MAX_COOKIE_HEADER_LENGTH - 19)}`;
    expect(justFits).toHaveLength(MAX_COOKIE_HEADER_LENGTH);
    expect(parseCookies(justFits).get('sessionid')).toBe('abc');
  });

  test('never throws, and every parsed cookie has a token name and a cookie-octet value', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (header) => {
        for (const [name, value] of parseCookies(header)) {
          expect(name).toMatch(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/);
          // RFC 6265 4.1.1 cookie-octet: %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E.
          expect(value).toMatch(/^[!#-+\--:<-[\]-~]*$/);
        }
      }),
      { numRuns: 500 },
    );
  });

  test('whatever serializeCookie writes, parseCookies reads back', () => {
    const name = fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/);
    const value = fc.stringMatching(/^[A-Za-z0-9._~:=/-]{0,40}$/);
    fc.assert(
      fc.property(name, value, (n, v) => {
        const pair = serializeCookie(n, v).split('; ')[0];
        expect(parseCookies(pair).get(n)).toBe(v);
      }),
    );
  });
});

describe('serializeCookie', () => {
  test('writes every attribute in Set-Cookie syntax', () => {
    const header = serializeCookie('sessionid', 'abc', {
      maxAge: 1_209_600,
      expires: new Date(Date.UTC(2026, 0, 15, 12, 0, 0)),
      domain: 'example.com',
      path: '/',
      secure: true,
      httpOnly: true,
      sameSite: 'Lax',
    });
    expect(header).toBe(
      'sessionid=abc; Expires=Thu, 15 Jan 2026 12:00:00 GMT; Max-Age=1209600; Domain=example.com; Path=/; Secure; HttpOnly; SameSite=Lax',
    );
  });

  test('omits attributes that are not set, and SameSite when it is false', () => {
    expect(serializeCookie('a', 'b')).toBe('a=b');
    expect(serializeCookie('a', 'b', { sameSite: false, secure: false, httpOnly: false, domain: null })).toBe(
      'a=b',
    );
  });

  test('rounds Max-Age down to whole seconds and never below 0', () => {
    expect(serializeCookie('a', 'b', { maxAge: 59.9 })).toBe('a=b; Max-Age=59');
    expect(serializeCookie('a', 'b', { maxAge: -5 })).toBe('a=b; Max-Age=0');
  });

  test.each(['CR', 'LF', 'semicolon'])('refuses a %s in the name, value, path or domain', (which) => {
    const bad = { CR: '\r', LF: '\n', semicolon: ';' }[which] as string;
    expect(() => serializeCookie(`a${bad}b`, 'v')).toThrow(TypeError);
    expect(() => serializeCookie('a', `v${bad}Set-Cookie: evil=1`)).toThrow(TypeError);
    expect(() => serializeCookie('a', 'v', { path: `/${bad}Domain=evil.test` })).toThrow(TypeError);
    expect(() => serializeCookie('a', 'v', { domain: `example.com${bad}` })).toThrow(TypeError);
  });

  test('refuses values that are not cookie-octets, and an empty name', () => {
    for (const value of ['a b', 'a,b', 'a"b', 'a\\b', 'é'])
      expect(() => serializeCookie('a', value)).toThrow(TypeError);
    expect(() => serializeCookie('', 'v')).toThrow(TypeError);
  });

  test('refuses a SameSite, Max-Age or Expires that is not a real value', () => {
    const sameSite = 'Lax\r\nSet-Cookie: evil=1' as 'Lax';
    expect(() => serializeCookie('a', 'b', { sameSite })).toThrow(TypeError);
    expect(() => serializeCookie('a', 'b', { maxAge: Number.NaN })).toThrow(TypeError);
    expect(() => serializeCookie('a', 'b', { maxAge: Number.POSITIVE_INFINITY })).toThrow(TypeError);
    expect(() => serializeCookie('a', 'b', { expires: new Date('not a date') })).toThrow(TypeError);
  });

  test('no input ever puts CR, LF or a stray semicolon into the header', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), fc.string(), (name, value, path, domain) => {
        let header: string;
        try {
          header = serializeCookie(name, value, { path, domain });
        } catch (error) {
          expect(error).toBeInstanceOf(TypeError);
          return;
        }
        expect(header).not.toMatch(/[\r\n]/);
        // Exactly the separators serializeCookie adds: name=value, Domain (if any) and Path.
        expect(header.split(';')).toHaveLength(domain ? 3 : 2);
      }),
      { numRuns: 500 },
    );
  });
});

describe('deleteCookieHeader', () => {
  test('carries the same path, domain, SameSite and Secure with Max-Age=0 and an Expires in 1970', () => {
    const header = deleteCookieHeader('sessionid', {
      path: '/app/',
      domain: 'example.com',
      sameSite: 'Strict',
      secure: true,
      httpOnly: true,
    });
    expect(header).toBe(
      'sessionid=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Domain=example.com; Path=/app/; Secure; HttpOnly; SameSite=Strict',
    );
  });

  test('a deletion without Secure stays without it for an unprefixed name', () => {
    expect(deleteCookieHeader('sessionid', { path: '/', sameSite: 'Lax' })).toBe(
      'sessionid=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax',
    );
  });

  test.each(['__Host-sid', '__Secure-sid', '__host-sid'])(
    'deleting the prefixed cookie %s always carries Secure, or the browser ignores it',
    (name) => {
      expect(deleteCookieHeader(name, { path: '/', secure: false }).split('; ')).toContain('Secure');
    },
  );

  test('refuses the same header-splitting input as serializeCookie', () => {
    expect(() => deleteCookieHeader('sessionid', { path: '/\r\nX: y' })).toThrow(TypeError);
  });
});
