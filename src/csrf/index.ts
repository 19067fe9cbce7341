/** @module `latchkey/csrf`: CSRF secrets, masked tokens, the request check and per-request state. */
export { type CsrfCheckInput, type CsrfSettings, checkCsrf } from './check.js';
export {
  type CsrfOriginSettings,
  checkReferer,
  isOriginVerified,
  isSameDomain,
  isTrustedOrigin,
} from './origin.js';
export {
  type CsrfReason,
  type CsrfRejection,
  fillReason,
  REASON_BAD_ORIGIN,
  REASON_BAD_REFERER,
  REASON_CROSS_SITE,
  REASON_CSRF_TOKEN_MISSING,
  REASON_INCORRECT_LENGTH,
  REASON_INSECURE_REFERER,
  REASON_INVALID_CHARACTERS,
  REASON_MALFORMED_REFERER,
  REASON_NO_CSRF_COOKIE,
  REASON_NO_REFERER,
  reject,
} from './reasons.js';
export { type CsrfState, createCsrfState } from './state.js';
export {
  CSRF_ALLOWED_CHARS,
  CSRF_SECRET_LENGTH,
  CSRF_TOKEN_LENGTH,
  checkTokenFormat,
  doesTokenMatch,
  generateCsrfSecret,
  isValidSecret,
  maskSecret,
  parseCsrfCookie,
  type TokenFormatProblem,
  unmaskToken,
} from './tokens.js';
