import { describe, expect, test } from 'vitest';
import { median, percentile, ratio } from './stats.js';

describe('benchmark statistics', () => {
  test('percentiles use nearest rank on the sorted sample', () => {
    const sample = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(sample, 50)).toBe(50);
    expect(percentile(sample, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  test('the median of three runs is the middle one, whatever their order', () => {
    expect(median([30, 10, 20])).toBe(20);
    expect(median([1, 2, 3, 4])).toBe(2.5);
    expect(median([Number.NaN, 4])).toBe(4);
  });

  test('ratios round to two decimals and refuse missing sides', () => {
    expect(ratio(410, 100)).toBe(4.1);
    expect(ratio(1, 3)).toBe(0.33);
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(undefined, 2)).toBeNull();
  });
});
