/**
 * @module Latchkey on Hono (the reference app), one contender per session store. Every login and
 * logout carries the CSRF proof Django's middleware asks for: the `csrftoken` cookie plus the masked
 * token of the form (login) or the cookie's secret (logout, as a script reading the cookie would send
 * it), and the browser's `Origin`.
 */
import type autocannon from 'autocannon';
import { serverLabel, serverProblem } from '../../test/support/sql-servers.js';
import { CookieJar, hiddenField, setCookieLines } from '../lib/cookie-jar.js';
import { BENCH_USER } from '../servers/page.js';
import { expectAnswer, send } from './browser.js';
import type { Contender, Framework, Sequence } from './contender.js';

const TOKEN_FIELD = 'csrfmiddlewaretoken';
const FORM = 'application/x-www-form-urlencoded';

interface CycleContext {
  jar?: CookieJar;
  token?: string;
}

function loginForm(token: string): string {
  return new URLSearchParams({
    [TOKEN_FIELD]: token,
    username: BENCH_USER.username,
    password: BENCH_USER.password,
  }).toString();
}

async function login(origin: string, jar: CookieJar): Promise<void> {
  const page = await send(origin, '/accounts/login/', { jar });
  expectAnswer('latchkey login page', page, 200);
  const token = hiddenField(page.body, TOKEN_FIELD) ?? '';
  const form = { [TOKEN_FIELD]: token, username: BENCH_USER.username, password: BENCH_USER.password };
  expectAnswer('latchkey login', await send(origin, '/accounts/login/', { jar, form }), 302, '/dashboard/');
}

async function logout(origin: string, jar: CookieJar): Promise<void> {
  const form = { [TOKEN_FIELD]: jar.get('csrftoken') ?? '' };
  expectAnswer('latchkey logout', await send(origin, '/accounts/logout/', { jar, form }), 302);
}

function cycle(origin: string): Sequence {
  const requests: autocannon.Request[] = [
    {
      method: 'GET',
      path: '/accounts/login/',
      onResponse: (_status, body, context, headers) => {
        const ctx = context as CycleContext;
        ctx.jar = new CookieJar();
        ctx.jar.update(setCookieLines(headers ?? {}));
        ctx.token = hiddenField(body, TOKEN_FIELD) ?? '';
      },
    },
    {
      method: 'POST',
      path: '/accounts/login/',
      setupRequest: (request, context) => {
        const ctx = context as CycleContext;
        const headers = { cookie: ctx.jar?.header() ?? '', origin, 'content-type': FORM };
        return { ...request, headers, body: loginForm(ctx.token ?? '') };
      },
      onResponse: (_status, _body, context, headers) => {
        (context as CycleContext).jar?.update(setCookieLines(headers ?? {}));
      },
    },
    {
      method: 'POST',
      path: '/accounts/logout/',
      setupRequest: (request, context) => {
        const jar = (context as CycleContext).jar;
        const body = new URLSearchParams({ [TOKEN_FIELD]: jar?.get('csrftoken') ?? '' }).toString();
        return { ...request, headers: { cookie: jar?.header() ?? '', origin, 'content-type': FORM }, body };
      },
    },
  ];
  return { requests, expectStatus: [200, 302] };
}

async function repeatableLogin(origin: string): Promise<Sequence> {
  // One CSRF cookie and masked token serve any number of logins: the token is checked against the
  // cookie the request carries, and the rotated cookie of each response is simply not kept.
  const jar = new CookieJar();
  const page = await send(origin, '/accounts/login/', { jar });
  expectAnswer('latchkey login page', page, 200);
  const request: autocannon.Request = {
    method: 'POST',
    path: '/accounts/login/',
    headers: { cookie: jar.header(), origin, 'content-type': FORM },
    body: loginForm(hiddenField(page.body, TOKEN_FIELD) ?? ''),
  };
  return { requests: [request], expectStatus: [302] };
}

/** Latchkey on `store`, with the login, logout and cycle of the reference app. */
export function latchkeyOn(
  store: string,
  options: { framework?: Framework; does: string; needsRedis: boolean; inQuick: boolean },
): Contender {
  const framework = options.framework ?? 'hono';
  return {
    name: framework === 'hono' ? `latchkey-${store}` : `latchkey-${framework}-${store}`,
    isLatchkey: true,
    framework,
    script: framework === 'hono' ? 'bench/servers/latchkey.ts' : `bench/servers/latchkey-${framework}.ts`,
    env: { STORE: store },
    needsRedis: options.needsRedis,
    inQuick: options.inQuick,
    does: options.does,
    unavailable: () => null,
    login,
    logout,
    cycle,
    repeatableLogin,
  };
}

export const PER_REQUEST =
  'signed session load, user by id from SQLite (Kysely), session auth hash check, CSRF token + cookie';

/**
 * Latchkey on Hono with each store, and on Express and Fastify (its adapters) with Redis. PostgreSQL
 * is the machine's server (its own database for the run, dropped after); skipped when unreachable.
 */
export function latchkeyContenders(): Contender[] {
  const postgres = latchkeyOn('postgres', {
    does: `${PER_REQUEST}; sessions in PostgreSQL (pg, a pool)`,
    needsRedis: false,
    inQuick: false,
  });
  const postgresProblem = async (): Promise<string | null> => {
    const problem = await serverProblem('postgres');
    return problem === null ? null : `cannot reach ${serverLabel('postgres')} (${problem})`;
  };
  const redis = `${PER_REQUEST}; sessions in Redis (ioredis, one HMGET)`;
  return [
    latchkeyOn('memory', {
      does: `${PER_REQUEST}; sessions in process memory`,
      needsRedis: false,
      inQuick: true,
    }),
    latchkeyOn('sqlite', {
      does: `${PER_REQUEST}; sessions in the same SQLite file`,
      needsRedis: false,
      inQuick: true,
    }),
    latchkeyOn('redis', { does: redis, needsRedis: true, inQuick: true }),
    latchkeyOn('cached-db', {
      does: `${PER_REQUEST}; sessions in SQLite behind a Redis copy`,
      needsRedis: true,
      inQuick: false,
    }),
    { ...postgres, unavailable: postgresProblem },
    latchkeyOn('redis', {
      framework: 'express',
      does: `on Express 5: ${redis}`,
      needsRedis: true,
      inQuick: false,
    }),
    latchkeyOn('redis', {
      framework: 'fastify',
      does: `on Fastify 5: ${redis}`,
      needsRedis: true,
      inQuick: false,
    }),
  ];
}
