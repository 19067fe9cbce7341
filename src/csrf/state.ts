/**
 * @module The CSRF secret of one request, as Django keeps it in `request.META["CSRF_COOKIE"]`:
 * read from the cookie, handed out as masked tokens, rotated at login, and sent back in a cookie
 * only when something asked for it (`CSRF_COOKIE_NEEDS_UPDATE`), so untouched pages stay cacheable.
 */
import { generateCsrfSecret, maskSecret, parseCsrfCookie } from './tokens.js';

/** The CSRF secret of one request and whether the response must (re)send its cookie. */
export interface CsrfState {
  /** The secret the response's cookie holds or will hold; `null` until one is needed. */
  readonly secret: string | null;
  /** Django's `CSRF_COOKIE_NEEDS_UPDATE`: the response must carry the cookie. */
  readonly cookieNeedsUpdate: boolean;
  /**
   * A fresh masked token for a form or `X-CSRFToken` (Django's `get_token`). Creates the secret
   * when the request had none, and marks the cookie for sending (which also renews its expiry).
   */
  getToken(): string;
  /** A new secret, e.g. at login (Django's `rotate_token`; INVARIANTS 4). Old tokens stop working. */
  rotate(): void;
  /**
   * For the HTTP layer when it writes the response: the secret to put in the CSRF cookie when the
   * cookie must be sent, else `null`. Clears the flag, so a second call returns `null`.
   */
  cookieToSet(): string | null;
}

/**
 * Creates the state of one request from its CSRF cookie value (or `null` when absent). A malformed
 * cookie is replaced by a fresh secret at once, as Django's `process_request` does; a valid one is
 * kept and not re-sent unless a token is requested.
 * @example
 * const csrf = createCsrfState(parseCookies(req.header('cookie')).get(settings.CSRF_COOKIE_NAME));
 * const token = csrf.getToken(); // into the form's hidden csrfmiddlewaretoken field
 */
export function createCsrfState(cookie: string | null | undefined): CsrfState {
  let secret: string | null = null;
  let needsUpdate = false;
  const replace = (): string => {
    const fresh = generateCsrfSecret();
    secret = fresh;
    needsUpdate = true;
    return fresh;
  };
  if (cookie !== null && cookie !== undefined) {
    secret = parseCsrfCookie(cookie);
    if (secret === null) replace();
  }
  return {
    get secret(): string | null {
      return secret;
    },
    get cookieNeedsUpdate(): boolean {
      return needsUpdate;
    },
    getToken(): string {
      const current = secret ?? replace();
      needsUpdate = true;
      return maskSecret(current);
    },
    rotate(): void {
      replace();
    },
    cookieToSet(): string | null {
      if (!needsUpdate || secret === null) return null;
      needsUpdate = false;
      return secret;
    },
  };
}
