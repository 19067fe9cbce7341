/**
 * @module The pages every conformance app renders, as plain template strings, so the three apps
 * differ only in their framework: a frame with the user, a logout form and the messages (shown
 * once), and the bodies of the login, logout, password change, dashboard and cart pages.
 */
import type { AuthUser } from '../../../src/auth/types.js';
import type { RequestContext } from '../../../src/http/context.js';
import type { ApiOptions } from '../../../src/views/api.js';
import type { LoginViewOptions } from '../../../src/views/login.js';
import type { LogoutViewOptions } from '../../../src/views/logout.js';
import type { PasswordChangeViewOptions } from '../../../src/views/password-change.js';

/** Session data key of the cart: extra session data that logout must clear. */
export const CART_KEY = 'cart';

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function hidden(name: string, value: string | null): string {
  return value === null ? '' : `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
}

/** The logout button: a POST form carrying its CSRF token (GET never logs out). */
export function logoutForm(csrfToken: string): string {
  return `<form method="post" action="/accounts/logout/">${hidden('csrfmiddlewaretoken', csrfToken)}<button>Log out</button></form>`;
}

/** A whole page: the user and logout button, the pending messages (consumed here), then `body`. */
export async function renderPage<User extends AuthUser>(
  ctx: RequestContext<User>,
  title: string,
  body: string,
): Promise<string> {
  const user = await ctx.user();
  const messages = (await ctx.messages.consume()).map((m) => `<li>${escapeHtml(m.text)}</li>`).join('');
  const header = user === null ? '' : `<p>${escapeHtml(user.username)}</p>${logoutForm(ctx.csrf.getToken())}`;
  return `<!doctype html><title>${escapeHtml(title)}</title>${header}<ul>${messages}</ul>${body}`;
}

/** The options of Latchkey's views, with these pages. */
export function viewOptions<User extends AuthUser>(): {
  login: LoginViewOptions<User>;
  logout: LogoutViewOptions<User>;
  passwordChange: PasswordChangeViewOptions<User>;
  api: ApiOptions<User>;
} {
  return {
    login: {
      render: (ctx, page) =>
        renderPage(
          ctx,
          'Log in',
          `${page.error === null ? '' : `<p role="alert">${escapeHtml(page.error)}</p>`}<form method="post" action="/accounts/login/">${hidden('csrfmiddlewaretoken', page.csrfToken)}${hidden('next', page.next)}<input name="username" value="${escapeHtml(page.username)}"><input name="password" type="password"><button>Log in</button></form>`,
        ),
    },
    logout: {
      renderConfirm: (ctx, page) =>
        renderPage(
          ctx,
          'Log out',
          `<form method="post" action="/accounts/logout/"><p>Log out?</p>${hidden('csrfmiddlewaretoken', page.csrfToken)}${hidden('next', page.next)}<button>Log out</button></form>`,
        ),
      renderLoggedOut: (ctx) => renderPage(ctx, 'Logged out', '<p>You are logged out.</p>'),
    },
    passwordChange: {
      render: (ctx, page) =>
        renderPage(
          ctx,
          'Password change',
          `${page.errors.map((e) => `<p role="alert">${escapeHtml(e)}</p>`).join('')}<form method="post">${hidden('csrfmiddlewaretoken', page.csrfToken)}<input name="old_password" type="password"><input name="new_password1" type="password"><input name="new_password2" type="password"><button>Change</button></form>`,
        ),
      successUrl: '/accounts/password_change/done/',
    },
    api: { serializeUser: (user) => ({ id: user.id, username: user.username }) },
  };
}

/** The dashboard's body for `user`. */
export function dashboardBody(user: AuthUser): string {
  return `<p>Private dashboard of <strong>${escapeHtml(user.username)}</strong>.</p>`;
}

/** The cart's body: its items and the add form with its CSRF token. */
export function cartBody(items: readonly string[], csrfToken: string): string {
  const list = items.map((item) => `<li>${escapeHtml(item)}</li>`).join('');
  return `<ul>${list}</ul><form method="post" action="/cart/add/">${hidden('csrfmiddlewaretoken', csrfToken)}<input name="item"><button>Add</button></form>`;
}

/** The cart's items as the session holds them. */
export async function cartItems<User extends AuthUser>(ctx: RequestContext<User>): Promise<string[]> {
  const items = await ctx.session.get(CART_KEY);
  return Array.isArray(items) ? items.filter((item): item is string => typeof item === 'string') : [];
}

/** The chunks `GET /stream/` sends, one at a time. */
export const STREAM_CHUNKS: readonly string[] = ['first chunk;', 'second chunk;', 'last chunk.'];

/** {@link STREAM_CHUNKS} as a WHATWG stream, one chunk per pull (for the fetch-style apps). */
export function streamBody(): ReadableStream<Uint8Array> {
  const chunks = [...STREAM_CHUNKS];
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks.shift();
      if (chunk === undefined) controller.close();
      else controller.enqueue(new TextEncoder().encode(chunk));
    },
  });
}
