/** @module `latchkey/views`: framework-neutral views that return WHATWG `Response`s. */
export {
  type ApiOptions,
  apiLoginView,
  apiLogoutView,
  apiMeView,
  csrfTokenView,
  json,
  jsonError,
} from './api.js';
export { html, methodNotAllowed } from './html.js';
export {
  INVALID_LOGIN,
  type LoginPage,
  type LoginViewOptions,
  loginView,
  MAX_PASSWORD_LENGTH,
  MAX_USERNAME_LENGTH,
} from './login.js';
export { loginRequiredByDefault, NOT_AUTHENTICATED } from './login-required-by-default.js';
export { LOGGED_OUT_MESSAGE, type LogoutPage, type LogoutViewOptions, logoutView } from './logout.js';
export {
  type PasswordChangePage,
  type PasswordChangeViewOptions,
  passwordChangeView,
} from './password-change.js';
export {
  type PasswordResetPage,
  type PasswordResetViewOptions,
  passwordResetView,
} from './password-reset.js';
export {
  type InvalidLinkPage,
  type PasswordResetConfirmViewOptions,
  passwordResetConfirmView,
  type SetPasswordPage,
} from './password-reset-confirm.js';
export {
  apiReauthenticateView,
  REAUTH_REQUIRED_CODE,
  REAUTHENTICATE_URL,
  type ReauthenticatePage,
  reauthenticateView,
  reauthRequired,
} from './reauthenticate.js';
export {
  loginRequired,
  loginUrlFor,
  permissionRequired,
  redirect,
  safeNext,
  safeQueryNext,
  userPassesTest,
} from './redirects.js';
export {
  type DeviceEntry,
  forgetDeviceView,
  listSessions,
  logoutOthersView,
  revokeSessionView,
  type SessionEntry,
  type SessionsPage,
  sessionsView,
} from './sessions.js';
export { createTokenView } from './tokens.js';
