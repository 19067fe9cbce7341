/**
 * @module `latchkey/tokens`: long-lived credentials kept in SQL — API tokens (`Authorization: Token
 * <key>`, the `tokens` of `createLatchkey`) and remember-me series (its `rememberTokens`), with the
 * calls that list and forget remembered devices.
 * @example
 * import { RememberTokenRepository, TokenRepository } from 'latchkey/tokens';
 * const latchkey = createLatchkey({ ..., tokens: new TokenRepository(db), rememberTokens: new RememberTokenRepository(db) });
 */
export {
  type RememberedDevice,
  type RememberRecord,
  RememberTokenRepository,
  type RememberTokenSource,
} from '../remember/repository.js';
export { type DeviceEntry, forgetDevice, rememberedDevices, rememberLogin } from '../remember/series.js';
export { REMEMBER_COOKIE_NAME, type RememberToken, type StoredSecrets } from '../remember/token.js';
export { TOKEN_LENGTH, type TokenInfo, TokenRepository } from './repository.js';
