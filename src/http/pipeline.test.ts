import { describe, expect, test } from 'vitest';
import { login } from '../auth/login.js';
import type { AuthUser } from '../auth/types.js';
import { createMemoryLogger } from '../core/logger.js';
import { defineSettings } from '../core/settings.js';
import { createLatchkey, type LatchkeyConfig } from '../latchkey.js';
import type { SessionRecord } from '../sessions/store.js';
import { MemorySessionStore } from '../stores/memory.js';
import { fromWebRequest } from './request.js';
import { type Guard, routeTable } from './routes.js';

const alice: AuthUser = { id: '1', username: 'alice', password: 'pbkdf2_sha256$1$salt$hash', isActive: true };
const users = {
  getById: async (id: string) => (id === alice.id ? alice : null),
  getByUsername: async () => null,
  setPassword: async () => undefined,
  updateLastLogin: async () => undefined,
  hasPerm: async () => false,
};

function app(config: Partial<LatchkeyConfig> = {}) {
  return createLatchkey({
    settings: defineSettings({ DEBUG: true, ALLOWED_HOSTS: ['localhost'] }),
    sessionStore: new MemorySessionStore(),
    users,
    loginThrottle: null,
    ...config,
  });
}

function request(path: string, init?: RequestInit) {
  return fromWebRequest(new Request(`http://localhost${path}`, init), { maxBodySize: 1024 });
}

const ok = () => new Response('route ran');

describe('Pipeline.handle', () => {
  test('a disallowed Host is refused with 400 before the route runs', async () => {
    let ran = false;
    const req = fromWebRequest(new Request('http://evil.example/'), { maxBodySize: 1024 });
    const response = await app().pipeline.handle(req, () => {
      ran = true;
      return ok();
    });
    expect(response.status).toBe(400);
    expect(ran).toBe(false);
  });

  test('INVARIANTS 6: a POST without a CSRF token is refused with 403 before the route runs', async () => {
    let ran = false;
    const response = await app().pipeline.handle(request('/x', { method: 'POST' }), () => {
      ran = true;
      return ok();
    });
    expect(response.status).toBe(403);
    expect(ran).toBe(false);
  });

  test('INVARIANTS 6: a route marked csrfExempt (app table or adapter) skips the token check', async () => {
    const latchkey = app({ routes: routeTable({ '/hooks/*': { csrfExempt: true } }) });
    const viaTable = await latchkey.pipeline.handle(request('/hooks/github', { method: 'POST' }), ok);
    expect(viaTable.status).toBe(200);
    const viaAdapter = await latchkey.pipeline.handle(request('/x', { method: 'DELETE' }), ok, {
      route: { csrfExempt: true },
    });
    expect(viaAdapter.status).toBe(200);
    expect((await latchkey.pipeline.handle(request('/hooks', { method: 'POST' }), ok)).status).toBe(403);
  });

  test('guards run after CSRF with the route options: login required unless the route is public', async () => {
    const loginRequiredByDefault: Guard = async (ctx, route) =>
      route.public || (await ctx.user()) !== null ? null : new Response(null, { status: 302 });
    const latchkey = app({
      guards: [loginRequiredByDefault],
      routes: routeTable({ '/accounts/login/': { public: true } }),
    });
    expect((await latchkey.pipeline.handle(request('/dashboard/'), ok)).status).toBe(302);
    expect((await latchkey.pipeline.handle(request('/accounts/login/'), ok)).status).toBe(200);
  });

  test('the route gets the context; a changed session is saved and its cookie set', async () => {
    const response = await app().pipeline.handle(request('/'), async ({ context }) => {
      await login(context, alice);
      return ok();
    });
    expect(response.headers.getSetCookie().some((c) => c.startsWith('sessionid='))).toBe(true);
    expect(response.headers.get('Cache-Control')).toBe('no-store, private');
  });

  test('a route that never touches the context is sent untouched (no cookie, no Vary)', async () => {
    const response = await app().pipeline.handle(request('/', { headers: { cookie: 'sessionid=abc' } }), ok);
    expect(response.headers.get('Vary')).toBeNull();
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  test('errors Latchkey knows become their 4xx; others are rethrown', async () => {
    const latchkey = app();
    const bad = await latchkey.pipeline.handle(
      request('/api/x', { method: 'GET', body: null, headers: { 'content-type': 'text/plain' } }),
      async ({ context }) => {
        await context.request.json();
        return ok();
      },
    );
    expect(bad.status).toBe(400);
    await expect(
      latchkey.pipeline.handle(request('/'), () => {
        throw new Error('bug');
      }),
    ).rejects.toThrow('bug');
  });

  test('a commit failing in a way Latchkey does not know becomes a logged 500', async () => {
    class BrokenStore extends MemorySessionStore {
      override async create(_key: string, _record: SessionRecord): Promise<void> {
        throw new Error('driver bug');
      }
    }
    const logger = createMemoryLogger();
    const latchkey = app({ sessionStore: new BrokenStore(), logger });
    const out = await latchkey.pipeline.handle(request('/'), async ({ context }) => {
      await context.session.set('x', 1);
      return ok();
    });
    expect(out.status).toBe(500);
    expect(await out.text()).not.toContain('driver bug');
    expect(logger.events.map((e) => e.event)).toContain('app.commit_failed');
  });
});
