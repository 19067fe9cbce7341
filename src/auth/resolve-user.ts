/**
 * @module Who a request is: the API token's user, or the session's user checked against the
 * session auth hash (INVARIANTS 5; Django's `get_user`). A hash that no longer matches (the
 * password changed) ends the session; one signed with a fallback key is moved to the current key.
 */
import type { Clock } from '../core/clock.js';
import type { SessionData } from '../sessions/codec.js';
import { AUTH_USER_ID_KEY, type Session } from '../sessions/session.js';
import type { AuthMethod } from './scope.js';
import type { AuthServices } from './services.js';
import { AUTH_HASH_KEY, verifySessionAuthHash } from './session-hash.js';
import { LAST_SEEN_INTERVAL_MS, readSessionMeta, SESSION_META_KEY } from './session-meta.js';
import type { AuthorizationToken } from './tokens/header.js';
import type { AuthUser } from './types.js';

/** The user of a request and how it was authenticated; both `null` when anonymous. */
export interface ResolvedUser<User extends AuthUser> {
  readonly user: User | null;
  readonly method: AuthMethod | null;
}

const ANONYMOUS: ResolvedUser<never> = { user: null, method: null };

/**
 * Resolves the request's user. Costs nothing without a session key or token.
 * @example
 * const { user, method } = await resolveUser(auth, { session, authorization });
 */
export function resolveUser<User extends AuthUser>(
  auth: AuthServices<User>,
  request: { readonly session: Session; readonly authorization: AuthorizationToken },
): Promise<ResolvedUser<User>> {
  return request.authorization.kind === 'none'
    ? fromSession(auth, request.session)
    : fromToken(auth, request.authorization);
}

async function fromToken<User extends AuthUser>(
  auth: AuthServices<User>,
  authorization: AuthorizationToken,
): Promise<ResolvedUser<User>> {
  // A malformed or unknown token is no user: never a fallback to the session cookie.
  if (authorization.kind !== 'token' || auth.tokens === null) return ANONYMOUS;
  const id = await auth.tokens.authenticate(authorization.token);
  const user = id === null ? null : await auth.users.getById(id);
  if (user === null || !user.isActive) return ANONYMOUS;
  return { user, method: 'token' };
}

async function fromSession<User extends AuthUser>(
  auth: AuthServices<User>,
  session: Session,
): Promise<ResolvedUser<User>> {
  if (session.key === null) return ANONYMOUS;
  // One load, then plain reads: every authenticated request passes here, and each awaited
  // `session.get` is two more promises.
  let data = await session.load();
  const id = ownValue(data, AUTH_USER_ID_KEY);
  if (typeof id !== 'string') return ANONYMOUS;
  const user = await auth.users.getById(id);
  if (user === null || !user.isActive) return ANONYMOUS;
  const match = verifySessionAuthHash(ownValue(data, AUTH_HASH_KEY), user, auth.keys);
  if (match === 'mismatch') {
    // The password changed since this session logged in (or the hash was forged): end it.
    auth.logger.log('info', 'auth.session_hash_mismatch', { userId: user.id });
    await session.flush();
    return ANONYMOUS;
  }
  if (match === 'fallback') {
    // Signed with a key that is being rotated out: move the session to the current key.
    await session.cycleKey();
    await session.set(AUTH_HASH_KEY, auth.sessionAuthHash(user));
    data = await session.load();
  }
  await touch(auth.clock, session, data);
  return { user, method: 'session' };
}

/** The session value under `name` if the data holds it itself (never Object.prototype's). */
function ownValue(data: SessionData, name: string): unknown {
  return Object.hasOwn(data, name) ? data[name] : undefined;
}

/** Refreshes "last seen" for the sessions page, at most once a minute (INVARIANTS 12 stays cheap). */
async function touch(clock: Clock, session: Session, data: SessionData): Promise<void> {
  const meta = readSessionMeta(data);
  const now = clock.now();
  if (meta !== null && now - meta.seen >= LAST_SEEN_INTERVAL_MS) {
    await session.set(SESSION_META_KEY, { ...meta, seen: now });
  }
}
