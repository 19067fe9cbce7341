import { describe, expect, test } from 'vitest';
import type { AuthUser } from '../auth/types.js';
import { defineSettings } from '../core/settings.js';
import { fromWebRequest } from '../http/request.js';
import { routeTable } from '../http/routes.js';
import { createLatchkey } from '../latchkey.js';
import { MemorySessionStore } from '../stores/memory.js';
import { loginRequiredByDefault, NOT_AUTHENTICATED } from './login-required-by-default.js';

const alice: AuthUser = { id: '1', username: 'alice', password: 'x', isActive: true };

function app(loginUrl = '/accounts/login/') {
  return createLatchkey({
    settings: defineSettings({ DEBUG: true, ALLOWED_HOSTS: ['localhost'], LOGIN_URL: loginUrl }),
    sessionStore: new MemorySessionStore(),
    users: {
      getById: async (id: string) => (id === alice.id ? alice : null),
      getByUsername: async () => null,
      setPassword: async () => undefined,
      updateLastLogin: async () => undefined,
      hasPerm: async () => false,
    },
    tokens: {
      create: async () => 'never',
      authenticate: async (token: string) => (token === 'A'.repeat(40) ? alice.id : null),
      revoke: async () => false,
      revokeAll: async () => 0,
    },
    loginThrottle: null,
    routes: routeTable({ '/': { public: true }, '/open/*': { public: true } }),
    guards: [loginRequiredByDefault()],
  });
}

async function get(path: string, headers: Record<string, string> = {}, loginUrl?: string) {
  let ran = false;
  const request = fromWebRequest(new Request(`http://localhost${path}`, { headers }), { maxBodySize: 1024 });
  const response = await app(loginUrl).pipeline.handle(request, () => {
    ran = true;
    return new Response('route ran');
  });
  return { response, ran };
}

describe('loginRequiredByDefault', () => {
  test('an anonymous page request never reaches the route: 302 to LOGIN_URL?next=', async () => {
    const { response, ran } = await get('/reports/2026/?q=1');
    expect(ran).toBe(false);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/accounts/login/?next=/reports/2026/%3Fq%3D1');
  });

  test('an anonymous API call gets a 401 JSON error', async () => {
    for (const [path, headers] of [
      ['/api/things/', {}],
      ['/things/', { accept: 'application/json' }],
    ] as const) {
      const { response, ran } = await get(path, headers);
      expect(ran).toBe(false);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: NOT_AUTHENTICATED });
    }
  });

  test('routes marked public pass, exact or by prefix, and nothing else does', async () => {
    expect((await get('/')).ran).toBe(true);
    expect((await get('/open/a/b')).ran).toBe(true);
    expect((await get('/opener')).ran).toBe(false);
  });

  test('LOGIN_URL passes even when the table forgets it (no redirect loop)', async () => {
    expect((await get('/accounts/login/')).ran).toBe(true);
    expect((await get('/signin/?next=/x/', {}, '/signin/?from=guard')).ran).toBe(true);
  });

  test('an API token counts as logged in; an unknown one does not', async () => {
    expect((await get('/api/things/', { authorization: `Token ${'A'.repeat(40)}` })).ran).toBe(true);
    expect((await get('/api/things/', { authorization: `Token ${'B'.repeat(40)}` })).ran).toBe(false);
  });
});
