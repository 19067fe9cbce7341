/**
 * @module Reading API tokens from `Authorization` (Django REST framework's `TokenAuthentication`,
 * plus RFC 6750 `Bearer`). A request that carries one has no ambient credential, so it needs no
 * CSRF token.
 */

/** Characters of a token: 40 of `[A-Za-z0-9]`. */
export const TOKEN_PATTERN = /^[A-Za-z0-9]{40}$/;

/** What an `Authorization` header says about tokens. */
export type AuthorizationToken =
  /** No token scheme: not a token request. */
  | { readonly kind: 'none' }
  /** `Token …` or `Bearer …` but not a well-formed token: refused with 401. */
  | { readonly kind: 'malformed' }
  | { readonly kind: 'token'; readonly token: string };

/**
 * Parses `Authorization: Token <key>` or `Bearer <key>` (schemes case-insensitive, RFC 9110 11.1).
 * @example
 * parseAuthorization('Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b'); // { kind: 'token', token: '9944…' }
 */
export function parseAuthorization(header: string | null): AuthorizationToken {
  if (header === null) return { kind: 'none' };
  const match = /^\s*(token|bearer)(?:\s+(.*))?$/is.exec(header);
  if (match === null) return { kind: 'none' };
  const token = (match[2] ?? '').trim();
  return TOKEN_PATTERN.test(token) ? { kind: 'token', token } : { kind: 'malformed' };
}
