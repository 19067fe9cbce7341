import { describe, expect, test } from 'vitest';
import { describeDevice } from './device.js';
import { relativeTime, utcText } from './time.js';

const NOW = new Date('2026-12-04T13:07:00Z');
const ago = (seconds: number): Date => new Date(NOW.getTime() - seconds * 1000);

describe('times as a person reads them', () => {
  test.each([
    [10, 'just now'],
    [-10, 'just now'],
    [120, '2 minutes ago'],
    [3_600, '1 hour ago'],
    [5 * 3_600, '5 hours ago'],
    [86_400, 'yesterday'],
    [3 * 86_400, '3 days ago'],
    [14 * 86_400, '2 weeks ago'],
    [-3 * 86_400, 'in 3 days'],
    [400 * 86_400, 'last year'],
  ])('%i seconds ago reads "%s"', (seconds, text) => {
    expect(relativeTime(ago(seconds), NOW)).toBe(text);
  });

  test('the UTC text is short and names its zone', () => {
    expect(utcText(NOW)).toBe('4 Dec 2026, 13:07 UTC');
  });
});

describe('devices as a person names them', () => {
  test.each([
    [
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
      'Chrome on Linux',
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1',
      'Safari on iOS',
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0',
      'Firefox on Windows',
    ],
    ['Laptop Browser/1.0', 'Laptop Browser/1.0'],
    [`x${'y'.repeat(100)}`, `x${'y'.repeat(58)}…`],
    ['', 'Unknown device'],
    [null, 'Unknown device'],
  ])('%s is "%s"', (userAgent, name) => {
    expect(describeDevice(userAgent)).toBe(name);
  });
});
