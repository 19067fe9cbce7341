/**
 * @module The Fastify stack: @fastify/session + @fastify/csrf-protection (secret in the session,
 * token in the form's `csrfmiddlewaretoken` field) + @fastify/formbody, on connect-redis. The login
 * page's token is sent with the login and, as the session keeps its secret, with the logout too.
 */
import type autocannon from 'autocannon';
import { CookieJar, hiddenField, setCookieLines } from '../lib/cookie-jar.js';
import { type CycleStep, formWithToken } from '../lib/wrk-scripts.js';
import { BENCH_USER } from '../servers/page.js';
import { expectAnswer, send } from './browser.js';
import type { Contender, Sequence } from './contender.js';

const FIELD = 'csrfmiddlewaretoken';
const FORM = 'application/x-www-form-urlencoded';

interface CycleContext {
  jar?: CookieJar;
  token?: string;
}

const loginForm = (token: string): string =>
  new URLSearchParams({
    [FIELD]: token,
    username: BENCH_USER.username,
    password: BENCH_USER.password,
  }).toString();

async function loginPage(origin: string, jar: CookieJar): Promise<string> {
  const page = await send(origin, '/accounts/login/', { jar });
  expectAnswer('fastify login page', page, 200);
  return hiddenField(page.body, FIELD) ?? '';
}

async function login(origin: string, jar: CookieJar): Promise<void> {
  const form = {
    [FIELD]: await loginPage(origin, jar),
    username: BENCH_USER.username,
    password: BENCH_USER.password,
  };
  expectAnswer('fastify login', await send(origin, '/accounts/login/', { jar, form }), 302, '/dashboard/');
}

async function logout(origin: string, jar: CookieJar): Promise<void> {
  const dashboard = await send(origin, '/dashboard/', { jar });
  const form = { [FIELD]: hiddenField(dashboard.body, FIELD) ?? '' };
  expectAnswer('fastify logout', await send(origin, '/accounts/logout/', { jar, form }), 302);
}

function cycle(origin: string): Sequence {
  const post = (path: string, body: (ctx: CycleContext) => string): autocannon.Request => ({
    method: 'POST',
    path,
    setupRequest: (request, context) => {
      const ctx = context as CycleContext;
      return {
        ...request,
        headers: { cookie: ctx.jar?.header() ?? '', origin, 'content-type': FORM },
        body: body(ctx),
      };
    },
    onResponse: (_status, _body, context, headers) => {
      (context as CycleContext).jar?.update(setCookieLines(headers ?? {}));
    },
  });
  const requests: autocannon.Request[] = [
    {
      method: 'GET',
      path: '/accounts/login/',
      onResponse: (_status, body, context, headers) => {
        const ctx = context as CycleContext;
        ctx.jar = new CookieJar();
        ctx.jar.update(setCookieLines(headers ?? {}));
        ctx.token = hiddenField(body, FIELD) ?? '';
      },
    },
    post('/accounts/login/', (ctx) => loginForm(ctx.token ?? '')),
    post('/accounts/logout/', (ctx) => new URLSearchParams({ [FIELD]: ctx.token ?? '' }).toString()),
  ];
  const form = { 'content-type': FORM, origin };
  const credentials = { username: BENCH_USER.username, password: BENCH_USER.password };
  const steps: CycleStep[] = [
    { method: 'GET', path: '/accounts/login/', freshJar: true, keepCookie: true, captureField: FIELD },
    {
      method: 'POST',
      path: '/accounts/login/',
      headers: form,
      body: formWithToken(FIELD, credentials),
      sendCookies: true,
      keepCookie: true,
    },
    {
      method: 'POST',
      path: '/accounts/logout/',
      headers: form,
      body: formWithToken(FIELD),
      sendCookies: true,
    },
  ];
  return { requests, expectStatus: [200, 302], steps };
}

async function repeatableLogin(origin: string): Promise<Sequence> {
  const jar = new CookieJar();
  const token = await loginPage(origin, jar);
  const request: autocannon.Request = {
    method: 'POST',
    path: '/accounts/login/',
    headers: { cookie: jar.header(), origin, 'content-type': FORM },
    body: loginForm(token),
  };
  return { requests: [request], expectStatus: [302] };
}

/** The Fastify stack on connect-redis. */
export function fastifyContenders(): Contender[] {
  return [
    {
      name: 'fastify-session-redis',
      isLatchkey: false,
      framework: 'fastify',
      script: 'bench/servers/fastify-session.ts',
      env: { STORE: 'redis' },
      needsRedis: true,
      inQuick: false,
      does: 'signed cookie, session from connect-redis 9 (GET), user by id from SQLite (better-sqlite3), CSRF token from the session; no auth hash',
      unavailable: () => null,
      login,
      logout,
      cycle,
      repeatableLogin,
    },
  ];
}
