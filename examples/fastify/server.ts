/**
 * @module Latchkey on Fastify 5, the shortest complete app: login, a private page, a POST-only
 * logout button with its CSRF token, and a message shown once after logging out.
 *
 *   node --import tsx examples/fastify/server.ts     # then open http://127.0.0.1:3001/
 *
 * Each import is a package entry point (`src/index.js` is `latchkey`, `src/views/index.js` is
 * `latchkey/views`, …), so in your own app only the specifiers change.
 */
import { randomBytes } from 'node:crypto';
import Fastify from 'fastify';
import { latchkeyErrorHandler, latchkeyFastify } from '../../src/adapters/fastify.js';
import { type User, UserRepository } from '../../src/auth/users/index.js';
import { createLatchkey, defineSettings, NEVER_CACHE, type RequestContext } from '../../src/index.js';
import { createKyselySessionStore, openSqlite } from '../../src/stores/sqlite.js';
import { loginUrlFor, loginView, logoutView } from '../../src/views/index.js';

const PORT = Number(process.env.PORT ?? 3001);
const db = openSqlite(process.env.DATABASE_FILE ?? './data/example-fastify.sqlite3');
const users = new UserRepository(db);
const latchkey = createLatchkey<User>({
  settings: defineSettings({
    // Production sets SECRET_KEY; a random one here means sessions end when the process does.
    SECRET_KEY: process.env.SECRET_KEY ?? randomBytes(48).toString('base64url'),
    ALLOWED_HOSTS: ['localhost', '127.0.0.1'],
    LOGIN_REDIRECT_URL: '/dashboard/',
    LOGOUT_REDIRECT_URL: '/',
  }),
  sessionStore: await createKyselySessionStore({ db }), // migrates users and sessions in one file
  users,
});

// A user to log in with (change it, or make your own: `npx latchkey createuser`).
const DEMO_PASSWORD = process.env.DEMO_PASSWORD ?? 'correct horse battery staple';
if ((await users.getByUsername('alice')) === null) {
  await users.createUser({ username: 'alice', password: await latchkey.passwords.make(DEMO_PASSWORD) });
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const csrfField = (token: string): string =>
  `<input type="hidden" name="csrfmiddlewaretoken" value="${escapeHtml(token)}">`;

/** The frame of every page: who is logged in, the logout button, the messages (each shown once). */
async function page(ctx: RequestContext, title: string, body: string): Promise<string> {
  const user = await ctx.user();
  const messages = (await ctx.messages.consume())
    .map((m) => `<p><em>${escapeHtml(m.text)}</em></p>`)
    .join('');
  const nav =
    user === null
      ? '<a href="/accounts/login/">Log in</a>'
      : `${escapeHtml(user.username)} · <a href="/dashboard/">Dashboard</a>
         <form method="post" action="/accounts/logout/" style="display:inline">
           ${csrfField(ctx.csrf.getToken())}<button>Log out</button>
         </form>`;
  return `<!doctype html><meta charset="utf-8"><title>${escapeHtml(title)}</title>
    <nav>${nav}</nav>${messages}<h1>${escapeHtml(title)}</h1>${body}`;
}

const app = Fastify({ logger: true });
// Host check, form parsing, CSRF on unsafe methods (preHandler), session commit (onSend).
await app.register(latchkeyFastify, { latchkey });
app.setErrorHandler(latchkeyErrorHandler(latchkey)); // 400/413 bodies, interrupted sessions, 503

app.get('/', async (request, reply) => {
  reply.type('text/html; charset=utf-8');
  return page(request.latchkey, 'Home', '<p>A public page.</p>');
});

// Latchkey's views return WHATWG Responses, which Fastify 5 sends as they are.
app.route({
  method: ['GET', 'HEAD', 'POST'],
  url: '/accounts/login/',
  handler: (request) =>
    loginView(request.latchkey, {
      render: (ctx, form) =>
        page(
          ctx,
          'Log in',
          `${form.error === null ? '' : `<p role="alert">${escapeHtml(form.error)}</p>`}
          <form method="post">
            ${csrfField(form.csrfToken)}
            ${form.next === null ? '' : `<input type="hidden" name="next" value="${escapeHtml(form.next)}">`}
            <label>Username <input name="username" value="${escapeHtml(form.username)}" autofocus></label>
            <label>Password <input name="password" type="password"></label>
            <button>Log in</button>
          </form>
          <p>Try alice / ${escapeHtml(DEMO_PASSWORD)}.</p>`,
        ),
    }),
});

// GET shows a confirmation form (it never logs out); POST logs out: the record is deleted server-side.
app.route({
  method: ['GET', 'HEAD', 'POST'],
  url: '/accounts/logout/',
  handler: (request) =>
    logoutView(request.latchkey, {
      renderConfirm: (ctx, form) =>
        page(
          ctx,
          'Log out?',
          `<form method="post">${csrfField(form.csrfToken)}<button>Log out</button></form>`,
        ),
      renderLoggedOut: (ctx) => page(ctx, 'Logged out', '<p>See you soon.</p>'),
    }),
});

app.get('/dashboard/', async (request, reply) => {
  const user = await request.latchkey.user();
  if (user === null) return reply.redirect(loginUrlFor(request.latchkey));
  reply.header('Cache-Control', NEVER_CACHE).type('text/html; charset=utf-8'); // not in the Back button
  return page(request.latchkey, 'Dashboard', `<p>Only ${escapeHtml(user.username)} sees this.</p>`);
});

await app.listen({ port: PORT, host: '127.0.0.1' });
process.stdout.write(`Fastify example on http://127.0.0.1:${PORT}/ (alice / ${DEMO_PASSWORD})\n`);
