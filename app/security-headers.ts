/**
 * @module Security headers on every response of the reference app: no framing (the logout button
 * cannot be clickjacked), a Content-Security-Policy with a nonce per response (`csp.ts`), no MIME
 * sniffing, no cross-origin Referer leaks, and HSTS once the request came over HTTPS. OWASP Secure
 * Headers Project.
 */
import type { MiddlewareHandler } from 'hono';
import { type CspVariables, contentSecurityPolicy, newNonce } from './csp.js';

/**
 * One year, subdomains included (OWASP HTTP Strict Transport Security Cheat Sheet): with
 * `includeSubDomains` a plain-HTTP sibling cannot be used to plant cookies on this host.
 * No `preload`: that is a commitment for the domain's owner to make, not a library default.
 */
export const STRICT_TRANSPORT_SECURITY = 'max-age=31536000; includeSubDomains';

const always: Readonly<Record<string, string>> = {
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/**
 * Sets the headers unless a route already set them. The nonce the policy names is
 * `c.get('cspNonce')`, for the page renderer to put in the page's frame. HSTS only on
 * HTTPS responses: RFC 6797 7.2 forbids it over plain HTTP, where an attacker could strip or forge
 * it anyway.
 * @example
 * app.use(securityHeaders());
 */
export function securityHeaders(): MiddlewareHandler<{ Variables: CspVariables }> {
  return async (c, next) => {
    const nonce = newNonce();
    c.set('cspNonce', nonce);
    await next();
    const headers = c.res.headers;
    if (!headers.has('Content-Security-Policy'))
      headers.set('Content-Security-Policy', contentSecurityPolicy(nonce));
    for (const [name, value] of Object.entries(always)) if (!headers.has(name)) headers.set(name, value);
    if (c.req.url.startsWith('https:') && !headers.has('Strict-Transport-Security'))
      headers.set('Strict-Transport-Security', STRICT_TRANSPORT_SECURITY);
  };
}
