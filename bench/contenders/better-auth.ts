/**
 * @module better-auth on Hono: JSON sign-in and sign-out under `/api/auth/`, guarded by its Origin
 * check (no CSRF token). With the cookie cache, `getSession` trusts a signed cookie for 5 minutes
 * instead of reading the database: faster, and a revoked session keeps working until it expires.
 */
import type autocannon from 'autocannon';
import { CookieJar, setCookieLines } from '../lib/cookie-jar.js';
import { BENCH_USER } from '../servers/page.js';
import { expectAnswer, send } from './browser.js';
import type { Contender, Sequence } from './contender.js';

const JSON_TYPE = 'application/json';
const SIGN_IN = JSON.stringify({ email: BENCH_USER.email, password: BENCH_USER.password });

interface CycleContext {
  jar?: CookieJar;
}

async function login(origin: string, jar: CookieJar): Promise<void> {
  const json = { email: BENCH_USER.email, password: BENCH_USER.password };
  expectAnswer('better-auth sign-in', await send(origin, '/api/auth/sign-in/email', { jar, json }), 200);
}

async function logout(origin: string, jar: CookieJar): Promise<void> {
  expectAnswer('better-auth sign-out', await send(origin, '/api/auth/sign-out', { jar, json: {} }), 200);
}

function cycle(origin: string): Sequence {
  const requests: autocannon.Request[] = [
    { method: 'GET', path: '/accounts/login/' },
    {
      method: 'POST',
      path: '/api/auth/sign-in/email',
      headers: { origin, 'content-type': JSON_TYPE },
      body: SIGN_IN,
      onResponse: (_status, _body, context, headers) => {
        const ctx = context as CycleContext;
        ctx.jar = new CookieJar();
        ctx.jar.update(setCookieLines(headers ?? {}));
      },
    },
    {
      method: 'POST',
      path: '/api/auth/sign-out',
      setupRequest: (request, context) => {
        const cookie = (context as CycleContext).jar?.header() ?? '';
        return { ...request, headers: { cookie, origin, 'content-type': JSON_TYPE }, body: '{}' };
      },
    },
  ];
  return { requests, expectStatus: [200] };
}

async function repeatableLogin(origin: string): Promise<Sequence> {
  const request: autocannon.Request = {
    method: 'POST',
    path: '/api/auth/sign-in/email',
    headers: { origin, 'content-type': JSON_TYPE },
    body: SIGN_IN,
  };
  return { requests: [request], expectStatus: [200] };
}

function betterAuth(cookieCache: boolean): Contender {
  return {
    name: cookieCache ? 'better-auth-cookie-cache' : 'better-auth',
    isLatchkey: false,
    framework: 'hono',
    script: 'bench/servers/better-auth.ts',
    env: { COOKIE_CACHE: cookieCache ? 'on' : 'off' },
    needsRedis: false,
    inQuick: true,
    does: cookieCache
      ? 'auth.api.getSession answered from its signed cookie cache (5 min); SQLite only when it expires'
      : 'auth.api.getSession: session + user from its SQLite database (Kysely on better-sqlite3)',
    unavailable: () => null,
    login,
    logout,
    cycle,
    repeatableLogin,
  };
}

/** better-auth without and with its cookie cache. */
export function betterAuthContenders(): Contender[] {
  return [betterAuth(false), betterAuth(true)];
}
