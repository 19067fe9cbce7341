import { describe, expect, test } from 'vitest';
import { defineSettings } from '../core/settings.js';
import { checkCsrf } from './check.js';
import { createCsrfState } from './state.js';
import { unmaskToken } from './tokens.js';

const TEST_SECRET = 'lcccccccX2kcccccccY2jcccccccssIC';
const MASKED_TEST_SECRET1 = '1bcdefghij2bcdefghij3bcdefghij4bcdefghij5bcdefghij6bcdefghijABCD';
const settings = defineSettings({ SECRET_KEY: 'k'.repeat(50), ALLOWED_HOSTS: ['www.example.com'] });

function postAccepted(cookie: string, formToken: string): boolean {
  return (
    checkCsrf({
      method: 'POST',
      url: new URL('http://www.example.com/accounts/login/'),
      header: () => null,
      cookie,
      formToken,
      settings,
    }) === null
  );
}

describe('CsrfState', () => {
  test('a page that never asks for a token sets no cookie, so it stays cacheable', () => {
    const fresh = createCsrfState(null);
    expect([fresh.secret, fresh.cookieNeedsUpdate, fresh.cookieToSet()]).toEqual([null, false, null]);
    const returning = createCsrfState(TEST_SECRET);
    expect([returning.secret, returning.cookieNeedsUpdate, returning.cookieToSet()]).toEqual([
      TEST_SECRET,
      false,
      null,
    ]);
  });

  test('the first token creates a secret and the cookie that carries it, once', () => {
    const state = createCsrfState(undefined);
    const token = state.getToken();
    expect(token).toMatch(/^[a-zA-Z0-9]{64}$/);
    const cookie = state.cookieToSet();
    expect(cookie).not.toBeNull();
    expect(unmaskToken(token)).toBe(cookie);
    expect(state.cookieToSet()).toBeNull();
  });

  test('a valid cookie keeps its secret; asking for a token re-sends it unchanged to renew it', () => {
    const state = createCsrfState(TEST_SECRET);
    expect(unmaskToken(state.getToken())).toBe(TEST_SECRET);
    expect(state.cookieNeedsUpdate).toBe(true);
    expect(state.cookieToSet()).toBe(TEST_SECRET);
  });

  test('every token is masked afresh (BREACH) but all carry the same secret', () => {
    const state = createCsrfState(TEST_SECRET);
    const tokens = [state.getToken(), state.getToken(), state.getToken()];
    expect(new Set(tokens).size).toBe(3);
    expect(tokens.map(unmaskToken)).toEqual([TEST_SECRET, TEST_SECRET, TEST_SECRET]);
  });

  test('a cookie written by Django before 4.1 (masked) is read as its secret', () => {
    const state = createCsrfState(MASKED_TEST_SECRET1);
    expect([state.secret, state.cookieNeedsUpdate]).toEqual([TEST_SECRET, false]);
  });

  test.each([['badvalue'], ['x'.repeat(100_000)], [`!@#${MASKED_TEST_SECRET1}`.slice(0, 64)], ['']])(
    'a malformed cookie %s is replaced by a new secret and re-sent at once',
    (cookie) => {
      const state = createCsrfState(cookie);
      const replacement = state.cookieToSet();
      expect(replacement).toMatch(/^[a-zA-Z0-9]{32}$/);
      expect(replacement).toBe(state.secret);
    },
  );

  test('INVARIANTS 4: rotate() at login changes the secret, so tokens from before stop working', () => {
    const state = createCsrfState(TEST_SECRET);
    const before = state.getToken();
    state.cookieToSet();
    state.rotate();
    const rotated = state.cookieToSet();
    expect(rotated).not.toBeNull();
    expect(rotated).not.toBe(TEST_SECRET);
    const after = state.getToken();
    expect(postAccepted(rotated as string, after)).toBe(true);
    expect(postAccepted(rotated as string, before)).toBe(false);
    expect(postAccepted(TEST_SECRET, before)).toBe(true);
  });

  test('rotating after the cookie was written asks for it to be written again', () => {
    const state = createCsrfState(null);
    state.getToken();
    const first = state.cookieToSet();
    state.rotate();
    const second = state.cookieToSet();
    expect(second).not.toBeNull();
    expect(second).not.toBe(first);
  });
});
