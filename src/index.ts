/** @module `latchkey`: settings, signing, and the session engine. Drivers live in their own subpaths. */

export { authenticate, type Credentials } from './auth/authenticate.js';
export { AuthEventEmitter, type AuthEvents, type EventOrigin } from './auth/events.js';
export { AUTH_TIME_KEY, confirmPassword, isFresh, markFresh } from './auth/fresh.js';
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
  INTERNAL_RESET_SESSION_TOKEN,
  RESET_URL_TOKEN,
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
export * from './auth/remember/index.js';
export { type ResolvedUser, resolveUser } from './auth/resolve-user.js';
export type { AuthMethod, AuthScope } from './auth/scope.js';
export { type AuthServices, createAuthServices } from './auth/services.js';
export { AUTH_HASH_KEY, sessionAuthHash, verifySessionAuthHash } from './auth/session-hash.js';
export { startSession } from './auth/start-session.js';
export { createLoginThrottle, type LoginThrottle } from './auth/throttle.js';
export { MemoryThrottleStore, type ThrottleStore } from './auth/throttle-store.js';
export { type AuthorizationToken, parseAuthorization } from './auth/tokens/header.js';
export type { AuthUser, PasswordService, TokenSource, UserSource } from './auth/types.js';
export type { UserSession, UserSessions } from './auth/user-sessions.js';
export { type Clock, createManualClock, type ManualClock, systemClock } from './core/clock.js';
export { type CookieOptions, deleteCookieHeader, parseCookies, serializeCookie } from './core/cookies.js';
export {
  BadSignatureError,
  ConfigurationError,
  CreateError,
  LatchkeyError,
  SessionInterruptedError,
  SignatureExpiredError,
  StoreUnavailableError,
  UpdateError,
} from './core/errors.js';
export { consoleLogger, type Logger, type LogLevel, silentLogger } from './core/logger.js';
export { isSafeMethod, SAFE_METHODS } from './core/methods.js';
export {
  defaultSettings,
  defineSettings,
  MIN_SECRET_KEY_LENGTH,
  productionDefaults,
  type SameSite,
  type Settings,
  settingsFromEnv,
} from './core/settings.js';
export {
  b62Decode,
  b62Encode,
  constantTimeEquals,
  dumps,
  loads,
  Signer,
  saltedHmac,
  TimestampSigner,
} from './core/signing.js';
export { createClientIpResolver, resolveClientIp } from './http/client-ip.js';
export { type ErrorRenderer, RequestContext } from './http/context.js';
export { defaultRenderError } from './http/error-response.js';
export type { Exchange } from './http/exchange.js';
export { clearSiteData, NEVER_CACHE, neverCache, patchVary } from './http/headers.js';
export { isAllowedHost } from './http/hosts.js';
export { Pipeline } from './http/pipeline.js';
export { BadRequestError, fromWebRequest, type HttpRequest, type WebRequestOptions } from './http/request.js';
export { type Guard, type RouteOptions, type RouteOptionsOf, routeTable } from './http/routes.js';
export { isSafeRedirectUrl, safeRedirectTarget } from './http/safe-url.js';
export { createLatchkey, Latchkey, type LatchkeyConfig, wantsJson } from './latchkey.js';
export { addressProblem, parseAddress } from './mail/address.js';
export { BadMessageError, createMailer, type EmailMessage, type Mailer } from './mail/mailer.js';
export { Outbox } from './mail/outbox.js';
export { createSignedCodec, type SessionCodec, type SessionData } from './sessions/codec.js';
export { generateSessionKey, isValidSessionKey } from './sessions/keys.js';
export { hashSessionKey } from './sessions/public-id.js';
export {
  AUTH_USER_ID_KEY,
  createSessionEngine,
  EXPIRY_KEY,
  type Expiry,
  Session,
  type SessionContext,
  type SessionEngine,
  type SessionPolicy,
  sessionPolicyOf,
} from './sessions/session.js';
export type {
  DeleteUserSessionsOptions,
  SessionRecord,
  SessionStore,
  StoredSession,
} from './sessions/store.js';
