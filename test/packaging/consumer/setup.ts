/**
 * @module The consumer project's shared set-up (issue 15 item 2): written as an outside user writes
 * it, against the installed tarball — Latchkey on PostgreSQL, with neither better-sqlite3 nor
 * ioredis nor mysql2 installed. Copied into an empty project by `consumer.test.ts`.
 */
import { createLatchkey, defineSettings } from 'latchkey';
import { openDatabase } from 'latchkey/db';
import { createKyselySessionStore } from 'latchkey/stores/sqlite';
import { type User, UserRepository } from 'latchkey/users';
import type { LoginViewOptions, LogoutViewOptions } from 'latchkey/views';

const { db } = await openDatabase(process.env.DATABASE_URL ?? 'postgres://127.0.0.1/missing');

export const latchkey = createLatchkey<User>({
  settings: defineSettings({
    SECRET_KEY: process.env.SECRET_KEY,
    ALLOWED_HOSTS: ['127.0.0.1'],
    LOGIN_REDIRECT_URL: '/dashboard/',
    LOGOUT_REDIRECT_URL: '/accounts/login/',
  }),
  sessionStore: await createKyselySessionStore({ db }),
  users: new UserRepository(db),
});

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const csrf = (token: string): string =>
  `<input type="hidden" name="csrfmiddlewaretoken" value="${escapeHtml(token)}">`;

export const login: LoginViewOptions<User>['render'] = (_ctx, page) =>
  `<form method="post">${csrf(page.csrfToken)}<input name="username"><input name="password" type="password">${
    page.error === null ? '' : `<p role="alert">${escapeHtml(page.error)}</p>`
  }<button>Log in</button></form>`;

export const logout: LogoutViewOptions<User> = {
  renderConfirm: (_ctx, page) => `<form method="post">${csrf(page.csrfToken)}<button>Log out</button></form>`,
  renderLoggedOut: () => '<p>Logged out.</p>',
};

export const dashboard = (user: User, token: string): string =>
  `<p>Only ${escapeHtml(user.username)} sees this.</p><form method="post" action="/accounts/logout/">${csrf(token)}<button>Log out</button></form>`;

export const port = Number(process.env.PORT);
export const ready = (framework: string): void => {
  process.stdout.write(`${framework} consumer ready on ${port}\n`);
};
