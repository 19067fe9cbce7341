/**
 * @module The Express stack: express 5 + express-session + passport-local, with MemoryStore or
 * connect-redis. It checks no CSRF token (Express has none; csurf is deprecated), so its login and
 * logout are bare form POSTs.
 */
import type autocannon from 'autocannon';
import { CookieJar, setCookieLines } from '../lib/cookie-jar.js';
import type { CycleStep } from '../lib/wrk-scripts.js';
import { BENCH_USER } from '../servers/page.js';
import { expectAnswer, send } from './browser.js';
import type { Contender, Sequence } from './contender.js';

const FORM = 'application/x-www-form-urlencoded';
const CREDENTIALS = new URLSearchParams({
  username: BENCH_USER.username,
  password: BENCH_USER.password,
}).toString();

interface CycleContext {
  jar?: CookieJar;
}

async function login(origin: string, jar: CookieJar): Promise<void> {
  const form = { username: BENCH_USER.username, password: BENCH_USER.password };
  expectAnswer('express login', await send(origin, '/accounts/login/', { jar, form }), 302, '/dashboard/');
}

async function logout(origin: string, jar: CookieJar): Promise<void> {
  expectAnswer('express logout', await send(origin, '/accounts/logout/', { jar, form: {} }), 302);
}

function cycle(origin: string): Sequence {
  const requests: autocannon.Request[] = [
    { method: 'GET', path: '/accounts/login/' },
    {
      method: 'POST',
      path: '/accounts/login/',
      headers: { origin, 'content-type': FORM },
      body: CREDENTIALS,
      onResponse: (_status, _body, context, headers) => {
        const ctx = context as CycleContext;
        ctx.jar = new CookieJar();
        ctx.jar.update(setCookieLines(headers ?? {}));
      },
    },
    {
      method: 'POST',
      path: '/accounts/logout/',
      setupRequest: (request, context) => {
        const cookie = (context as CycleContext).jar?.header() ?? '';
        return { ...request, headers: { cookie, origin, 'content-type': FORM }, body: '' };
      },
    },
  ];
  const form = { 'content-type': FORM, origin };
  const steps: CycleStep[] = [
    { method: 'GET', path: '/accounts/login/' },
    {
      method: 'POST',
      path: '/accounts/login/',
      headers: form,
      body: CREDENTIALS,
      freshJar: true,
      keepCookie: true,
    },
    { method: 'POST', path: '/accounts/logout/', headers: form, body: '', sendCookies: true },
  ];
  return { requests, expectStatus: [200, 302], steps };
}

async function repeatableLogin(origin: string): Promise<Sequence> {
  const request: autocannon.Request = {
    method: 'POST',
    path: '/accounts/login/',
    headers: { origin, 'content-type': FORM },
    body: CREDENTIALS,
  };
  return { requests: [request], expectStatus: [302] };
}

function expressOn(store: 'memory' | 'redis'): Contender {
  const where =
    store === 'memory' ? 'express-session MemoryStore' : 'connect-redis 9 on node-redis (GET + EXPIRE)';
  return {
    name: `express-passport-${store}`,
    isLatchkey: false,
    framework: 'express',
    script: 'bench/servers/express-passport.ts',
    env: { STORE: store },
    needsRedis: store === 'redis',
    inQuick: true,
    does: `signed cookie, session from ${where}, passport deserializeUser by id from SQLite (better-sqlite3); no CSRF, no auth hash`,
    unavailable: () => null,
    login,
    logout,
    cycle,
    repeatableLogin,
  };
}

/** The Express stack on both of its stores. */
export function expressContenders(): Contender[] {
  return [expressOn('memory'), expressOn('redis')];
}
