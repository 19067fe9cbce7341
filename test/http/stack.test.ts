import { afterEach, beforeEach, expect, test } from 'vitest';
import { dialectOf } from '../../src/db/connect.js';
import { startTestApp, TEST_DATABASE, TEST_SESSION_ENGINE, type TestApp } from '../support/app.js';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp();
});
afterEach(() => t.close());

const storeClass = {
  db: 'KyselySessionStore',
  memory: 'MemorySessionStore',
  redis: 'RedisSessionStore',
  cached_db: 'CachedDbSessionStore',
  signed_cookies: 'SignedCookieSessionStore',
} as const;

test(`the HTTP suite runs on the stack it names: ${TEST_DATABASE} + ${TEST_SESSION_ENGINE}`, async () => {
  expect(dialectOf(t.runtime.db)).toBe(TEST_DATABASE);
  expect(t.runtime.latchkey.engine.store.constructor.name).toBe(storeClass[TEST_SESSION_ENGINE]);
  await t.createUser('alice', 'correct horse battery');
  const browser = t.browser();
  await browser.login('alice', 'correct horse battery');
  const key = browser.cookie('sessionid') as string;
  expect(await t.runtime.latchkey.engine.store.exists(key)).toBe(true);
});
