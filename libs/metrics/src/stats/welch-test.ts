// Welch's unequal-variance t-test between two groups of seeds (two-sided), the significance test
// the tables name in their legends.

import { studentTTwoSidedP } from './student-t.js';

export interface WelchResult {
  /** (mean(a) − mean(b)) / √(s_a²/n_a + s_b²/n_b) */
  t: number;
  /** Welch–Satterthwaite degrees of freedom (fractional) */
  df: number;
  /** two-sided p-value */
  p: number;
}

const UNDEFINED: WelchResult = { t: NaN, df: NaN, p: NaN };

/**
 * Two-sided Welch t-test of equal means (as scipy `ttest_ind(a, b, equal_var=False)` and R
 * `t.test(a, b)`). Non-finite values are dropped. Undefined (all NaN) when either group has fewer
 * than 2 values or both have zero variance: there is no noise estimate to test against.
 */
export function welchTest(a: readonly number[], b: readonly number[]): WelchResult {
  const xa = a.filter((v) => Number.isFinite(v));
  const xb = b.filter((v) => Number.isFinite(v));
  if (xa.length < 2 || xb.length < 2) return UNDEFINED;
  const [ma, va] = meanVar(xa);
  const [mb, vb] = meanVar(xb);
  const qa = va / xa.length;
  const qb = vb / xb.length;
  const se2 = qa + qb;
  if (!(se2 > 0)) return UNDEFINED;
  const t = (ma - mb) / Math.sqrt(se2);
  const df = (se2 * se2) / ((qa * qa) / (xa.length - 1) + (qb * qb) / (xb.length - 1));
  return { t, df, p: studentTTwoSidedP(t, df) };
}

/** mean and sample variance (n − 1); identical values give exactly 0 (not rounding noise, which
 *  would turn "no variance" into an astronomically large t) */
function meanVar(xs: number[]): [number, number] {
  const [first] = xs;
  if (first !== undefined && xs.every((v) => v === first)) return [first, 0];
  const m = xs.reduce((s, v) => s + v, 0) / xs.length;
  return [m, xs.reduce((s, v) => s + (v - m) ** 2, 0) / (xs.length - 1)];
}
