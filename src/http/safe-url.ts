/**
 * @module Safe redirect targets: Django's `url_has_allowed_host_and_scheme`
 * (django/utils/http.py) over a port of Python's `urlsplit`, stricter in one way: nothing holding a
 * control character is ever accepted, so no CR or LF reaches a `Location` header (INVARIANTS 7).
 */
import { isIPv6 } from 'node:net';

/** Django's `MAX_URL_LENGTH`: longer URLs are refused before parsing (CVE-2025-27556 hardening). */
export const MAX_URL_LENGTH = 2048;

/** The five parts Python's `urllib.parse.urlsplit` returns; the scheme is lower-cased. */
export interface SplitUrl {
  readonly scheme: string;
  readonly netloc: string;
  readonly path: string;
  readonly query: string;
  readonly fragment: string;
}

const schemeChars = /^[a-zA-Z][a-zA-Z0-9+.-]*$/;

// Python's bracketed-host check (urllib.parse._check_bracketed_netloc): IPv6 or IPvFuture only.
function bracketedNetlocIsValid(netloc: string): boolean {
  const hostAndPort = netloc.slice(netloc.lastIndexOf('@') + 1);
  const open = hostAndPort.indexOf('[');
  if (open !== 0) return open < 0;
  const close = hostAndPort.indexOf(']');
  const host = hostAndPort.slice(1, close);
  const port = hostAndPort.slice(close + 1);
  if (port !== '' && !port.startsWith(':')) return false;
  if (host.startsWith('v')) return /^v[a-fA-F0-9]+\..+$/s.test(host);
  return isIPv6(host);
}

// Python's urllib.parse._checknetloc: a netloc must not gain `/?#@:` under NFKC normalisation.
function netlocSurvivesNfkc(netloc: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching ASCII is the point.
  if (/^[\x00-\x7f]*$/.test(netloc)) return true;
  const stripped = netloc.replace(/[@:#?]/g, '');
  const normalized = stripped.normalize('NFKC');
  return stripped === normalized || !/[/?#@:]/.test(normalized);
}

/**
 * Python's `urlsplit` (3.12+), returning `null` where Python raises `ValueError` (bad brackets,
 * NFKC tricks). Leading C0 controls and spaces are dropped and tabs/CR/LF removed, as WHATWG does.
 * @example
 * splitUrl('HTTPS://example.com/a?b#c'); // { scheme: 'https', netloc: 'example.com', path: '/a', query: 'b', fragment: 'c' }
 */
export function splitUrl(input: string): SplitUrl | null {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: WHATWG's C0-control-or-space set.
  let rest = input.replace(/^[\x00-\x20]+/, '').replace(/[\t\r\n]/g, '');
  let scheme = '';
  const colon = rest.indexOf(':');
  if (colon > 0 && schemeChars.test(rest.slice(0, colon))) {
    scheme = rest.slice(0, colon).toLowerCase();
    rest = rest.slice(colon + 1);
  }
  let netloc = '';
  if (rest.startsWith('//')) {
    const end = rest.slice(2).search(/[/?#]/);
    netloc = end < 0 ? rest.slice(2) : rest.slice(2, end + 2);
    rest = end < 0 ? '' : rest.slice(end + 2);
    const open = netloc.includes('[');
    const close = netloc.includes(']');
    if (open !== close) return null;
    if (open && !bracketedNetlocIsValid(netloc)) return null;
  }
  let fragment = '';
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    fragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
  }
  let query = '';
  const question = rest.indexOf('?');
  if (question >= 0) {
    query = rest.slice(question + 1);
    rest = rest.slice(0, question);
  }
  if (!netlocSurvivesNfkc(netloc)) return null;
  return { scheme, netloc, path: rest, query, fragment };
}

// Python's str.strip(): characters for which str.isspace() is true (Unicode White_Space, minus
// U+180E, plus the C0 separators U+001C..U+001F).
const pythonSpace =
  '[\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const pythonStrip = new RegExp(`^${pythonSpace}+|${pythonSpace}+$`, 'g');

// Stricter than Django: a control character (C0, DEL, C1) or a lone surrogate anywhere refuses the
// URL. Browsers drop tabs and newlines inside URLs ("/\t/evil.com" becomes "//evil.com"), and a CR
// or LF in a Location header would split the response (INVARIANTS 7).
const forbiddenAnywhere = /[\p{Cc}\p{Cs}]/u;

/** Options of {@link isSafeRedirectUrl} and {@link safeRedirectTarget}. */
export interface SafeUrlOptions {
  /** Exact netlocs (`host` or `host:port`) a redirect may name; usually the request's own host. */
  readonly allowedHosts: readonly string[];
  /** Accept only `https` absolute URLs (set it when the request itself is HTTPS). */
  readonly requireHttps?: boolean;
}

// Django's _url_has_allowed_host_and_scheme, on one spelling of the URL.
function hasAllowedHostAndScheme(url: string, allowed: ReadonlySet<string>, requireHttps: boolean): boolean {
  // Chrome treats "///host" as absolute; urlsplit does not (Django ticket #26308).
  if (url.startsWith('///') || url.length > MAX_URL_LENGTH) return false;
  const parts = splitUrl(url);
  if (parts === null) return false;
  // "http:///example.com": Chrome takes example.com as the host.
  if (parts.netloc === '' && parts.scheme !== '') return false;
  // Browsers ignore some control characters at the start and may see a scheme-relative URL.
  if (/^\p{C}/u.test(url)) return false;
  // Stricter than Django: "//" with an empty host ("//", "//?x") is no URL a browser can follow.
  if (parts.netloc === '' && url.startsWith('//')) return false;
  const scheme = parts.scheme === '' && parts.netloc !== '' ? 'http' : parts.scheme;
  const schemeOk = scheme === '' || scheme === 'https' || (scheme === 'http' && !requireHttps);
  return (parts.netloc === '' || allowed.has(parts.netloc)) && schemeOk;
}

function strippedIfSafe(url: unknown, options: SafeUrlOptions): string | null {
  if (typeof url !== 'string' || forbiddenAnywhere.test(url)) return null;
  const stripped = url.replace(pythonStrip, '');
  if (stripped === '') return null;
  const allowed = new Set(options.allowedHosts);
  const requireHttps = options.requireHttps === true;
  // Chrome reads "\" as "/" in paths, but it may also sit in userinfo: check both spellings.
  const safe =
    hasAllowedHostAndScheme(stripped, allowed, requireHttps) &&
    hasAllowedHostAndScheme(stripped.replaceAll('\\', '/'), allowed, requireHttps);
  return safe ? stripped : null;
}

/**
 * Whether `url` may be redirected to: a relative URL, or an `http`/`https` URL whose netloc is one
 * of `allowedHosts` (Django's `url_has_allowed_host_and_scheme`). Never throws. Redirect to what
 * {@link safeRedirectTarget} returns, not to the raw input: it is trimmed and encoded for the header.
 * @example
 * isSafeRedirectUrl('/dashboard/', { allowedHosts: ['testserver'] }); // true
 * isSafeRedirectUrl('//evil.example/', { allowedHosts: ['testserver'] }); // false
 */
export function isSafeRedirectUrl(url: string | null | undefined, options: SafeUrlOptions): boolean {
  return strippedIfSafe(url, options) !== null;
}

// Django's iri_to_uri: percent-encode all but unreserved characters and RFC 3987's safe set.
const uriSafe = /^[A-Za-z0-9\-._~/#%[\]=:;$&()+,!?*@']$/;

function iriToUri(iri: string): string {
  let out = '';
  for (const char of iri) out += uriSafe.test(char) ? char : encodeURIComponent(char);
  return out;
}

/**
 * The first candidate that passes {@link isSafeRedirectUrl} (e.g. the POSTed `next`, then the
 * query's), or `null`. It comes back trimmed and percent-encoded as Django's `iri_to_uri` does, so
 * it can go straight into a `Location` header: printable ASCII only.
 * @example
 * safeRedirectTarget([form.get('next'), url.searchParams.get('next')], { allowedHosts: [url.host] }) ?? settings.LOGIN_REDIRECT_URL;
 */
export function safeRedirectTarget(
  candidates: readonly (string | null | undefined)[],
  options: SafeUrlOptions,
): string | null {
  for (const candidate of candidates) {
    const safe = strippedIfSafe(candidate, options);
    if (safe !== null) return iriToUri(safe);
  }
  return null;
}
