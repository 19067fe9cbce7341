/**
 * @module Response header helpers: never-cache, `Vary`, `Clear-Site-Data`. They work on a WHATWG
 * `Headers` object, which is what every adapter hands back.
 */

/** Django's `add_never_cache_headers`, with `private` added (INVARIANTS 8). */
export const NEVER_CACHE = 'max-age=0, no-cache, no-store, must-revalidate, private';

/**
 * Marks a response as never to be cached, by the browser (Back button) or any proxy.
 * @example
 * neverCache(response.headers);
 */
export function neverCache(headers: Headers): void {
  headers.set('Cache-Control', NEVER_CACHE);
  headers.set('Expires', 'Thu, 01 Jan 1970 00:00:00 GMT');
  headers.set('Pragma', 'no-cache');
}

/** Adds header names to `Vary` without duplicates (Django's `patch_vary_headers`). */
export function patchVary(headers: Headers, names: readonly string[]): void {
  const current = (headers.get('Vary') ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (current.includes('*')) return;
  const lower = new Set(current.map((name) => name.toLowerCase()));
  for (const name of names) if (!lower.has(name.toLowerCase())) current.push(name);
  headers.set('Vary', current.join(', '));
}

/**
 * Asks the browser to drop what it kept for this origin (W3C Clear Site Data). `"cache"` removes
 * private pages from the Back-button cache; `"cookies"` would also drop other apps' cookies on the
 * same host, so it is opt-in.
 */
export function clearSiteData(headers: Headers, directives: readonly string[]): void {
  if (directives.length > 0) headers.set('Clear-Site-Data', directives.join(', '));
}
