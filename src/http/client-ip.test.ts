import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ConfigurationError } from '../core/errors.js';
import {
  createClientIpResolver,
  formatIp,
  forwardedScheme,
  inCidr,
  MAX_FORWARDED_HOPS,
  parseCidr,
  parseIp,
  parseTrustedProxies,
  resolveClientIp,
} from './client-ip.js';

const proxies = ['10.0.0.0/8', '2001:db8:ffff::/48'];
const resolve = createClientIpResolver(proxies);

describe('parseIp and formatIp', () => {
  test('accept dotted IPv4 and every IPv6 text form, canonicalised', () => {
    expect(formatIp(parseIp('203.0.113.7')!)).toBe('203.0.113.7');
    expect(formatIp(parseIp('2001:DB8:0:0:0:0:0:1')!)).toBe('2001:db8::1');
    expect(formatIp(parseIp('2001:db8:0:0:1:0:0:1')!)).toBe('2001:db8::1:0:0:1');
    expect(formatIp(parseIp('::')!)).toBe('::');
    expect(formatIp(parseIp('::1')!)).toBe('::1');
    expect(formatIp(parseIp('fe80::1%eth0')!)).toBe('fe80::1');
    expect(formatIp(parseIp('1:2:3:4:5:6:7:8')!)).toBe('1:2:3:4:5:6:7:8');
  });

  test('an IPv4-mapped IPv6 address (a dual-stack socket’s view of an IPv4 peer) is the IPv4 address', () => {
    expect(formatIp(parseIp('::ffff:203.0.113.7')!)).toBe('203.0.113.7');
    expect(formatIp(parseIp('::ffff:cb00:7107')!)).toBe('203.0.113.7');
  });

  test('refuse what is not an address: leading zeros, short forms, junk, double ::', () => {
    for (const bad of [
      '',
      'unknown',
      '010.0.0.1',
      '1.2.3',
      '1.2.3.4.5',
      '256.1.1.1',
      '1::2::3',
      '1:2:3:4:5:6:7:8:9',
      '1:2:3:4:5:6:7:8::',
      '12345::',
      ' 1.2.3.4',
      '1.2.3.4/8',
      'localhost',
    ]) {
      expect(parseIp(bad), bad).toBeNull();
    }
  });
});

describe('parseCidr and inCidr', () => {
  test('ranges match their members only, single addresses match themselves', () => {
    const ten = parseCidr('10.0.0.0/8')!;
    expect(inCidr(parseIp('10.200.3.4')!, ten)).toBe(true);
    expect(inCidr(parseIp('11.0.0.1')!, ten)).toBe(false);
    const odd = parseCidr('192.168.1.128/25')!;
    expect(inCidr(parseIp('192.168.1.200')!, odd)).toBe(true);
    expect(inCidr(parseIp('192.168.1.127')!, odd)).toBe(false);
    const one = parseCidr('2001:db8::1')!;
    expect(inCidr(parseIp('2001:db8::1')!, one)).toBe(true);
    expect(inCidr(parseIp('2001:db8::2')!, one)).toBe(false);
    expect(inCidr(parseIp('10.0.0.1')!, parseCidr('0.0.0.0/0')!)).toBe(true);
  });

  test('families never match each other; IPv4-mapped ranges become IPv4 ranges', () => {
    expect(inCidr(parseIp('10.0.0.1')!, parseCidr('::/0')!)).toBe(false);
    expect(inCidr(parseIp('10.0.0.1')!, parseCidr('::ffff:10.0.0.0/104')!)).toBe(true);
  });

  test('refuse bad prefixes and junk', () => {
    for (const bad of [
      '10.0.0.0/33',
      '10.0.0.0/',
      '10.0.0.0/-1',
      '10.0.0.0/8/8',
      '::/129',
      'x/8',
      '10.0.0.0/08a',
    ]) {
      expect(parseCidr(bad), bad).toBeNull();
    }
  });
});

describe('resolveClientIp', () => {
  test('without trusted proxies X-Forwarded-For is ignored: a client cannot choose its address', () => {
    const none = createClientIpResolver([]);
    expect(none('203.0.113.7', '1.1.1.1')).toBe('203.0.113.7');
    expect(resolve('203.0.113.7', '1.1.1.1')).toBe('203.0.113.7');
  });

  test('behind a trusted proxy, the rightmost untrusted hop is the client', () => {
    expect(resolve('10.0.0.2', '198.51.100.9')).toBe('198.51.100.9');
    // Two proxies of ours: 10.0.0.5 forwarded to 10.0.0.2.
    expect(resolve('10.0.0.2', '198.51.100.9, 10.0.0.5')).toBe('198.51.100.9');
    expect(resolve('::ffff:10.0.0.2', '198.51.100.9')).toBe('198.51.100.9');
  });

  test('entries the client wrote itself (left of its real address) are never believed or even parsed', () => {
    expect(resolve('10.0.0.2', '10.0.0.1, 198.51.100.9')).toBe('198.51.100.9');
    expect(resolve('10.0.0.2', 'garbage, 1.1.1.1, 198.51.100.9')).toBe('198.51.100.9');
  });

  test('ports and brackets on hops are tolerated; IPv6 hops are canonicalised', () => {
    expect(resolve('10.0.0.2', '198.51.100.9:4711')).toBe('198.51.100.9');
    expect(resolve('10.0.0.2', '[2001:DB8::7]:443')).toBe('2001:db8::7');
    expect(resolve('2001:db8:ffff::1', '2001:db8::7')).toBe('2001:db8::7');
  });

  test('a malformed header (junk hop, empty hop, too many hops) falls back to the socket address', () => {
    expect(resolve('10.0.0.2', 'unknown')).toBe('10.0.0.2');
    expect(resolve('10.0.0.2', '198.51.100.9,, 10.0.0.5')).toBe('10.0.0.2');
    const long = Array.from({ length: MAX_FORWARDED_HOPS + 1 }, () => '10.0.0.9').join(', ');
    expect(resolve('10.0.0.2', long)).toBe('10.0.0.2');
  });

  test('when every hop is trusted, the leftmost (earliest known) is the client', () => {
    expect(resolve('10.0.0.2', '10.0.0.7, 10.0.0.5')).toBe('10.0.0.7');
  });

  test('no header, an empty header, or no usable socket address', () => {
    expect(resolve('10.0.0.2', null)).toBe('10.0.0.2');
    expect(resolve('10.0.0.2', '  ')).toBe('10.0.0.2');
    expect(resolve(null, '198.51.100.9')).toBeNull();
    expect(resolve('not-an-ip', '198.51.100.9')).toBeNull();
  });

  test('a bad TRUSTED_PROXIES entry is a configuration error naming the setting', () => {
    expect(() => createClientIpResolver(['10.0.0.0/8', 'proxy.internal'])).toThrow(ConfigurationError);
    expect(() => createClientIpResolver(['proxy.internal'])).toThrow(/TRUSTED_PROXIES: "proxy.internal"/);
  });

  test('property: never throws, and the answer is the socket address or one of the hops', () => {
    const hop = fc.oneof(
      fc.ipV4(),
      fc.ipV6(),
      fc.constantFrom('10.0.0.3', '10.1.2.3', 'unknown', '', '[::1]:80', '1.2.3.4:80'),
      fc.string({ maxLength: 12 }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom('10.0.0.2', '203.0.113.7'),
        fc.array(hop, { maxLength: 6 }),
        (remote, hops) => {
          const header = hops.join(',');
          const answer = resolveClientIp({
            remoteAddress: remote,
            forwardedFor: header,
            trustedProxies: proxies.map((p) => parseCidr(p)!),
          });
          const candidates = [remote, ...hops].map((h) => {
            const bare =
              /^\[([^\]]+)\]/.exec(h.trim())?.[1] ?? h.trim().replace(/^(\d+\.\d+\.\d+\.\d+):\d+$/, '$1');
            const ip = parseIp(bare);
            return ip === null ? null : formatIp(ip);
          });
          expect(candidates).toContain(answer);
          if (remote === '203.0.113.7') expect(answer).toBe(remote);
        },
      ),
    );
  });
});

describe('forwardedScheme', () => {
  const trustedProxies = parseTrustedProxies(proxies);
  const scheme = (remoteAddress: string, forwardedProto: string | null): string | null =>
    forwardedScheme({ remoteAddress, forwardedProto, trustedProxies });

  test('believes X-Forwarded-Proto only from a trusted proxy', () => {
    expect(scheme('10.0.0.2', 'https')).toBe('https');
    expect(scheme('10.0.0.2', 'HTTP')).toBe('http');
    expect(scheme('203.0.113.7', 'https')).toBeNull();
  });

  test('of several values the rightmost (the nearest proxy’s) wins; junk or nothing is null', () => {
    expect(scheme('10.0.0.2', 'https, http')).toBe('http');
    expect(scheme('10.0.0.2', 'http, https')).toBe('https');
    expect(scheme('10.0.0.2', 'wss')).toBeNull();
    expect(scheme('10.0.0.2', null)).toBeNull();
  });
});
