/**
 * @module The CSRF check of one request, framework-neutral and synchronous (Django's
 * `CsrfViewMiddleware.process_view`, with a Fetch Metadata layer in front). Exemption is the
 * caller's decision, per route (INVARIANTS 6).
 */
import type { Logger } from '../core/logger.js';
import { isSafeMethod } from '../core/methods.js';
import type { Settings } from '../core/settings.js';
import { type CsrfOriginSettings, checkReferer, isOriginVerified, isTrustedOrigin } from './origin.js';
import {
  type CsrfReason,
  type CsrfRejection,
  fillReason,
  REASON_BAD_ORIGIN,
  REASON_CROSS_SITE,
  REASON_CSRF_TOKEN_MISSING,
  REASON_NO_CSRF_COOKIE,
  reject,
} from './reasons.js';
import { checkTokenFormat, doesTokenMatch, parseCsrfCookie, type TokenFormatProblem } from './tokens.js';

/** The settings {@link checkCsrf} reads. */
export type CsrfSettings = CsrfOriginSettings & Pick<Settings, 'CSRF_HEADER_NAME'>;

/** What {@link checkCsrf} needs to know of a request. */
export interface CsrfCheckInput {
  /** The HTTP method; GET, HEAD, OPTIONS and TRACE always pass (RFC 9110 9.2.1 safe methods). */
  readonly method: string;
  /** The request's own absolute URL: its scheme and host decide what "same origin" means. */
  readonly url: URL;
  /** A request header's value, or `null`/`undefined` when absent. */
  header(name: string): string | null | undefined;
  /** The CSRF cookie exactly as the request sent it, or `null` when absent. */
  readonly cookie: string | null | undefined;
  /** The `CSRF_FIELD_NAME` form field of a POST body, when there is one; read before the header. */
  readonly formToken?: string | null | undefined;
  readonly settings: CsrfSettings;
  /** Receives `security.csrf_rejected` with the reason code and path (never a token or secret). */
  readonly logger?: Logger;
}

function readHeader(input: CsrfCheckInput, name: string): string | null {
  const value = input.header(name);
  return typeof value === 'string' ? value : null;
}

// Django's HttpHeaders.parse_header_name renders 'HTTP_X_CSRFTOKEN' as 'X-Csrftoken' (str.title()).
function titleCase(name: string): string {
  return name.toLowerCase().replace(/(^|[^a-z])([a-z])/g, (_, before: string, letter: string) => {
    return before + letter.toUpperCase();
  });
}

function formatReason(problem: TokenFormatProblem, of: 'cookie' | 'token'): CsrfReason {
  const kind = problem === 'has incorrect length' ? 'incorrect_length' : 'invalid_characters';
  return `csrf_${of}_${kind}`;
}

// Django's _check_token: the cookie must hold a secret, and the POST field (else the header) a
// token carrying the same secret.
function checkToken(input: CsrfCheckInput, method: string): CsrfRejection | null {
  if (input.cookie === null || input.cookie === undefined) {
    // No cookie, no entry: this is what stops login CSRF.
    return reject('no_csrf_cookie', REASON_NO_CSRF_COOKIE);
  }
  const cookieProblem = checkTokenFormat(input.cookie);
  const secret = parseCsrfCookie(input.cookie);
  if (cookieProblem !== null || secret === null) {
    const problem = cookieProblem ?? 'has invalid characters';
    return reject(formatReason(problem, 'cookie'), `CSRF cookie ${problem}.`);
  }
  let token = method === 'POST' ? (input.formToken ?? '') : '';
  let source = 'POST';
  if (token === '') {
    const headerName = input.settings.CSRF_HEADER_NAME;
    const header = readHeader(input, headerName);
    if (header === null) return reject('csrf_token_missing', REASON_CSRF_TOKEN_MISSING);
    token = header;
    source = `the '${titleCase(headerName)}' HTTP header`;
  }
  const problem = checkTokenFormat(token);
  if (problem !== null)
    return reject(formatReason(problem, 'token'), `CSRF token from ${source} ${problem}.`);
  if (!doesTokenMatch(token, secret)) {
    return reject('csrf_token_incorrect', `CSRF token from ${source} incorrect.`);
  }
  return null;
}

function checkUnsafe(input: CsrfCheckInput, method: string): CsrfRejection | null {
  const { settings, url } = input;
  const origin = readHeader(input, 'Origin');
  // Fetch Metadata (W3C; OWASP CSRF cheat sheet): the browser itself says the request was made by
  // another site. An origin the app explicitly trusts is the one exception.
  const site = readHeader(input, 'Sec-Fetch-Site')?.trim().toLowerCase();
  if (site === 'cross-site' && (origin === null || !isTrustedOrigin(origin, settings.CSRF_TRUSTED_ORIGINS))) {
    return reject('cross_site', REASON_CROSS_SITE);
  }
  if (origin !== null) {
    if (!isOriginVerified(origin, url, settings)) {
      return reject('bad_origin', fillReason(REASON_BAD_ORIGIN, origin));
    }
  } else if (url.protocol === 'https:') {
    // Without Origin, HTTPS requests need a good Referer: under HTTPS it is missing for
    // same-domain requests in about 0.2% of cases (Barth et al., cited in Django's csrf.py).
    const refused = checkReferer(readHeader(input, 'Referer'), url, settings);
    if (refused !== null) return refused;
  }
  return checkToken(input, method);
}

/**
 * Checks one request. Returns `null` when it may proceed, or why it must get a 403. Order: safe
 * methods pass; `Sec-Fetch-Site: cross-site` is refused; `Origin` must be the request's own or
 * trusted (else, on HTTPS, the `Referer` must be); then the token must match the cookie's secret.
 * Never throws on any header value.
 * @example
 * const refused = checkCsrf({
 *   method: req.method, url: req.url, header: (n) => req.header(n),
 *   cookie: cookies.get(settings.CSRF_COOKIE_NAME), formToken: form?.get(settings.CSRF_FIELD_NAME),
 *   settings, logger,
 * });
 * if (refused) return new Response(refused.message, { status: 403 });
 */
export function checkCsrf(input: CsrfCheckInput): CsrfRejection | null {
  const method = input.method.toUpperCase();
  if (isSafeMethod(method)) return null;
  const refused = checkUnsafe(input, method);
  if (refused !== null) {
    input.logger?.log('warn', 'security.csrf_rejected', {
      reason: refused.reason,
      path: input.url.pathname,
    });
  }
  return refused;
}
