/**
 * @module The Fastify peer: fastify 5 + @fastify/cookie + @fastify/session + @fastify/csrf-protection
 * (its secret kept in the session) + @fastify/formbody, with the same routes and pages. The session
 * holds the user id; the dashboard reads the user from the peers' SQLite table. `STORE` picks
 * @fastify/session's in-memory store or connect-redis on node-redis. At login the session is
 * regenerated keeping only the CSRF secret, so the login form's token also signs the logout; no
 * session auth hash. `/limit/` sits outside the session scope (S0).
 *
 * Environment: PORT, DATA_DIR, SECRET_KEY, STORE (`memory` | `redis`), HASHER, REDIS_URL.
 */
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifySession from '@fastify/session';
import { RedisStore } from 'connect-redis';
import Fastify from 'fastify';
import { createClient } from 'redis';
import { announceReady, portFromEnv, requireEnv } from './listen.js';
import { BENCH_USER, renderDashboard, renderLoginPage, SHOWN_LAST_LOGIN } from './page.js';
import { hasherFromEnv, peerPasswords } from './peer-passwords.js';
import { openPeerUsers } from './peer-users.js';

declare module 'fastify' {
  interface Session {
    userId?: number;
  }
}

const port = portFromEnv();
const passwords = peerPasswords(hasherFromEnv());
const users = openPeerUsers(requireEnv('DATA_DIR'), {
  username: BENCH_USER.username,
  password: await passwords.hash(BENCH_USER.password),
});
const redis = process.env.STORE === 'redis' ? createClient({ url: requireEnv('REDIS_URL') }) : null;
if (redis !== null) await redis.connect();
const NEVER_CACHE = 'max-age=0, no-cache, no-store, must-revalidate, private';

const app = Fastify();
app.get('/limit/', async (_request, reply) => {
  reply.type('text/html; charset=utf-8');
  return renderDashboard({ username: BENCH_USER.username, csrfToken: '', lastLogin: SHOWN_LAST_LOGIN });
});
await app.register(async (scope) => {
  await scope.register(fastifyFormbody);
  await scope.register(fastifyCookie);
  await scope.register(fastifySession, {
    secret: requireEnv('SECRET_KEY'),
    cookieName: 'sessionid',
    saveUninitialized: false,
    cookie: { secure: false, httpOnly: true, sameSite: 'lax', maxAge: 14 * 24 * 3600 * 1000 },
    ...(redis === null ? {} : { store: new RedisStore({ client: redis, prefix: 'fsess:' }) }),
  });
  // The shared login template names its field as Django does; point the plugin at it.
  await scope.register(fastifyCsrf, {
    sessionPlugin: '@fastify/session',
    getToken: (request) =>
      (request.body as { csrfmiddlewaretoken?: string } | undefined)?.csrfmiddlewaretoken,
  });

  scope.get('/dashboard/', async (request, reply) => {
    const id = request.session.get('userId');
    const user = id === undefined ? null : users.byId(id);
    if (user === null || user.is_active !== 1) return reply.redirect('/accounts/login/?next=/dashboard/');
    reply.header('Cache-Control', NEVER_CACHE).type('text/html; charset=utf-8');
    return renderDashboard({
      username: user.username,
      csrfToken: await reply.generateCsrf(),
      lastLogin: SHOWN_LAST_LOGIN,
    });
  });
  scope.get('/accounts/login/', async (_request, reply) => {
    reply.header('Cache-Control', NEVER_CACHE).type('text/html; charset=utf-8');
    return renderLoginPage({ csrfToken: await reply.generateCsrf() });
  });
  scope.post('/accounts/login/', { preHandler: scope.csrfProtection }, async (request, reply) => {
    const form = request.body as { username?: string; password?: string };
    const user = users.byUsername(form.username ?? '');
    if (user === null || !(await passwords.verify(form.password ?? '', user.password))) {
      return reply.redirect('/accounts/login/');
    }
    await request.session.regenerate(['_csrf']);
    request.session.set('userId', user.id);
    return reply.redirect('/dashboard/');
  });
  scope.post('/accounts/logout/', { preHandler: scope.csrfProtection }, async (request, reply) => {
    await request.session.destroy();
    return reply.redirect('/accounts/login/');
  });
});

await app.listen({ port, host: '127.0.0.1' });
announceReady(app.server, async () => {
  await app.close();
  users.close();
  await redis?.quit();
});
