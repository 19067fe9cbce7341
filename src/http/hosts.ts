/** @module `Host` validation against `ALLOWED_HOSTS` (Django's `validate_host`), against Host-header poisoning. */

/** Splits `host[:port]` into a lower-case domain (brackets kept for IPv6); `null` when malformed. */
export function hostDomain(host: string): string | null {
  const lower = host.toLowerCase();
  if (!/^([a-z0-9.-]+|\[[a-f0-9:.]+\])(:\d+)?$/.test(lower)) return null;
  const domain = lower.startsWith('[') ? lower.slice(0, lower.indexOf(']') + 1) : (lower.split(':')[0] ?? '');
  return domain.endsWith('.') ? domain.slice(0, -1) : domain;
}

/** Whether a domain matches one `ALLOWED_HOSTS` pattern: exact, `.example.com` (and subdomains), or `*`. */
export function matchesHostPattern(domain: string, pattern: string): boolean {
  const p = pattern.toLowerCase();
  if (p === '*') return true;
  if (p.startsWith('.')) return domain === p.slice(1) || domain.endsWith(p);
  return domain === p;
}

/**
 * Whether `host` (a `Host` header value) is allowed.
 * @example
 * isAllowedHost('localhost:8000', ['localhost', '127.0.0.1']); // true
 */
export function isAllowedHost(host: string, allowedHosts: readonly string[]): boolean {
  const domain = hostDomain(host);
  return domain !== null && allowedHosts.some((pattern) => matchesHostPattern(domain, pattern));
}

/** Django's hosts for `DEBUG` with an empty `ALLOWED_HOSTS`. */
const DEBUG_HOSTS: readonly string[] = ['.localhost', '127.0.0.1', '[::1]'];

/** The hosts in force: `ALLOWED_HOSTS`, or with `DEBUG` and none set, the local hosts (as Django does). */
export function allowedHostsOf(settings: {
  readonly DEBUG: boolean;
  readonly ALLOWED_HOSTS: readonly string[];
}): readonly string[] {
  return settings.DEBUG && settings.ALLOWED_HOSTS.length === 0 ? DEBUG_HOSTS : settings.ALLOWED_HOSTS;
}
