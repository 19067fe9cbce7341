import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createManualClock } from '../core/clock.js';
import { createMemoryLogger, silentLogger } from '../core/logger.js';
import { dumps } from '../core/signing.js';
import { createSignedCodec } from './codec.js';

const SECRET = 'codec-test-secret-0123456789-0123456789-0123456789';
const clock = createManualClock();

describe('createSignedCodec', () => {
  test('decode(encode(data)) returns the data', () => {
    const codec = createSignedCodec({ secret: SECRET, clock, logger: silentLogger });
    const data = {
      _auth_user_id: '42',
      cart: ['apple', 'pear'],
      nested: { n: 1.5, ok: true, none: null },
      é: '🐍',
    };
    expect(codec.decode(codec.encode(data))).toEqual(data);
    expect(codec.decode(codec.encode({}))).toEqual({});
  });

  test('the payload is a signed, timestamped token, compressed from 1 KiB of JSON on', () => {
    const codec = createSignedCodec({ secret: SECRET, clock, logger: silentLogger });
    const big = codec.encode({ cart: Array.from({ length: 200 }, () => 'apple') });
    expect(big.startsWith('.')).toBe(true);
    expect(big.split(':')).toHaveLength(3);
    // ~800 bytes would deflate well, but a session this size is read far more often than written.
    const typical = codec.encode({ cart: Array.from({ length: 100 }, () => 'apple') });
    expect(typical.startsWith('.')).toBe(false);
    expect(codec.decode(typical)).toEqual({ cart: Array.from({ length: 100 }, () => 'apple') });
    expect(codec.encode({ a: 1 }).startsWith('.')).toBe(false);
  });

  test('a payload decoded again gives a fresh copy, and a tampered copy of it is still refused', () => {
    const logger = createMemoryLogger();
    const codec = createSignedCodec({ secret: SECRET, clock, logger });
    const payload = codec.encode({ _auth_user_id: '7', cart: ['apple'] });
    const first = codec.decode(payload) as { cart: string[] };
    first.cart.push('pear');
    expect(codec.decode(payload)).toEqual({ _auth_user_id: '7', cart: ['apple'] });
    const [value = '', stamp = '', signature = ''] = payload.split(':');
    const flipped = `${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`;
    expect(codec.decode(`${value}:${stamp}:${flipped}`)).toBeNull();
    expect(codec.decode(`${payload} `)).toBeNull();
    // Another secret (a process after rotation) does not trust what this one verified.
    const other = createSignedCodec({ secret: `${SECRET}-other`, clock, logger: silentLogger });
    expect(other.decode(payload)).toBeNull();
  });

  test('a tampered payload decodes as null and logs security.session_corrupted without the payload', () => {
    const logger = createMemoryLogger();
    const codec = createSignedCodec({ secret: SECRET, clock, logger });
    const payload = codec.encode({ _auth_user_id: '1' });
    const forged = dumps({ _auth_user_id: 'admin' }, { secret: 'attacker-secret', salt: 'x' }).split(':')[0];
    const tampered = `${forged}${payload.slice(payload.indexOf(':'))}`;
    expect(codec.decode(tampered)).toBeNull();
    expect(logger.events).toEqual([
      { level: 'warn', event: 'security.session_corrupted', fields: { reason: expect.any(String) } },
    ]);
    const logged = JSON.stringify(logger.events);
    expect(logged).not.toContain(tampered);
    expect(logged).not.toContain(payload.slice(payload.lastIndexOf(':') + 1));
    expect(logged).not.toContain(SECRET);
  });

  test('a payload signed with another secret or another salt decodes as null', () => {
    const logger = createMemoryLogger();
    const codec = createSignedCodec({ secret: SECRET, clock, logger });
    const other = createSignedCodec({ secret: `${SECRET}-other`, clock, logger: silentLogger });
    expect(codec.decode(other.encode({ a: 1 }))).toBeNull();
    const otherSalt = dumps({ a: 1 }, { secret: SECRET, salt: 'django.core.signing', compress: true });
    expect(codec.decode(otherSalt)).toBeNull();
    expect(logger.events.map((e) => e.event)).toEqual([
      'security.session_corrupted',
      'security.session_corrupted',
    ]);
  });

  test('rotation: payloads written under a fallback secret still decode', () => {
    const old = createSignedCodec({ secret: 'old-secret', clock, logger: silentLogger });
    const rotated = createSignedCodec({
      secret: SECRET,
      fallbacks: ['old-secret'],
      clock,
      logger: silentLogger,
    });
    const payload = old.encode({ a: 1 });
    expect(rotated.decode(payload)).toEqual({ a: 1 });
    expect(createSignedCodec({ secret: SECRET, clock, logger: silentLogger }).decode(payload)).toBeNull();
    // New payloads use the current secret only.
    expect(old.decode(rotated.encode({ b: 2 }))).toBeNull();
  });

  test('genuine payloads that are not objects decode as null, logged', () => {
    const logger = createMemoryLogger();
    const codec = createSignedCodec({ secret: SECRET, clock, logger });
    for (const value of [[1, 2], 'text', 42, null]) {
      const payload = dumps(value, { secret: SECRET, salt: 'latchkey.sessions.SessionStore' });
      expect(codec.decode(payload)).toBeNull();
    }
    expect(logger.events).toHaveLength(4);
    expect(logger.events.every((e) => e.fields.reason === 'not an object')).toBe(true);
  });

  test('garbage never throws and always decodes as null', () => {
    const codec = createSignedCodec({ secret: SECRET, clock, logger: silentLogger });
    fc.assert(
      fc.property(fc.string(), (payload) => {
        expect(codec.decode(payload)).toBeNull();
      }),
      { numRuns: 300 },
    );
  });
});
