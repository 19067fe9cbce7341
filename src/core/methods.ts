/**
 * @module The safe HTTP methods, declared once for the CSRF check and every adapter (RFC 9110
 * section 9.2.1): everything else needs proof of origin (INVARIANTS 6).
 */

/** GET, HEAD, OPTIONS and TRACE: methods that must not change state. */
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/**
 * Whether `method` is safe; the comparison is case-insensitive, as methods arrive from clients.
 * @example
 * isSafeMethod('POST'); // false
 */
export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method) || SAFE_METHODS.has(method.toUpperCase());
}
