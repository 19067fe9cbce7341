/**
 * @module Cookie parsing and serialisation (RFC 6265), knowing nothing of any framework.
 * Parsing never throws: a malformed pair is skipped, and the first of duplicate names wins
 * (browsers send the most specific path first, RFC 6265 5.4).
 */
import type { SameSite } from './settings.js';

/** Largest `Cookie` header parsed; past it the header is treated as absent. */
export const MAX_COOKIE_HEADER_LENGTH = 16 * 1024;

const sameSiteValues: readonly unknown[] = ['Lax', 'Strict', 'None'];
const tokenPattern = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// RFC 6265 4.1.1 cookie-octet: no CTLs, whitespace, DQUOTE, comma, semicolon or backslash.
const valuePattern = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/;

/**
 * Parses a `Cookie` header into a map of name to value. Values are not URL-decoded (Latchkey's
 * own cookies never need it). Returns an empty map on a missing or oversized header.
 * @example
 * parseCookies('sessionid=abc; csrftoken=def').get('sessionid'); // 'abc'
 */
export function parseCookies(header: string | null | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header || header.length > MAX_COOKIE_HEADER_LENGTH) return cookies;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    const name = pair.slice(0, eq).trim();
    let value = pair.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (!tokenPattern.test(name) || !valuePattern.test(value) || cookies.has(name)) continue;
    cookies.set(name, value);
  }
  return cookies;
}

/** Attributes of a `Set-Cookie` header. */
export interface CookieOptions {
  /** Seconds until expiry; omitted for a cookie that ends with the browser session. */
  readonly maxAge?: number;
  readonly expires?: Date;
  readonly domain?: string | null;
  readonly path?: string;
  readonly secure?: boolean;
  readonly httpOnly?: boolean;
  readonly sameSite?: SameSite;
}

/**
 * Serialises one `Set-Cookie` value. Throws `TypeError` on a name, value or attribute that could
 * split the header, so that no CR, LF or `;` from anywhere reaches a response (INVARIANTS 7).
 * @example
 * serializeCookie('sessionid', key, { path: '/', httpOnly: true, sameSite: 'Lax', maxAge: 1209600 });
 */
export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  if (!tokenPattern.test(name)) throw new TypeError('Invalid cookie name');
  if (!valuePattern.test(value)) throw new TypeError(`Invalid value for cookie ${name}`);
  const parts = [`${name}=${value}`];
  if (options.expires !== undefined) {
    if (Number.isNaN(options.expires.getTime())) throw new TypeError(`Invalid expires for cookie ${name}`);
    parts.push(`Expires=${options.expires.toUTCString()}`);
  }
  if (options.maxAge !== undefined) {
    // `Max-Age=NaN` or `=Infinity` is not a delta-seconds (RFC 6265 5.2.2); browsers would ignore it.
    if (!Number.isFinite(options.maxAge)) throw new TypeError(`Invalid maxAge for cookie ${name}`);
    parts.push(`Max-Age=${Math.max(0, Math.floor(options.maxAge))}`);
  }
  if (options.domain) {
    if (!/^[A-Za-z0-9.-]+$/.test(options.domain)) throw new TypeError(`Invalid domain for cookie ${name}`);
    parts.push(`Domain=${options.domain}`);
  }
  if (options.path !== undefined) {
    if (!/^[\x20-\x3A\x3C-\x7E]*$/.test(options.path)) throw new TypeError(`Invalid path for cookie ${name}`);
    parts.push(`Path=${options.path}`);
  }
  if (options.secure) parts.push('Secure');
  if (options.httpOnly) parts.push('HttpOnly');
  if (options.sameSite) {
    // Checked at run time too: a value from untyped code must not smuggle `;` or CR/LF into the header.
    if (!sameSiteValues.includes(options.sameSite))
      throw new TypeError(`Invalid sameSite for cookie ${name}`);
    parts.push(`SameSite=${options.sameSite}`);
  }
  return parts.join('; ');
}

/**
 * A `Set-Cookie` value that deletes the cookie. It must carry the same name, path, domain and
 * prefix the cookie was set with, or the browser keeps the original (INVARIANTS 3).
 * @example
 * deleteCookieHeader('sessionid', { path: '/', sameSite: 'Lax' }); // 'sessionid=; Expires=Thu, 01 Jan 1970 ...; Max-Age=0; ...'
 */
export function deleteCookieHeader(
  name: string,
  options: Pick<CookieOptions, 'domain' | 'path' | 'secure' | 'sameSite' | 'httpOnly'>,
): string {
  // A browser refuses a __Secure-/__Host- cookie without Secure, deletions included, so the old
  // cookie would survive; Django's `HttpResponse.delete_cookie` forces Secure for these names too.
  const prefixed = /^__(secure|host)-/i.test(name);
  return serializeCookie(name, '', {
    ...options,
    secure: options.secure === true || prefixed,
    maxAge: 0,
    expires: new Date(0),
  });
}
