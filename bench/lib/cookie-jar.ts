/**
 * @module The little HTTP a benchmark needs outside the measured runs: a cookie jar, reading
 * `Set-Cookie` headers (from fetch or from autocannon's header objects), and the hidden CSRF field of
 * a form. Used to log in before S1, to replay cookies in the revocation check, and inside S3 cycles.
 */

/** The name and value of each `Set-Cookie` line; a deleted cookie (Max-Age=0 or empty) has value `null`. */
export function parseSetCookies(lines: readonly string[]): Map<string, string | null> {
  const cookies = new Map<string, string | null>();
  for (const line of lines) {
    const [pair = '', ...attributes] = line.split(';');
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const deleted =
      value === '' || value === '""' || attributes.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a));
    cookies.set(name, deleted ? null : value);
  }
  return cookies;
}

/** The `Set-Cookie` lines of an autocannon header object (raw names, one string or several). */
export function setCookieLines(headers: Readonly<Record<string, string | string[] | undefined>>): string[] {
  const lines: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() !== 'set-cookie' || value === undefined) continue;
    lines.push(...(Array.isArray(value) ? value : [value]));
  }
  return lines;
}

/** The value of the hidden `csrfmiddlewaretoken` field (or another `name`) in a page, or `null`. */
export function hiddenField(html: string, name: string): string | null {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  return match?.[1] ?? null;
}

/**
 * A cookie jar for one simulated browser.
 * @example
 * const jar = new CookieJar();
 * jar.update(response.headers.getSetCookie());
 * fetch(url, { headers: { cookie: jar.header() } });
 */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  /** Applies `Set-Cookie` lines: sets, replaces, or deletes. */
  update(lines: readonly string[]): void {
    for (const [name, value] of parseSetCookies(lines)) {
      if (value === null) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  get(name: string): string | undefined {
    return this.#cookies.get(name);
  }

  /** The `Cookie` request header, or `''` when the jar is empty. */
  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /** A copy, e.g. to replay a session after its browser logged out. */
  clone(): CookieJar {
    const copy = new CookieJar();
    copy.update([...this.#cookies].map(([name, value]) => `${name}=${value}`));
    return copy;
  }
}
