/**
 * Property-based tests (fast-check) of the pure layers every request crosses: cookie parsing and
 * serialisation, CSRF masking and the CSRF check, signed values, and the safe-redirect check, with
 * random and adversarial input. None may throw where it promises not to, and none may let a
 * foreign host or a forged value through. (src/http/safe-url.test.ts already throws thousands of
 * adversarial URLs at the check itself; here Unicode look-alikes and the login view end to end.)
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createManualClock } from '../../src/core/clock.js';
import { parseCookies, serializeCookie } from '../../src/core/cookies.js';
import { BadSignatureError, SignatureExpiredError } from '../../src/core/errors.js';
import { defineSettings } from '../../src/core/settings.js';
import { dumps, loads, Signer, TimestampSigner } from '../../src/core/signing.js';
import { checkCsrf } from '../../src/csrf/check.js';
import { doesTokenMatch, maskSecret, parseCsrfCookie, unmaskToken } from '../../src/csrf/tokens.js';
import { safeRedirectTarget } from '../../src/http/safe-url.js';
import { TEST_SECRET } from '../support/app.js';
import { type Harness, startHarness } from './harness.js';

/** Any UTF-16 string, lone surrogates included. */
const anyText = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  maxLength: 120,
});
const secretArb = fc.stringMatching(/^[a-zA-Z0-9]{32}$/);
const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const cookieOctets = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/;

describe('cookies', () => {
  const hostilePiece = fc.constantFrom(
    ';',
    ',',
    '=',
    '"',
    ' ',
    '\t',
    '\r\n',
    '\0',
    'sessionid=evil',
    '\\',
    'é',
    '\ud800',
  );
  const pair = fc.tuple(fc.stringMatching(/^[a-z]{1,8}$/), anyText).map(([n, v]) => `${n}=${v}`);
  const header = fc
    .tuple(fc.array(fc.oneof(anyText, hostilePiece, pair), { maxLength: 8 }), fc.constantFrom('; ', ';', ''))
    .map(([parts, separator]) => parts.join(separator));

  test('parseCookies never throws, and yields only RFC 6265 names and values', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, header), (raw) => {
        for (const [name, value] of parseCookies(raw)) {
          expect(name).toMatch(token);
          expect(value).toMatch(cookieOctets);
        }
      }),
      { numRuns: 3000 },
    );
  });

  test('a cookie sent first is never overridden by one appended after it (first wins, RFC 6265 5.4)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9]{1,32}$/), anyText, (key, tail) => {
        const cookies = parseCookies(`sessionid=${key}; ${tail}; sessionid=attacker`);
        expect(cookies.get('sessionid')).toBe(key);
      }),
    );
  });

  test('serializeCookie either refuses (TypeError) or writes one header line that parses back', () => {
    fc.assert(
      fc.property(anyText, anyText, anyText, anyText, (name, value, path, domain) => {
        let header: string;
        try {
          header = serializeCookie(name, value, {
            path,
            domain,
            secure: true,
            httpOnly: true,
            sameSite: 'Lax',
          });
        } catch (error) {
          expect(error).toBeInstanceOf(TypeError);
          return;
        }
        expect(header).not.toMatch(/[\r\n\0]/);
        expect(parseCookies(header.split('; ')[0]).get(name)).toBe(value === '' ? undefined : value);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('CSRF masking and the check', () => {
  test('unmask(mask(secret)) is the secret; two masks differ; a token never matches another secret', () => {
    fc.assert(
      fc.property(secretArb, secretArb, (secret, other) => {
        const first = maskSecret(secret);
        const second = maskSecret(secret);
        expect(first).toMatch(/^[a-zA-Z0-9]{64}$/);
        expect(first).not.toBe(second);
        expect(unmaskToken(first)).toBe(secret);
        expect(doesTokenMatch(second, secret)).toBe(true);
        if (other !== secret) expect(doesTokenMatch(first, other)).toBe(false);
      }),
    );
  });

  test('unmaskToken, parseCsrfCookie and doesTokenMatch never throw on anything', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.anything(), anyText, fc.stringMatching(/^[a-zA-Z0-9]{64}$/)),
        secretArb,
        (value, secret) => {
          const unmasked = unmaskToken(value);
          expect(unmasked === null || /^[a-zA-Z0-9]{32}$/.test(unmasked)).toBe(true);
          if (typeof value !== 'string') return;
          const parsed = parseCsrfCookie(value);
          expect(parsed === null || /^[a-zA-Z0-9]{32}$/.test(parsed)).toBe(true);
          expect(doesTokenMatch(value, secret)).toBe(unmasked === secret || value === secret);
        },
      ),
      { numRuns: 3000 },
    );
  });

  test('checkCsrf never throws, and no cross-origin POST passes, whatever its headers and token', () => {
    const settings = defineSettings({ SECRET_KEY: TEST_SECRET, ALLOWED_HOSTS: ['www.example.com'] });
    const foreignOrigin = fc.oneof(
      fc.webUrl().map((u) => new URL(u).origin),
      fc.constantFrom(
        'null',
        'https://www.example.com.evil',
        'http://www.example.com',
        'https://WWW.example.com:444',
      ),
    );
    fc.assert(
      fc.property(
        secretArb,
        foreignOrigin,
        fc.option(anyText),
        fc.option(anyText),
        (secret, origin, site, referer) => {
          if (origin === 'https://www.example.com') return;
          const headers: Record<string, string | null> = {
            origin,
            'sec-fetch-site': site,
            referer,
            'x-csrftoken': maskSecret(secret),
          };
          const rejection = checkCsrf({
            method: 'POST',
            url: new URL('https://www.example.com/accounts/logout/'),
            header: (name) => headers[name.toLowerCase()] ?? null,
            cookie: secret,
            formToken: maskSecret(secret),
            settings,
          });
          expect(rejection).not.toBeNull();
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('signed values', () => {
  const keys = { secret: 'current-secret-0123456789', fallbacks: ['old-secret-0123456789'] };

  test('unsign and loads throw only BadSignatureError on random input', () => {
    const signer = new Signer({ ...keys, salt: 'properties' });
    fc.assert(
      fc.property(anyText, (input) => {
        expect(() => signer.unsign(input)).toThrow(BadSignatureError);
        expect(() => loads(input, { ...keys, salt: 'properties' })).toThrow(BadSignatureError);
      }),
      { numRuns: 3000 },
    );
  });

  test('any one-character change to a signed value is refused', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 2 }),
        fc.nat(),
        anyText.filter((s) => s.length === 1),
        (value, at, char) => {
          const signed = dumps(value, { ...keys, salt: 'properties', compress: true });
          const i = at % signed.length;
          const changed = signed.slice(0, i) + char + signed.slice(i + 1);
          if (changed === signed) return;
          expect(() => loads(changed, { ...keys, salt: 'properties' })).toThrow(BadSignatureError);
        },
      ),
      { numRuns: 2000 },
    );
  });

  test('round trip for any JSON; a fallback key verifies; another salt or an unknown key never does', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 3 }),
        fc.string({ minLength: 1, maxLength: 20 }),
        (value, stranger) => {
          const json = JSON.parse(JSON.stringify(value)) as unknown;
          const signedNow = dumps(value, { secret: keys.secret, salt: 'a', compress: true });
          expect(loads(signedNow, { ...keys, salt: 'a' })).toEqual(json);
          const signedBefore = dumps(value, { secret: keys.fallbacks[0] as string, salt: 'a' });
          expect(loads(signedBefore, { ...keys, salt: 'a' })).toEqual(json);
          expect(() => loads(signedBefore, { secret: keys.secret, salt: 'a' })).toThrow(BadSignatureError);
          expect(() => loads(signedNow, { ...keys, salt: 'b' })).toThrow(BadSignatureError);
          if (!keys.fallbacks.includes(stranger) && stranger !== keys.secret) {
            const forged = dumps(value, { secret: stranger, salt: 'a' });
            expect(() => loads(forged, { ...keys, salt: 'a' })).toThrow(BadSignatureError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  test('a timestamped value older than maxAge is refused as expired, on the injected clock', () => {
    fc.assert(
      fc.property(
        anyText,
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 0, max: 20_000_000 }),
        (value, maxAge, age) => {
          const clock = createManualClock();
          const signer = new TimestampSigner({ ...keys, salt: 'age', clock });
          const signed = signer.sign(value);
          clock.advance(age * 1000);
          if (age > maxAge) expect(() => signer.unsign(signed, { maxAge })).toThrow(SignatureExpiredError);
          else expect(signer.unsign(signed, { maxAge })).toBe(value);
        },
      ),
    );
  });
});

describe('safe redirects: Unicode look-alikes and the login view end to end (INVARIANTS 7)', () => {
  const lookalike = fc.constantFrom(
    '／',
    '＼',
    '。',
    '．',
    '\u2044',
    '\u2215',
    '%2e',
    '%5c',
    '%2f',
    '\u00ad',
    '\u200d',
    'ＥＶＩＬ.example',
    'evil。example',
    'xn--e1afmkfd.example',
  );
  const adversarial = fc
    .tuple(
      fc.constantFrom('', '/', '//', '\\\\', 'https:', 'https://', '/\\'),
      fc.array(fc.oneof(lookalike, fc.constantFrom('evil.example', '@', ':', '/', '\\', 'testserver', '.')), {
        minLength: 1,
        maxLength: 5,
      }),
    )
    .map(([head, parts]) => head + parts.join(''));

  test('targets built from look-alikes never resolve to another host', () => {
    fc.assert(
      fc.property(adversarial, (url) => {
        const target = safeRedirectTarget([url], { allowedHosts: ['testserver'] });
        if (target === null) return;
        expect(target).toMatch(/^[\x21-\x7e]+$/);
        expect(new URL(target, 'http://testserver/').host).toBe('testserver');
      }),
      { numRuns: 5000 },
    );
  });

  describe('through POST /accounts/login/', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ settings: { LOGIN_THROTTLE_ENABLED: false } });
      await h.createUser('alice', 'correct horse battery');
    });
    afterAll(() => h.close());

    test('the Location after login is always on this host, whatever `next` was', async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(adversarial, anyText, fc.webUrl()), async (next) => {
          const response = await h.browser().login('alice', 'correct horse battery', next);
          expect(response.status).toBe(302);
          const location = response.headers.get('location') as string;
          expect(new URL(location, 'http://localhost/').host).toBe('localhost');
        }),
        { numRuns: 60 },
      );
    });
  });
});
