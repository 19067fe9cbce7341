/** @module Remember me: the token format, its SQL store and the restore/theft logic. */
export { RememberMe } from './remember-me.js';
export {
  type RememberedDevice,
  type RememberRecord,
  RememberTokenRepository,
  type RememberTokenSource,
  rememberedDeviceId,
} from './repository.js';
export {
  formatRememberCookie,
  hashRememberPart,
  judgeRememberSecret,
  parseRememberCookie,
  REMEMBER_COOKIE_NAME,
  type RememberToken,
  type RememberVerdict,
} from './token.js';
