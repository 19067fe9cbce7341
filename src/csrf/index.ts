/**
 * @module `latchkey/csrf`: the request check (`checkCsrf`) with its settings and rejection reasons
 * (Django's `REASON_*`), the per-request state `ctx.csrf`, and the token constants. The masking and
 * format helpers are internal, as they are in Django (`_mask_cipher_secret`, `_check_token_format`).
 */
export { type CsrfCheckInput, type CsrfSettings, checkCsrf } from './check.js';
export { type CsrfOriginSettings, isSameDomain, isTrustedOrigin } from './origin.js';
export {
  type CsrfReason,
  type CsrfRejection,
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
} from './reasons.js';
export type { CsrfState } from './state.js';
export { CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, CSRF_TOKEN_LENGTH } from './tokens.js';
