/**
 * @module The end of every request (Django's SessionMiddleware, CsrfViewMiddleware and
 * MessageMiddleware responses): messages first (they may fall back into the session), then the
 * session (save only when changed, INVARIANTS 12; cookie deleted when emptied), then the CSRF
 * cookie, then caching headers for private responses (INVARIANTS 8). What each step decides is
 * gathered first and written into the response's headers in one pass at the end.
 */
import { REMEMBER_COOKIE_NAME } from '../auth/remember/token.js';
import type { AuthUser } from '../auth/types.js';
import { type CookieOptions, deleteCookieHeader, serializeCookie } from '../core/cookies.js';
import { messageCookieOptions } from '../messages/cookie-storage.js';
import { MESSAGES_COOKIE_NAME } from '../messages/store.js';
import type { Session } from '../sessions/session.js';
import type { RequestContext } from './context.js';
import { patchVary } from './headers.js';

/** The session cookie's value after a save (the key, or a client-side store's signed record). */
export type SessionCookieValue = (session: Session) => string | null;

/** Attributes of the session cookie; deletion must repeat them exactly (INVARIANTS 3). */
export function sessionCookieOptions<User extends AuthUser>(ctx: RequestContext<User>): CookieOptions {
  const s = ctx.settings;
  return {
    domain: s.SESSION_COOKIE_DOMAIN,
    path: s.SESSION_COOKIE_PATH,
    secure: s.SESSION_COOKIE_SECURE,
    httpOnly: s.SESSION_COOKIE_HTTPONLY,
    sameSite: s.SESSION_COOKIE_SAMESITE,
  };
}

/**
 * What committing adds to a response: cookies in the order they were decided, whether `Vary`
 * gains `Cookie`, and whether a private page gets `Cache-Control`.
 */
interface HeaderChanges {
  readonly cookies: string[];
  varyCookie: boolean;
  noStore: boolean;
}

async function commitMessages<User extends AuthUser>(
  ctx: RequestContext<User>,
  changes: HeaderChanges,
): Promise<void> {
  // Never opened in this request: nothing was read or added, so there is nothing to store.
  const messages = ctx.openedMessages;
  if (messages === null) return;
  const { cookie } = await messages.commit();
  if (cookie === undefined) return;
  // Django's CookieStorage: path "/", the session cookie's domain, Secure, HttpOnly and SameSite.
  const options = messageCookieOptions(ctx.settings);
  changes.cookies.push(
    cookie === null
      ? deleteCookieHeader(MESSAGES_COOKIE_NAME, options)
      : serializeCookie(MESSAGES_COOKIE_NAME, cookie, options),
  );
}

async function commitSession<User extends AuthUser>(
  ctx: RequestContext<User>,
  status: number,
  changes: HeaderChanges,
  cookieValue: SessionCookieValue,
): Promise<void> {
  const { session } = ctx;
  const s = ctx.settings;
  if (s.SESSION_SAVE_EVERY_REQUEST && session.key !== null) await session.load();
  if (session.accessed) changes.varyCookie = true;
  if (ctx.hadSessionCookie && session.isEmpty) {
    changes.cookies.push(deleteCookieHeader(s.SESSION_COOKIE_NAME, sessionCookieOptions(ctx)));
    return;
  }
  if (!(session.modified || s.SESSION_SAVE_EVERY_REQUEST) || session.isEmpty || status >= 500) return;
  await session.save();
  // The key, or on a client-side store (signed_cookies) the signed record under it.
  const value = cookieValue(session);
  if (value === null) return;
  const options: CookieOptions = { ...sessionCookieOptions(ctx) };
  const cookie = (await session.getExpireAtBrowserClose())
    ? serializeCookie(s.SESSION_COOKIE_NAME, value, options)
    : serializeCookie(s.SESSION_COOKIE_NAME, value, {
        ...options,
        maxAge: await session.getExpiryAge(),
        expires: await session.getExpiryDate(),
      });
  changes.cookies.push(cookie);
}

/**
 * The `remember_token` cookie: HttpOnly, SameSite=Lax (it logs in, so a cross-site POST must not
 * carry it; a top-level link may), Secure when the session cookie is, on the session cookie's path
 * and domain; persistent until the series ends, whatever `SESSION_EXPIRE_AT_BROWSER_CLOSE` says.
 */
function commitRemember<User extends AuthUser>(ctx: RequestContext<User>, changes: HeaderChanges): void {
  const change = ctx.remember.change;
  if (change === null) return;
  const s = ctx.settings;
  const options: CookieOptions = {
    domain: s.SESSION_COOKIE_DOMAIN,
    path: s.SESSION_COOKIE_PATH,
    secure: s.SESSION_COOKIE_SECURE,
    httpOnly: true,
    sameSite: 'Lax',
  };
  if (change.value === null) {
    changes.cookies.push(deleteCookieHeader(REMEMBER_COOKIE_NAME, options));
    return;
  }
  const maxAge = Math.max(0, Math.floor((change.expiresAt.getTime() - ctx.auth.clock.now()) / 1000));
  changes.cookies.push(
    serializeCookie(REMEMBER_COOKIE_NAME, change.value, { ...options, maxAge, expires: change.expiresAt }),
  );
}

function commitCsrf<User extends AuthUser>(
  ctx: RequestContext<User>,
  status: number,
  changes: HeaderChanges,
): void {
  // A server error shows no form that would need the token (a view that failed after asking for
  // one, e.g. while the store is down): like the session, the CSRF cookie is not written then.
  if (status >= 500) return;
  const secret = ctx.csrf.cookieToSet();
  if (secret === null) return;
  const s = ctx.settings;
  changes.cookies.push(
    serializeCookie(s.CSRF_COOKIE_NAME, secret, {
      maxAge: s.CSRF_COOKIE_AGE,
      expires: new Date(ctx.auth.clock.now() + s.CSRF_COOKIE_AGE * 1000),
      domain: s.CSRF_COOKIE_DOMAIN,
      path: s.CSRF_COOKIE_PATH,
      secure: s.CSRF_COOKIE_SECURE,
      httpOnly: s.CSRF_COOKIE_HTTPONLY,
      sameSite: s.CSRF_COOKIE_SAMESITE,
    }),
  );
  changes.varyCookie = true;
}

function write(headers: Headers, changes: HeaderChanges): void {
  for (const cookie of changes.cookies) headers.append('Set-Cookie', cookie);
  if (changes.varyCookie) patchVary(headers, ['Cookie']);
  if (changes.noStore) headers.set('Cache-Control', 'no-store, private');
}

/**
 * Writes `changes` into `response`'s headers, or, when they cannot be changed (a Response from
 * fetch() or Response.redirect() has immutable headers; there is no way to ask, so the first write
 * is the test), into a copy. Re-wrapping every response would turn string bodies into streams,
 * which servers send more slowly.
 */
function applyChanges(response: Response, changes: HeaderChanges): Response {
  if (changes.cookies.length === 0 && !changes.varyCookie && !changes.noStore) return response;
  try {
    write(response.headers, changes);
    return response;
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    const copy = new Response(response.body, {
      status: response.status,
      statusText: response.statusText,
      headers: new Headers(response.headers),
    });
    write(copy.headers, changes);
    return copy;
  }
}

/**
 * Applies the request's state to its response and returns the response to send. Throws
 * `SessionInterruptedError` (400) or `StoreUnavailableError` (503) for the caller to map.
 */
export async function commitResponse<User extends AuthUser>(
  ctx: RequestContext<User>,
  response: Response,
  cookieValue: SessionCookieValue,
): Promise<Response> {
  const changes: HeaderChanges = { cookies: [], varyCookie: false, noStore: false };
  const status = response.status;
  await commitMessages(ctx, changes);
  // Django's response order (MessageMiddleware, CsrfViewMiddleware, then SessionMiddleware): the
  // session cookie comes last, which clients that keep one cookie per response rely on.
  commitCsrf(ctx, status, changes);
  commitRemember(ctx, changes);
  await commitSession(ctx, status, changes, cookieValue);
  // INVARIANTS 8: whatever a view forgot, a page rendered for a user is not stored anywhere.
  changes.noStore = ctx.isAuthenticated && !response.headers.has('Cache-Control');
  return applyChanges(response, changes);
}
