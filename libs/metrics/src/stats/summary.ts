// Summary statistics of one evaluation, with the convention written down once. (Across seeds,
// tables use the tracking store's `meanStd`: mean ± sample std (n).)

/** Mean ± standard error of a set of values (the LPIPS scripts' convention). */
export interface MeanSe {
  mean: number;
  /** Population standard deviation (numpy `np.std`, ddof = 0). */
  std: number;
  /** Standard error `std / sqrt(n)`, as `lpips_1dir_allpairs.py` reports it. */
  se: number;
  n: number;
}

export function mean(xs: ArrayLike<number>): number {
  if (xs.length === 0) return Number.NaN;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s / xs.length;
}

/** mean, population std and std/√n of `xs` (NaN for an empty set). */
export function meanSe(xs: ArrayLike<number>): MeanSe {
  const n = xs.length;
  const m = mean(xs);
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (xs[i]! - m) ** 2;
  const std = n > 0 ? Math.sqrt(ss / n) : Number.NaN;
  return { mean: m, std, se: n > 0 ? std / Math.sqrt(n) : Number.NaN, n };
}
