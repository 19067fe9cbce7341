/**
 * @module The better-auth peer on Hono (the framework Latchkey's server runs on, so the ratio is
 * between the two libraries): its email-and-password sign-in, its own SQLite database through
 * better-sqlite3, `auth.api.getSession` on every dashboard request, with or without its cookie cache
 * (`COOKIE_CACHE=on`: the session and user are read from a signed cookie for 5 minutes, so a session
 * revoked on the server stays usable until that cookie expires). Its CSRF defence is the Origin check
 * on POSTs; there are no tokens. Its rate limiter is switched off: on by default in production, it
 * would refuse the benchmark's logins. `/limit/` serves the same page with no session (S0).
 *
 * Environment: PORT, DATA_DIR, SECRET_KEY, COOKIE_CACHE (`on` | `off`), HASHER (`default` = its own
 * scrypt, `fast` = PBKDF2 × 1,000 through its `password` hook).
 */
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { betterAuth } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import Database from 'better-sqlite3';
import { Hono } from 'hono';
import { announceReady, portFromEnv, requireEnv } from './listen.js';
import { BENCH_USER, renderDashboard, renderLoginPage, SHOWN_LAST_LOGIN } from './page.js';
import { hasherFromEnv, peerPasswords } from './peer-passwords.js';

const port = portFromEnv();
const database = new Database(join(requireEnv('DATA_DIR'), 'better-auth.sqlite3'));
database.pragma('journal_mode = WAL');
database.pragma('synchronous = NORMAL');
const fast = peerPasswords('fast');
const NEVER_CACHE = 'max-age=0, no-cache, no-store, must-revalidate, private';

const auth = betterAuth({
  database,
  secret: requireEnv('SECRET_KEY'),
  baseURL: `http://127.0.0.1:${port}`,
  emailAndPassword: {
    enabled: true,
    ...(hasherFromEnv() === 'fast'
      ? { password: { hash: fast.hash, verify: ({ hash, password }) => fast.verify(password, hash) } }
      : {}),
  },
  session: { cookieCache: { enabled: process.env.COOKIE_CACHE === 'on', maxAge: 5 * 60 } },
  rateLimit: { enabled: false },
  telemetry: { enabled: false },
});
const { runMigrations } = await getMigrations(auth.options);
await runMigrations();
await auth.api.signUpEmail({
  body: { email: BENCH_USER.email, password: BENCH_USER.password, name: BENCH_USER.username },
});

const app = new Hono();
app.get('/limit/', async (c) =>
  c.html(
    await renderDashboard({ username: BENCH_USER.username, csrfToken: '', lastLogin: SHOWN_LAST_LOGIN }),
  ),
);
app.on(['GET', 'POST'], '/api/auth/*', (c) => auth.handler(c.req.raw));
app.get('/dashboard/', async (c) => {
  const found = await auth.api.getSession({ headers: c.req.raw.headers });
  if (found === null) return c.redirect('/accounts/login/?next=/dashboard/', 302);
  c.header('Cache-Control', NEVER_CACHE);
  return c.html(
    await renderDashboard({ username: found.user.name, csrfToken: '', lastLogin: SHOWN_LAST_LOGIN }),
  );
});
app.get('/accounts/login/', async (c) => {
  c.header('Cache-Control', NEVER_CACHE);
  return c.html(await renderLoginPage({ csrfToken: '' }));
});

const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () =>
  announceReady(server, async () => {
    database.close();
  }),
);
