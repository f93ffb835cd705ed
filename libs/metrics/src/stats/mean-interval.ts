// Mean with a Student-t confidence interval over seeds: the number every grouped table shows.

import { studentTQuantile } from './student-t.js';

export interface MeanInterval {
  /** finite values used (non-finite ones are dropped) */
  n: number;
  mean: number;
  /** sample standard deviation (n − 1); NaN when n < 2 */
  sd: number;
  /** standard error sd / √n; NaN when n < 2 */
  se: number;
  /** interval bounds mean ∓ t_{(1+level)/2, n−1} · se; NaN when n < 2 (JSON: null) */
  lo: number;
  hi: number;
  /** confidence level of [lo, hi], e.g. 0.95 */
  level: number;
}

/** Mean and `level` Student-t confidence interval of `values` (n = 1: no interval, lo/hi NaN). */
export function meanInterval(values: readonly number[], level = 0.95): MeanInterval {
  if (!(level > 0 && level < 1)) throw new Error(`meanInterval: level must be in (0, 1), got ${level}`);
  const xs = values.filter((v) => Number.isFinite(v));
  const n = xs.length;
  const [first] = xs;
  if (first === undefined) return { n, mean: NaN, sd: NaN, se: NaN, lo: NaN, hi: NaN, level };
  // identical values: exactly that value, sd 0 (the sum would add rounding noise)
  const mean = xs.every((v) => v === first) ? first : xs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { n, mean, sd: NaN, se: NaN, lo: NaN, hi: NaN, level };
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const se = sd / Math.sqrt(n);
  const half = studentTQuantile((1 + level) / 2, n - 1) * se;
  return { n, mean, sd, se, lo: mean - half, hi: mean + half, level };
}

/** Text a table shows for n < 2 instead of an interval. */
export const NO_INTERVAL_TEXT = '1 seed: no interval';

/** "0.6180 [0.5912, 0.6448] (n=3)"; "0.6180 (1 seed: no interval)"; "–" for no values. */
export function formatMeanInterval(iv: MeanInterval, digits = 4): string {
  if (iv.n === 0) return '–';
  const m = iv.mean.toFixed(digits);
  if (iv.n < 2) return `${m} (${NO_INTERVAL_TEXT})`;
  return `${m} [${iv.lo.toFixed(digits)}, ${iv.hi.toFixed(digits)}] (n=${iv.n})`;
}
