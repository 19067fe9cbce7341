/**
 * @module `latchkey`: what an app needs every day — `createLatchkey` and its settings, the auth
 * verbs (`authenticate`, `login`, `logout`, `logoutAll`, password change and reset), the request
 * context, the typed errors, and the `Session`/`SessionStore` contract for custom stores.
 * Everything else has its own subpath (`latchkey/views`, `latchkey/users`, `latchkey/mail`,
 * `latchkey/signing`, …); internals are not exported. `test/packaging/public-api.txt` is the
 * reviewed record of this surface.
 */

// The auth verbs (Django's `django.contrib.auth` functions).
export { authenticate, type Credentials } from './auth/authenticate.js';
// What the app plugs in: users, passwords, events, throttling, clock and logging.
export { AuthEventEmitter, type AuthEvents, type EventOrigin } from './auth/events.js';
export { confirmPassword, isFresh, markFresh } from './auth/fresh.js';
export { type LoginOptions, login } from './auth/login.js';
export { logout } from './auth/logout.js';
export {
  logoutAll,
  logoutOthers,
  type RevokedCount,
  type RevokeOutcome,
  revokeSession,
} from './auth/logout-everywhere.js';
export { changePassword, updateSessionAuthHash } from './auth/password-change.js';
export {
  canReset,
  defaultResetMail,
  type RequestResetOptions,
  type ResetMail,
  type ResetMailContext,
  requestPasswordReset,
  resetPassword,
} from './auth/password-reset.js';
export {
  decodeUid,
  encodeUid,
  PasswordResetTokenGenerator,
  type ResetTokenUser,
} from './auth/password-reset-token.js';
export {
  createPasswordService,
  defaultPasswordService,
  type PasswordServiceOptions,
} from './auth/password-service.js';
export type { AuthMethod, AuthScope } from './auth/scope.js';
export type { AuthServices } from './auth/services.js';
export { createLoginThrottle, type LoginThrottle } from './auth/throttle.js';
export { MemoryThrottleStore, type ThrottleStore } from './auth/throttle-store.js';
export type { AuthUser, PasswordService, TokenSource, UserSource } from './auth/types.js';
export type { UserSession, UserSessions } from './auth/user-sessions.js';
export { type Clock, systemClock } from './core/clock.js';
// Typed errors: `switch (error.code)` over `LatchkeyErrorCode` is exhaustive-checkable.
export {
  BadSignatureError,
  ConfigurationError,
  CreateError,
  LATCHKEY_ERROR_CODES,
  LatchkeyError,
  type LatchkeyErrorCode,
  SessionInterruptedError,
  SignatureExpiredError,
  StoreUnavailableError,
  UpdateError,
} from './core/errors.js';
export { consoleLogger, type Logger, type LogLevel, silentLogger } from './core/logger.js';
export {
  defaultSettings,
  defineSettings,
  MIN_SECRET_KEY_LENGTH,
  productionDefaults,
  type SameSite,
  type Settings,
  settingsFromEnv,
} from './core/settings.js';
export { BadRequestError } from './http/bad-request.js';
// The request, its context and the routing table.
export { type ErrorRenderer, RequestContext } from './http/context.js';
export {
  type ApiErrorBody,
  type ApiErrorCode,
  defaultRenderError,
  wantsJson,
} from './http/error-response.js';
export { NEVER_CACHE, neverCache } from './http/headers.js';
export type { HttpRequest } from './http/request.js';
export { type Guard, type RouteOptions, type RouteOptionsOf, routeTable } from './http/routes.js';
export { isSafeRedirectUrl, safeRedirectTarget } from './http/safe-url.js';
// The app object and its settings.
export { createLatchkey, Latchkey, type LatchkeyConfig } from './latchkey.js';

// Sessions, and the contract a custom store implements (run `latchkey/testing`'s conformance suite).
export type { SessionCodec, SessionData } from './sessions/codec.js';
export { type Expiry, Session } from './sessions/session.js';
export type {
  DeleteUserSessionsOptions,
  SessionRecord,
  SessionStore,
  StoredSession,
} from './sessions/store.js';
