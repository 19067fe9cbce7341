/**
 * @module IP address parsing and canonical formatting (IPv4 dotted decimal, RFC 5952 IPv6), shared
 * by the client-address resolution of the HTTP layer and the login throttle's per-network limits.
 */

const octet = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
// Strict dotted decimal: no leading zeros (`010` is octal to inet_aton), no shorthand forms.
const ipv4Pattern = new RegExp(`^${octet}(?:\\.${octet}){3}$`);

function parseIpv4(text: string): Uint8Array | null {
  return ipv4Pattern.test(text) ? Uint8Array.from(text.split('.').map(Number)) : null;
}

function parseGroups(part: string): number[] | null {
  if (part === '') return [];
  const groups: number[] = [];
  for (const group of part.split(':')) {
    if (!/^[0-9a-f]{1,4}$/i.test(group)) return null;
    groups.push(Number.parseInt(group, 16));
  }
  return groups;
}

/** RFC 4291 2.2 text forms, including `::` and a trailing dotted IPv4; a `%zone` is dropped. */
function parseIpv6(text: string): Uint8Array | null {
  let rest = text.includes('%') ? text.slice(0, text.indexOf('%')) : text;
  let embedded: Uint8Array | null = null;
  if (rest.includes('.')) {
    const colon = rest.lastIndexOf(':');
    embedded = parseIpv4(rest.slice(colon + 1));
    if (embedded === null) return null;
    rest = `${rest.slice(0, colon + 1)}0:0`;
  }
  const halves = rest.split('::');
  if (halves.length > 2) return null;
  const head = parseGroups(halves[0] ?? '');
  const tail = halves.length === 2 ? parseGroups(halves[1] ?? '') : [];
  if (head === null || tail === null) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    bytes[2 * i] = group >> 8;
    bytes[2 * i + 1] = group & 0xff;
  });
  if (embedded !== null) bytes.set(embedded, 12);
  return bytes;
}

function isIpv4Mapped(bytes: Uint8Array): boolean {
  return (
    bytes.length === 16 &&
    bytes.subarray(0, 10).every((b) => b === 0) &&
    bytes[10] === 0xff &&
    bytes[11] === 0xff
  );
}

/**
 * Parses an IPv4 or IPv6 address into 4 or 16 bytes; an IPv4-mapped IPv6 address (`::ffff:1.2.3.4`,
 * as dual-stack sockets report IPv4 peers) becomes its 4 IPv4 bytes. `null` when not an address.
 * @example
 * parseIp('::ffff:203.0.113.7'); // Uint8Array [203, 0, 113, 7]
 */
export function parseIp(text: string): Uint8Array | null {
  const bytes = text.includes(':') ? parseIpv6(text) : parseIpv4(text);
  return bytes !== null && isIpv4Mapped(bytes) ? bytes.slice(12) : bytes;
}

/**
 * The canonical text of an address: dotted decimal, or RFC 5952 IPv6 (lower case, the longest run
 * of two or more zero groups as `::`).
 * @example
 * formatIp(parseIp('2001:DB8:0:0:0:0:0:1')!); // '2001:db8::1'
 */
export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return bytes.join('.');
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i] ?? 0) << 8) | (bytes[2 * i + 1] ?? 0));
  let best = { start: -1, length: 1 };
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((group) => group.toString(16));
  if (best.start < 0) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`;
}

/** An address range: the first `prefix` bits of `bytes` (4 bytes for IPv4, 16 for IPv6). */
export interface Cidr {
  readonly bytes: Uint8Array;
  readonly prefix: number;
}

/**
 * Parses `10.0.0.0/8`, `2001:db8::/32` or a single address (a range of one); `null` when malformed.
 * @example
 * parseCidr('10.0.0.0/8'); // { bytes: [10, 0, 0, 0], prefix: 8 }
 */
export function parseCidr(text: string): Cidr | null {
  const [address = '', prefixText, extra] = text.trim().split('/');
  if (extra !== undefined) return null;
  const raw = address.includes(':') ? parseIpv6(address) : parseIpv4(address);
  if (raw === null) return null;
  const bits = raw.length * 8;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) return null;
  if (isIpv4Mapped(raw)) return prefix >= 96 ? { bytes: raw.slice(12), prefix: prefix - 96 } : null;
  return { bytes: raw, prefix };
}

/** Whether `address` lies in `range`. Addresses of the other family never match. */
export function inCidr(address: Uint8Array, range: Cidr): boolean {
  if (address.length !== range.bytes.length) return false;
  for (let bit = 0; bit < range.prefix; bit += 8) {
    const mask = range.prefix - bit >= 8 ? 0xff : (0xff << (8 - (range.prefix - bit))) & 0xff;
    if (((address[bit / 8] ?? 0) & mask) !== ((range.bytes[bit / 8] ?? 0) & mask)) return false;
  }
  return true;
}
