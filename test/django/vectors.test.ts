/**
 * Known answers from the real Django (3.2, Debian's python3-django), made by
 * `test/django/vectors/generate.py` and checked in: Latchkey must read what Django wrote and write
 * byte for byte what Django would write.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { DJANGO_SESSION_AUTH_HASH_SALT, sessionAuthHash } from '../../src/auth/session-hash.js';
import { createManualClock } from '../../src/core/clock.js';
import { createMemoryLogger } from '../../src/core/logger.js';
import { doesTokenMatch, maskSecret, parseCsrfCookie, unmaskToken } from '../../src/csrf/tokens.js';
import {
  createDjangoMessageSigning,
  fromDjangoSessionMessages,
  toDjangoSessionMessages,
} from '../../src/django/messages-format.js';
import { createDjangoSessionCodec } from '../../src/django/session-codec.js';
import { decodeDjangoSignedCookie, encodeDjangoSignedCookie } from '../../src/django/signed-cookies.js';

interface Vectors {
  secretKey: string;
  oldKey: string;
  now: number;
  sessions: { data: Record<string, unknown>; encoded: string; legacy: string }[];
  oldKeySession: { data: Record<string, unknown>; encoded: string };
  signedCookies: { data: Record<string, unknown>; cookie: string }[];
  pickled: string;
  authHashes: { password: string; hash: string }[];
  csrf: { secret: string; token: string }[];
  messages: { messages: [number, string, string][]; cookie: string; session: string }[];
}

const vectors = JSON.parse(
  readFileSync(new URL('./vectors/vectors.json', import.meta.url), 'utf8'),
) as Vectors;

function setup(fallbacks: string[] = []) {
  const clock = createManualClock(new Date(vectors.now * 1000));
  const logger = createMemoryLogger();
  const codec = createDjangoSessionCodec({ secret: vectors.secretKey, fallbacks, clock, logger });
  return { clock, logger, codec };
}

/** Latchkey's stored form of a message: `[level, text]`, plus extra tags when there are any. */
function stored([level, text, extra]: [number, string, string]): unknown[] {
  return extra === '' ? [level, text] : [level, text, extra];
}

describe('Django session encoding (django_session.session_data)', () => {
  test.each(vectors.sessions.map((v, i) => [i, v] as const))('vector %i: Django’s row decodes', (_, v) => {
    expect(setup().codec.decode(v.encoded)).toEqual(v.data);
  });

  test.each(vectors.sessions.map((v, i) => [i, v] as const))(
    'vector %i: Latchkey writes what Django writes (byte for byte unless zlib-compressed)',
    (_, v) => {
      const { codec } = setup();
      const encoded = codec.encode(v.data);
      // Node's zlib (Chromium's) and Python's deflate the same bytes into different, equally valid
      // streams; compressed payloads are then compared by what they hold (Django reads them: see
      // cross-app.test.ts), and by the same choice to compress.
      if (v.encoded.startsWith('.')) {
        expect(encoded.startsWith('.')).toBe(true);
        expect(codec.decode(encoded)).toEqual(v.data);
      } else expect(encoded).toBe(v.encoded);
    },
  );

  test.each(vectors.sessions.map((v, i) => [i, v] as const))(
    'vector %i: the pre-3.1 format Django wrote is read too',
    (_, v) => {
      expect(setup().codec.decode(v.legacy)).toEqual(v.data);
    },
  );

  test('a row signed with a key now in SECRET_KEY_FALLBACKS still reads; without the fallback it does not', () => {
    expect(setup([vectors.oldKey]).codec.decode(vectors.oldKeySession.encoded)).toEqual(
      vectors.oldKeySession.data,
    );
    const strict = setup();
    expect(strict.codec.decode(vectors.oldKeySession.encoded)).toBeNull();
    expect(strict.logger.events.map((e) => e.event)).toContain('security.session_corrupted');
  });

  test('a pickled payload (PickleSerializer) is an empty session and a security log line', () => {
    const { codec, logger } = setup();
    expect(codec.decode(vectors.pickled)).toBeNull();
    expect(logger.events).toHaveLength(1);
    expect(logger.events[0]?.event).toBe('security.session_corrupted');
  });

  test('a tampered signature or payload is refused and logged, never thrown', () => {
    const { codec, logger } = setup();
    const row = vectors.sessions[2]?.encoded as string;
    const tampered = [
      `${row.slice(0, -1)}${row.endsWith('A') ? 'B' : 'A'}`,
      `x${row}`,
      '',
      'not base64 at all!',
    ];
    for (const payload of tampered) expect(codec.decode(payload)).toBeNull();
    expect(logger.events.filter((e) => e.event === 'security.session_corrupted')).toHaveLength(
      tampered.length,
    );
  });

  test('a logged-in session written by Latchkey carries Django’s ModelBackend path', () => {
    const { codec } = setup();
    const decoded = codec.decode(codec.encode({ _auth_user_id: '7', _auth_user_hash: 'h' }));
    expect(decoded?._auth_user_backend).toBe('django.contrib.auth.backends.ModelBackend');
  });
});

describe('Django signed_cookies sessions', () => {
  test.each(vectors.signedCookies.map((v, i) => [i, v] as const))('vector %i reads and writes', (_, v) => {
    const { clock, logger } = setup();
    const options = { secret: vectors.secretKey, clock, logger, maxAge: 1_209_600 };
    expect(decodeDjangoSignedCookie(v.cookie, options)).toEqual(v.data);
    const cookie = encodeDjangoSignedCookie(v.data, options);
    if (v.cookie.startsWith('.')) expect(decodeDjangoSignedCookie(cookie, options)).toEqual(v.data);
    else expect(cookie).toBe(v.cookie);
  });

  test('a cookie older than SESSION_COOKIE_AGE is refused, as Django’s load refuses it', () => {
    const { clock, logger } = setup();
    clock.advance(1_209_601_000);
    const cookie = vectors.signedCookies[1]?.cookie as string;
    expect(
      decodeDjangoSignedCookie(cookie, { secret: vectors.secretKey, clock, logger, maxAge: 1_209_600 }),
    ).toBeNull();
  });
});

describe('session auth hash (_auth_user_hash)', () => {
  test.each(vectors.authHashes)('Django’s hash of $password is Latchkey’s', ({ password, hash }) => {
    expect(sessionAuthHash({ password }, vectors.secretKey, DJANGO_SESSION_AUTH_HASH_SALT)).toBe(hash);
  });
});

describe('CSRF tokens', () => {
  test.each(vectors.csrf)('Django’s masked token $token carries its secret', ({ secret, token }) => {
    expect(unmaskToken(token)).toBe(secret);
    expect(parseCsrfCookie(token)).toBe(secret);
    expect(doesTokenMatch(token, secret)).toBe(true);
    expect(doesTokenMatch(maskSecret(secret), secret)).toBe(true);
  });
});

describe('messages (cookie and session storage)', () => {
  const clock = createManualClock(new Date(vectors.now * 1000));
  const signing = createDjangoMessageSigning({ secret: vectors.secretKey, clock });

  test.each(vectors.messages.map((v, i) => [i, v] as const))('vector %i: Django’s cookie reads', (_, v) => {
    expect(signing.unsign(v.cookie)).toEqual(v.messages.map(stored));
  });

  test.each(vectors.messages.map((v, i) => [i, v] as const))(
    'vector %i: Latchkey writes the cookie Django writes (byte for byte unless zlib-compressed)',
    (_, v) => {
      const cookie = signing.sign(v.messages.map(stored));
      if (v.cookie.startsWith('.')) expect(signing.unsign(cookie)).toEqual(v.messages.map(stored));
      else expect(cookie).toBe(v.cookie);
    },
  );

  test.each(vectors.messages.map((v, i) => [i, v] as const))(
    'vector %i: the session form (_messages) reads and writes',
    (_, v) => {
      expect(fromDjangoSessionMessages(v.session)).toEqual(v.messages.map(stored));
      expect(toDjangoSessionMessages(v.messages.map(stored))).toBe(v.session);
    },
  );

  test('a cookie signed with another key is refused', () => {
    const other = createDjangoMessageSigning({ secret: 'another key', clock });
    expect(() => other.unsign(vectors.messages[0]?.cookie as string)).toThrow();
    const rotated = createDjangoMessageSigning({
      secret: 'another key',
      fallbacks: [vectors.secretKey],
      clock,
    });
    expect(rotated.unsign(vectors.messages[0]?.cookie as string)).toEqual([
      [25, 'You have been logged out.'],
    ]);
  });
});
