/**
 * @module The few statistics the report needs: percentiles of a latency sample, medians of repeated
 * runs, and ratios rounded for printing.
 */

/**
 * The `p`-th percentile (0–100) of `values`, nearest-rank on a sorted copy; `NaN` when empty.
 * @example
 * percentile([3, 1, 2], 50); // 2
 */
export function percentile(values: ArrayLike<number>, p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

/**
 * The median of `values` (the mean of the two middle ones for an even count); `NaN` when empty.
 * @example
 * median([9, 1, 5]); // 5
 */
export function median(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return Number.NaN;
  const mid = finite.length >> 1;
  return finite.length % 2 === 1
    ? (finite[mid] as number)
    : ((finite[mid - 1] as number) + (finite[mid] as number)) / 2;
}

/** `a / b` rounded to two decimals; `null` when either side is missing. */
export function ratio(a: number | undefined, b: number | undefined): number | null {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0)
    return null;
  return Math.round((a / b) * 100) / 100;
}
