/**
 * @module Proof of origin for unsafe requests (django/middleware/csrf.py): the `Origin` header
 * against the request's own origin and `CSRF_TRUSTED_ORIGINS`, and, for HTTPS requests without
 * one, strict `Referer` checking (`_origin_verified`, `_check_referer`).
 */
import type { Settings } from '../core/settings.js';
import { allowedHostsOf, isAllowedHost } from '../http/hosts.js';
import { splitUrl } from '../http/safe-url.js';
import {
  type CsrfRejection,
  fillReason,
  REASON_BAD_REFERER,
  REASON_INSECURE_REFERER,
  REASON_MALFORMED_REFERER,
  REASON_NO_REFERER,
  reject,
} from './reasons.js';

/** The settings the Origin and Referer checks read. */
export type CsrfOriginSettings = Pick<
  Settings,
  'DEBUG' | 'ALLOWED_HOSTS' | 'CSRF_TRUSTED_ORIGINS' | 'CSRF_COOKIE_DOMAIN'
>;

/**
 * Django's `is_same_domain`: `pattern` is an exact host, or `.example.com` for the domain and all
 * its subdomains. Only the pattern is lower-cased, as in Django; an empty pattern matches nothing.
 * @example
 * isSameDomain('foo.example.com:8888', '.example.com:8888'); // true
 */
export function isSameDomain(host: string, pattern: string): boolean {
  if (pattern === '') return false;
  const p = pattern.toLowerCase();
  return (p.startsWith('.') && (host.endsWith(p) || host === p.slice(1))) || p === host;
}

interface TrustedOrigins {
  /** Origins without a wildcard (Django's `allowed_origins_exact`). */
  readonly exact: ReadonlySet<string>;
  /** Scheme to `.domain` patterns of wildcard origins (Django's `allowed_origin_subdomains`). */
  readonly subdomains: ReadonlyMap<string, readonly string[]>;
  /** Every origin's netloc, wildcard stripped (Django's `csrf_trusted_origins_hosts`). */
  readonly hosts: readonly string[];
}

// Settings are frozen, so each list is parsed once (Django caches these as cached_property).
const parsedLists = new WeakMap<readonly string[], TrustedOrigins>();

function trustedOrigins(list: readonly string[]): TrustedOrigins {
  const cached = parsedLists.get(list);
  if (cached !== undefined) return cached;
  const exact = new Set<string>();
  const subdomains = new Map<string, string[]>();
  const hosts: string[] = [];
  for (const origin of list) {
    const parts = splitUrl(origin);
    if (parts === null) continue;
    // "https://*.example.com" becomes ".example.com": the domain and every subdomain.
    const netloc = parts.netloc.replace(/^\*+/, '');
    hosts.push(netloc);
    if (!origin.includes('*')) exact.add(origin);
    else subdomains.set(parts.scheme, [...(subdomains.get(parts.scheme) ?? []), netloc]);
  }
  const parsed = { exact, subdomains, hosts };
  parsedLists.set(list, parsed);
  return parsed;
}

/**
 * Django's `request.get_host()`: the request's `host[:port]` when `ALLOWED_HOSTS` permits it,
 * else `null` (Django raises `DisallowedHost`). With `DEBUG` and no `ALLOWED_HOSTS`, local hosts pass.
 */
function allowedRequestHost(url: URL, settings: CsrfOriginSettings): string | null {
  return isAllowedHost(url.host, allowedHostsOf(settings)) ? url.host : null;
}

/**
 * Whether `origin` matches an entry of `CSRF_TRUSTED_ORIGINS`, exactly or by a `*.` wildcard with
 * the same scheme.
 * @example
 * isTrustedOrigin('https://app.example.com', ['https://*.example.com']); // true
 */
export function isTrustedOrigin(origin: string, trusted: readonly string[]): boolean {
  const { exact, subdomains } = trustedOrigins(trusted);
  if (exact.has(origin)) return true;
  const parts = splitUrl(origin);
  if (parts === null) return false;
  return (subdomains.get(parts.scheme) ?? []).some((pattern) => isSameDomain(parts.netloc, pattern));
}

/**
 * Django's `_origin_verified`: `origin` is the request's own (scheme and allowed host) or trusted.
 * @example
 * isOriginVerified('https://www.example.com', new URL('https://www.example.com/login/'), settings);
 */
export function isOriginVerified(origin: string, url: URL, settings: CsrfOriginSettings): boolean {
  const host = allowedRequestHost(url, settings);
  const scheme = url.protocol === 'https:' ? 'https' : 'http';
  if (host !== null && origin === `${scheme}://${host}`) return true;
  return isTrustedOrigin(origin, settings.CSRF_TRUSTED_ORIGINS);
}

/**
 * Django's `_check_referer`, run for HTTPS requests without `Origin`: the `Referer` must be an
 * `https` URL of the request's host, a trusted origin's host, or (when set) `CSRF_COOKIE_DOMAIN`.
 * This stops a man in the middle who controls `http://` pages of the same site.
 * @example
 * checkReferer(request.header('referer'), request.url, settings); // null or a rejection
 */
export function checkReferer(
  referer: string | null,
  url: URL,
  settings: CsrfOriginSettings,
): CsrfRejection | null {
  if (referer === null) return reject('no_referer', REASON_NO_REFERER);
  const parts = splitUrl(referer);
  if (parts === null || parts.scheme === '' || parts.netloc === '') {
    return reject('malformed_referer', REASON_MALFORMED_REFERER);
  }
  if (parts.scheme !== 'https') return reject('insecure_referer', REASON_INSECURE_REFERER);
  const { hosts } = trustedOrigins(settings.CSRF_TRUSTED_ORIGINS);
  if (hosts.some((host) => isSameDomain(parts.netloc, host))) return null;
  // Python's urlunsplit of the parsed Referer, as Django quotes it.
  const shown = `https://${parts.netloc}${parts.path}${parts.query ? `?${parts.query}` : ''}${parts.fragment ? `#${parts.fragment}` : ''}`;
  const bad = reject('bad_referer', fillReason(REASON_BAD_REFERER, shown));
  let good: string;
  if (settings.CSRF_COOKIE_DOMAIN === null) {
    const host = allowedRequestHost(url, settings);
    if (host === null) return bad;
    good = host;
  } else {
    const port = url.port === '' ? (url.protocol === 'https:' ? '443' : '80') : url.port;
    good =
      port === '443' || port === '80'
        ? settings.CSRF_COOKIE_DOMAIN
        : `${settings.CSRF_COOKIE_DOMAIN}:${port}`;
  }
  return isSameDomain(parts.netloc, good) ? null : bad;
}
