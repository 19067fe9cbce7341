/**
 * @module `authenticate` (Django's ModelBackend): one hash for every attempt, and one failure
 * for an unknown user, a wrong password and an inactive account alike.
 */
import type { AuthScope } from './scope.js';
import type { AuthServices } from './services.js';
import type { AuthUser } from './types.js';

/** Credentials as typed by the user. */
export interface Credentials {
  readonly username: string;
  readonly password: string;
}

/**
 * The account `login` names: a username, or with `LOGIN_BY_EMAIL` an email address when no user has
 * that username (Django's `USERNAME_FIELD = "email"` or an email backend). Emails are then unique,
 * so an address names at most one account; two matches (from before the setting) name none.
 */
async function findUser<User extends AuthUser>(
  auth: AuthServices<User>,
  login: string,
): Promise<User | null> {
  const { users } = auth;
  const byName = await users.getByUsername(login);
  if (byName !== null || !auth.loginByEmail || !login.includes('@')) return byName;
  const byEmail = (await users.listByEmail?.(login)) ?? [];
  return byEmail.length === 1 ? (byEmail[0] ?? null) : null;
}

/**
 * Returns the user whose credentials these are, or `null`. Fires `userLoginFailed` (password
 * redacted) on failure; rehashes a password stored with a weaker hasher on success.
 * @example
 * const user = await authenticate(ctx, { username, password });
 * if (user) await login(ctx, user);
 */
export async function authenticate<User extends AuthUser>(
  ctx: AuthScope<User>,
  credentials: Credentials,
): Promise<User | null> {
  const { auth } = ctx;
  const user = await findUser(auth, credentials.username);
  let authenticated: User | null = null;
  if (user === null) {
    // Django ticket #20760: without this, response time tells which usernames exist.
    await auth.passwords.harden(credentials.password);
  } else {
    // The hash is checked even for inactive users, so that timing does not tell them apart.
    const { valid, mustUpdate } = await auth.passwords.check(credentials.password, user.password);
    if (valid && user.isActive) {
      authenticated = user;
      if (mustUpdate) {
        await auth.users.setPassword(user.id, await auth.passwords.make(credentials.password));
        authenticated = (await auth.users.getById(user.id)) ?? user;
      }
    }
  }
  if (authenticated === null) {
    await auth.events.emit('userLoginFailed', {
      credentials: { username: credentials.username, password: '********' },
      origin: ctx.origin(),
    });
  }
  return authenticated;
}
