/**
 * @module Connects the authentication events to the audit log, so every login, logout, failed
 * login and password change leaves a row (OWASP ASVS 7.2.1: log authentication decisions).
 */
import type { AuthEventEmitter, EventOrigin } from '../auth/events.js';
import type { AuthUser } from '../auth/types.js';
import type { AuditEntry, AuditLog } from './log.js';

function where(origin: EventOrigin): Pick<AuditEntry, 'ip' | 'userAgent' | 'sessionKey' | 'detail'> {
  // The session key is hashed by AuditLog.record; only the hash reaches the row (INVARIANTS 9).
  return {
    ip: origin.ip,
    userAgent: origin.userAgent,
    sessionKey: origin.sessionKey,
    detail: { path: origin.path },
  };
}

/**
 * Records `userLoggedIn`, `userLoggedOut`, `userLoginFailed`, `passwordChanged`, the password reset
 * events and `sessionsRevoked` in `audit`.
 * Listeners are awaited, so an audit log that cannot write fails the request (fail closed);
 * returns a function that disconnects them.
 * @example
 * const stop = recordAuthEvents(latchkey.events, new AuditLog(db));
 */
export function recordAuthEvents<User extends AuthUser>(
  events: AuthEventEmitter<User>,
  audit: AuditLog,
): () => void {
  const stops = [
    events.on('userLoggedIn', ({ user, origin }) =>
      audit.record({ event: 'user_logged_in', userId: user.id, username: user.username, ...where(origin) }),
    ),
    events.on('userLoggedOut', ({ user, origin }) =>
      audit.record({
        event: 'user_logged_out',
        userId: user?.id ?? null,
        username: user?.username ?? null,
        ...where(origin),
      }),
    ),
    // The username as typed, so failures against unknown names are visible too; never the password.
    events.on('userLoginFailed', ({ credentials, origin }) =>
      audit.record({ event: 'user_login_failed', username: credentials.username, ...where(origin) }),
    ),
    events.on('passwordChanged', ({ user, origin }) =>
      audit.record({ event: 'password_changed', userId: user.id, username: user.username, ...where(origin) }),
    ),
    events.on('passwordResetRequested', ({ user, origin }) =>
      audit.record({
        event: 'password_reset_requested',
        userId: user.id,
        username: user.username,
        ...where(origin),
      }),
    ),
    events.on('passwordReset', ({ user, origin }) =>
      audit.record({ event: 'password_reset', userId: user.id, username: user.username, ...where(origin) }),
    ),
    events.on('sessionsRevoked', ({ user, sessions, tokens, remembered, origin }) =>
      audit.record({
        event: 'sessions_revoked',
        userId: user.id,
        username: user.username,
        ...(origin === null ? {} : where(origin)),
        detail: {
          ...(origin === null ? {} : { path: origin.path }),
          sessions,
          tokens,
          ...(remembered === undefined ? {} : { remembered }),
        },
      }),
    ),
    events.on('sessionRestored', ({ user, origin }) =>
      audit.record({ event: 'session_restored', userId: user.id, username: user.username, ...where(origin) }),
    ),
    // OWASP ASVS 7.2.1 / Logging Cheat Sheet: a suspected token theft is a security event to keep.
    events.on('rememberTokenTheft', ({ user, origin }) =>
      audit.record({
        event: 'remember_token_theft',
        userId: user.id,
        username: user.username,
        ...where(origin),
      }),
    ),
    events.on('reauthenticated', ({ user, origin }) =>
      audit.record({ event: 'reauthenticated', userId: user.id, username: user.username, ...where(origin) }),
    ),
  ];
  return () => {
    for (const stop of stops) stop();
  };
}
