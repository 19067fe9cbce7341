/** @module API tokens: the `Authorization` header and the SQL token store. */
export { type AuthorizationToken, parseAuthorization, TOKEN_PATTERN } from './header.js';
export { hashToken, TOKEN_LENGTH, type TokenInfo, TokenRepository } from './repository.js';
