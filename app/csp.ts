/**
 * @module The reference app's Content-Security-Policy with a fresh nonce per response (Django 6.0's
 * `ContentSecurityPolicyMiddleware` and `csp_nonce`; CSP Level 3, W3C, section 6.7.2). Every
 * `<script>` and `<style>`/stylesheet a page renders carries {@link cspNonce}; an inline script,
 * inline style or style attribute without it is refused by the browser. The nonce lives in an
 * AsyncLocalStorage scope opened for each request, so every page the app renders is covered
 * without passing it around: a new page gets the policy and the nonce by rendering through the
 * layout.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';

const scope = new AsyncLocalStorage<string>();

/**
 * A new nonce: 128 bits from the CSPRNG, base64 (CSP3 section 2.3.1 asks for at least 128 bits,
 * unguessable, fresh for each response).
 * @example
 * const nonce = newNonce();
 */
export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * The policy for one response. `strict-dynamic` lets a nonced script load others (none do today);
 * stylesheets come from the app itself or carry the nonce; `form-action 'self'` keeps every form
 * (the logout button's included) posting to this origin, `frame-ancestors 'none'` forbids framing.
 * @example
 * contentSecurityPolicy('r4nd0m'); // "default-src 'self'; script-src 'nonce-r4nd0m' 'strict-dynamic'; …"
 */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'nonce-${nonce}' 'strict-dynamic'`,
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Runs `work` with `nonce` as the nonce of everything rendered inside it.
 * @example
 * await withNonce(newNonce(), () => next());
 */
export function withNonce<T>(nonce: string, work: () => T): T {
  return scope.run(nonce, work);
}

/**
 * The nonce of the request being rendered, or `undefined` outside {@link withNonce}: a page
 * rendered without `securityHeaders()` (the benchmark's servers) gets no policy either, so it
 * needs no nonce.
 * @example
 * <script nonce={cspNonce()} src="/static/local-time.js" />
 */
export function cspNonce(): string | undefined {
  return scope.getStore();
}
