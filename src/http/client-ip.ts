/**
 * @module The client's IP address: the socket's peer, or, only when that peer is a trusted proxy,
 * the nearest untrusted hop of `X-Forwarded-For` read right to left (MDN "X-Forwarded-For:
 * Security and privacy concerns": only the entries your own proxies appended can be believed).
 */
import { ConfigurationError } from '../core/errors.js';
import { type Cidr, formatIp, inCidr, parseCidr, parseIp } from '../core/ip.js';

export { type Cidr, formatIp, inCidr, parseCidr, parseIp } from '../core/ip.js';

/** Hops of `X-Forwarded-For` read at most; a longer header is treated as malformed. */
export const MAX_FORWARDED_HOPS = 32;

/** One `X-Forwarded-For` entry: a bare address, `1.2.3.4:port` or `[v6]:port`; `null` otherwise. */
function parseHop(entry: string): Uint8Array | null {
  const text = entry.trim();
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(text);
  if (bracketed !== null) return parseIp(bracketed[1] ?? '');
  const withPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(text);
  return parseIp(withPort?.[1] ?? text);
}

/** What {@link resolveClientIp} reads. */
export interface ClientIpInput {
  /** The TCP peer's address, as the socket reports it. */
  readonly remoteAddress: string | null | undefined;
  /** The `X-Forwarded-For` header (several headers joined with commas), if any. */
  readonly forwardedFor: string | null | undefined;
  /** Proxies whose `X-Forwarded-For` entries are believed (`TRUSTED_PROXIES`). */
  readonly trustedProxies: readonly Cidr[];
}

/**
 * The client's address, canonicalised. The socket's peer unless it is a trusted proxy; then the
 * header is walked right to left, skipping trusted hops, and the first untrusted hop is the client
 * (entries to its left were written by the client and are never read). A malformed or oversized
 * header yields the socket's address; when every hop is trusted, the leftmost one is the client.
 * `null` only when the socket's address itself is unusable.
 * @example
 * resolveClientIp({ remoteAddress: '10.0.0.2', forwardedFor: '6.6.6.6, 203.0.113.7',
 *   trustedProxies: [parseCidr('10.0.0.0/8')!] }); // '203.0.113.7'
 */
export function resolveClientIp(input: ClientIpInput): string | null {
  const remote = input.remoteAddress ? parseIp(input.remoteAddress) : null;
  if (remote === null) return null;
  const trusted = (ip: Uint8Array): boolean => input.trustedProxies.some((range) => inCidr(ip, range));
  if (!trusted(remote) || !input.forwardedFor?.trim()) return formatIp(remote);
  const hops = input.forwardedFor.split(',');
  if (hops.length > MAX_FORWARDED_HOPS) return formatIp(remote);
  let client = remote;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = parseHop(hops[i] ?? '');
    if (hop === null) return formatIp(remote);
    if (!trusted(hop)) return formatIp(hop);
    client = hop;
  }
  return formatIp(client);
}

/**
 * The scheme a trusted proxy says the client used (`X-Forwarded-Proto`, Django's
 * `SECURE_PROXY_SSL_HEADER`), or `null` when the peer is not trusted or says nothing clear. Of
 * several values the rightmost, written by the nearest proxy, is believed: a client can prepend.
 * @example
 * forwardedScheme({ remoteAddress: '10.0.0.2', forwardedProto: 'https', trustedProxies }); // 'https'
 */
export function forwardedScheme(input: {
  readonly remoteAddress: string | null | undefined;
  readonly forwardedProto: string | null | undefined;
  readonly trustedProxies: readonly Cidr[];
}): 'http' | 'https' | null {
  const remote = input.remoteAddress ? parseIp(input.remoteAddress) : null;
  if (remote === null || !input.trustedProxies.some((range) => inCidr(remote, range))) return null;
  const last = input.forwardedProto?.split(',').pop()?.trim().toLowerCase();
  return last === 'https' || last === 'http' ? last : null;
}

/**
 * Parses `TRUSTED_PROXIES`; throws {@link ConfigurationError} naming every entry that is not an
 * address or range.
 * @example
 * const trustedProxies = parseTrustedProxies(['10.0.0.0/8', '::1']);
 */
export function parseTrustedProxies(entries: readonly string[]): Cidr[] {
  const ranges: Cidr[] = [];
  const problems: string[] = [];
  for (const entry of entries) {
    const range = parseCidr(entry);
    if (range === null)
      problems.push(`TRUSTED_PROXIES: ${JSON.stringify(entry)} is not an IP address or CIDR range`);
    else ranges.push(range);
  }
  if (problems.length > 0) throw new ConfigurationError(problems);
  return ranges;
}

/**
 * Parses `TRUSTED_PROXIES` once and returns a resolver for each request.
 * @example
 * const clientIp = createClientIpResolver(settings.TRUSTED_PROXIES);
 * clientIp(socket.remoteAddress, request.headers.get('x-forwarded-for'));
 */
export function createClientIpResolver(
  trustedProxies: readonly string[],
): (remoteAddress: string | null | undefined, forwardedFor: string | null | undefined) => string | null {
  const ranges = parseTrustedProxies(trustedProxies);
  return (remoteAddress, forwardedFor) =>
    resolveClientIp({ remoteAddress, forwardedFor, trustedProxies: ranges });
}
