/**
 * Issue 15, "code that no test would miss": behaviour the README claims, each proved through the
 * real app so that deleting it fails a test — rehash on login, a full hash for an unknown
 * username, and `permissionRequired`.
 */
import { afterEach, describe, expect, test } from 'vitest';
import {
  checkPassword,
  createHasherRegistry,
  createPbkdf2Hasher,
  defaultHasherRegistry,
  type PasswordHasher,
} from '../../src/auth/hashers/index.js';
import { createPasswordService, defaultPasswordService } from '../../src/auth/password-service.js';
import { permissionRequired } from '../../src/views/redirects.js';
import { startTestApp, type TestApp } from '../support/app.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** Hashes made by Django itself (its test suite's vectors; see src/auth/hashers/vectors.test.ts). */
const DJANGO = {
  pbkdf2: {
    password: 'lètmein',
    encoded: 'pbkdf2_sha256$30000$seasalt$VrX+V8drCGo68wlvy6rfu8i1d1pfkdeXA4LJkRGJodY=',
  },
  bcrypt: {
    password: 'ExjGmyUT73bFoT',
    encoded: 'bcrypt_sha256$$2b$12$LZSJchsWG/DrBy1erNs4eeYo6tZNlLFQmONdxN9HPesa1EyXVcTXK',
  },
};

describe('rehash on login', () => {
  test.each(Object.entries(DJANGO))(
    'a user with a Django %s hash logs in; the stored hash becomes argon2id, and the password still works',
    async (_name, { password, encoded }) => {
      const app = await startTestApp({}, { passwords: defaultPasswordService });
      t = app;
      const user = await app.runtime.users.createUser({ username: 'imported', password: encoded });
      const first = await app.browser().login('imported', password);
      expect(first.status).toBe(302);
      const stored = (await app.runtime.users.getById(user.id))?.password ?? '';
      expect(stored).toMatch(/^argon2\$argon2id\$v=19\$/);
      expect(await checkPassword(password, stored)).toEqual({ valid: true, mustUpdate: false });
      const again = app.browser();
      expect((await again.login('imported', password)).status).toBe(302);
      expect((await again.get('/dashboard/')).status).toBe(200);
      expect((await app.runtime.users.getById(user.id))?.password).toBe(stored); // no second rehash
      expect((await app.browser().login('imported', 'not the password')).status).toBe(200);
    },
  );
});

/** The fast test hasher, counting every hash it computes (encode or verify). */
function countingRegistry(): { registry: ReturnType<typeof createHasherRegistry>; hashes(): number } {
  const inner = createPbkdf2Hasher({ iterations: 1_000 });
  let hashes = 0;
  const counting: PasswordHasher = {
    ...inner,
    encode: (password, salt) => {
      hashes++;
      return inner.encode(password, salt);
    },
    verify: (password, encoded) => {
      hashes++;
      return inner.verify(password, encoded);
    },
  };
  return {
    registry: createHasherRegistry({ default: counting, others: defaultHasherRegistry.hashers }),
    hashes: () => hashes,
  };
}

describe('authenticate() against username enumeration (Django ticket #20760)', () => {
  test('an unknown username costs one full hash, as a known one with a wrong password does', async () => {
    const counter = countingRegistry();
    const app = await startTestApp({}, { passwords: createPasswordService(counter.registry) });
    t = app;
    await app.createUser('alice', 'correct horse battery'); // hashed outside the counting service
    const before = counter.hashes();
    expect((await app.browser().login('nobody', 'some password')).status).toBe(200);
    const unknown = counter.hashes() - before;
    expect((await app.browser().login('alice', 'wrong password')).status).toBe(200);
    const known = counter.hashes() - before - unknown;
    expect({ unknown, known }).toEqual({ unknown: 1, known: 1 });
  });
});

describe('permissionRequired (Django permission_required)', () => {
  test('302 to login for anonymous, 403 without the permission, 200 with it through a group', async () => {
    const app = await startTestApp();
    t = app;
    app.app.get('/reports/', async (c) => {
      const denied = await permissionRequired(c.get('latchkey'), 'reports.view_report');
      return denied ?? c.text('the reports');
    });
    const anonymous = await app.browser().get('/reports/');
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get('location')).toBe('/accounts/login/?next=/reports/');

    const bob = await app.createUser('bob', 'another good password');
    const browser = app.browser();
    await browser.login('bob', 'another good password');
    const refused = await browser.get('/reports/');
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('You do not have permission to see this page.');

    await app.runtime.users.createGroup('analysts');
    await app.runtime.users.grantGroupPermission('analysts', 'reports.view_report');
    await app.runtime.users.addToGroup(bob.id, 'analysts');
    const allowed = await browser.get('/reports/');
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toBe('the reports');
  });
});
