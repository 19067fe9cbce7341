/** @module Remember me: the token format, its SQL store and the restore/theft logic. */
export { type RememberCookieChange, RememberCookieState } from './cookie-state.js';
export {
  type RememberedDevice,
  type RememberMeConfig,
  type RememberRecord,
  RememberTokenRepository,
  type RememberTokenSource,
  rememberedDeviceId,
} from './repository.js';
export { restoreFromRememberCookie } from './restore.js';
export {
  type DeviceEntry,
  forgetDevice,
  forgetPresentedSeries,
  forgetUserSeries,
  rememberedDevices,
  rememberLogin,
} from './series.js';
export {
  formatRememberCookie,
  hashRememberPart,
  judgeRememberSecret,
  parseRememberCookie,
  REMEMBER_COOKIE_NAME,
  type RememberToken,
  type RememberVerdict,
} from './token.js';
