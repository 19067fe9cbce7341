/**
 * @module Plain fetch helpers for the setup steps around the measured runs (logging in before S1,
 * the revocation check): GET a page or POST a form or JSON with a cookie jar, redirects not followed.
 */
import type { CookieJar } from '../lib/cookie-jar.js';

/** A response's status, `Location` and body, after its cookies went into the jar. */
export interface Answer {
  readonly status: number;
  readonly location: string | null;
  readonly body: string;
}

/**
 * Sends one request as a browser on `origin` would (its `Origin` header on POSTs) and keeps cookies.
 * @example
 * const page = await send(origin, '/accounts/login/', { jar });
 */
export async function send(
  origin: string,
  path: string,
  options: {
    jar: CookieJar;
    form?: Record<string, string>;
    json?: unknown;
    headers?: Record<string, string>;
  },
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  const cookie = options.jar.header();
  if (cookie !== '') headers.cookie = cookie;
  let body: string | undefined;
  if (options.form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(options.form).toString();
  } else if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  }
  if (body !== undefined) headers.origin = origin;
  const response = await fetch(`${origin}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers,
    redirect: 'manual',
    ...(body === undefined ? {} : { body }),
  });
  options.jar.update(response.headers.getSetCookie());
  return { status: response.status, location: response.headers.get('location'), body: await response.text() };
}

/** Throws unless `answer` has `status` (and, for redirects, goes to `location`). */
export function expectAnswer(step: string, answer: Answer, status: number, location?: string): void {
  if (answer.status === status && (location === undefined || answer.location === location)) return;
  const where = answer.location === null ? '' : ` to ${answer.location}`;
  throw new Error(
    `${step}: expected ${status}${location ? ` to ${location}` : ''}, got ${answer.status}${where}`,
  );
}
