import { describe, expect, test } from 'vitest';
import { createManualClock } from '../core/clock.js';
import {
  decodeUid,
  encodeUid,
  PasswordResetTokenGenerator,
  type ResetTokenUser,
} from './password-reset-token.js';

const SECRET = 'test-secret-key-that-is-long-enough-for-production-rules-0123456789';
const alice: ResetTokenUser = {
  id: '42',
  username: 'alice',
  password: 'pbkdf2_sha256$1000$abc$xyz',
  isActive: true,
  email: 'alice@example.com',
  lastLogin: new Date('2026-05-01T09:00:00.123Z'),
};

function generator(options: { secret?: string; fallbacks?: string[]; timeout?: number } = {}) {
  const clock = createManualClock(new Date('2026-05-01T10:00:00Z'));
  const tokens = new PasswordResetTokenGenerator({
    secret: options.secret ?? SECRET,
    fallbacks: options.fallbacks ?? [],
    timeout: options.timeout ?? 259_200,
    now: () => clock.now(),
  });
  return { clock, tokens };
}

describe('password reset tokens (Django’s PasswordResetTokenGenerator)', () => {
  test('the same token as Django 3.2.25 makes for the same user, secret and time', () => {
    // From python3-django: PasswordResetTokenGenerator().make_token(user) with _now() fixed at
    // 2026-05-01 10:00:00, pk=42 and the fields above (and again with no last login and no email).
    const { tokens } = generator();
    expect(tokens.makeToken(alice)).toBe('d7w940-164c8b6e51888e3d9e6c309d4032b77a');
    expect(tokens.makeToken({ ...alice, lastLogin: null, email: '' })).toBe(
      'd7w940-8f37b2931c512f3848b627ec9eda747f',
    );
    expect(encodeUid('42')).toBe('NDI');
    expect(encodeUid('1234567')).toBe('MTIzNDU2Nw');
  });

  test('INVARIANTS 14: the token dies when the password changes, at a login, or when the email changes', () => {
    const { tokens } = generator();
    const token = tokens.makeToken(alice);
    expect(tokens.checkToken(alice, token)).toBe(true);
    expect(tokens.checkToken({ ...alice, password: 'pbkdf2_sha256$1000$abc$new' }, token)).toBe(false);
    expect(tokens.checkToken({ ...alice, lastLogin: new Date('2026-05-01T10:00:01Z') }, token)).toBe(false);
    expect(tokens.checkToken({ ...alice, email: 'mallory@example.com' }, token)).toBe(false);
    expect(tokens.checkToken({ ...alice, id: '43' }, token)).toBe(false);
  });

  test('INVARIANTS 11: it lives PASSWORD_RESET_TIMEOUT seconds on the injected clock, not one more', () => {
    const { clock, tokens } = generator({ timeout: 3600 });
    const token = tokens.makeToken(alice);
    clock.advance(3600 * 1000);
    expect(tokens.checkToken(alice, token)).toBe(true);
    clock.advance(1000);
    expect(tokens.checkToken(alice, token)).toBe(false);
  });

  test('a token made under a SECRET_KEY_FALLBACKS key is accepted; one under an unknown key is not', () => {
    const old = generator({ secret: 'an-old-secret' }).tokens.makeToken(alice);
    expect(generator({ fallbacks: ['an-old-secret'] }).tokens.checkToken(alice, old)).toBe(true);
    expect(generator().tokens.checkToken(alice, old)).toBe(false);
  });

  test.each([
    ['empty', ''],
    ['no dash', 'd7w940164c8b6e51888e3d9e6c309d4032b77a'],
    ['two dashes', 'd7w940-164c8b6e-51888e3d9e6c309d4032b77a'],
    ['truncated', 'd7w940-164c8b6e51888e3d9e6c309d4032b77'],
    ['bad timestamp', 'd7w9!0-164c8b6e51888e3d9e6c309d4032b77a'],
    ['huge timestamp', `${'z'.repeat(14)}-164c8b6e51888e3d9e6c309d4032b77a`],
    ['forged hash', 'd7w940-000000000000000000000000000000000'],
    ['upper case', 'D7W940-164C8B6E51888E3D9E6C309D4032B77A'],
  ])('a malformed or forged token (%s) is simply refused', (_, token) => {
    expect(generator().tokens.checkToken(alice, token)).toBe(false);
  });

  test('uidb64 decodes only the canonical form of a user id', () => {
    expect(decodeUid('NDI')).toBe('42');
    expect(decodeUid(encodeUid('9007199254740991'))).toBe('9007199254740991');
    for (const bad of [
      '',
      'NDI=',
      'NDI!',
      'MDQy',
      encodeUid('-1'),
      encodeUid('4 2'),
      encodeUid('abc'),
      'A'.repeat(40),
    ])
      expect(decodeUid(bad)).toBe(null);
  });
});
