// "Has this metric curve flattened?": the rule behind the tables' "not converged" flag.
//
// Take the last half of a run's eval_every points (at least minPoints of them), fit a
// least-squares line value ~ step, and test its slope against zero with the t-test of the
// regression slope (df = k − 2). The curve has NOT converged when the slope differs from zero at
// p < 0.05: the metric still drifts by more than its own step-to-step noise explains. With fewer
// points the answer is "unknown" (null), never "converged".
import { studentTTwoSidedP } from './student-t.js';

export const CONVERGENCE_RULE = {
  /** Fraction of the curve's points, from the end, that the line is fitted to. */
  tailFraction: 0.5,
  /** Fewer points in that tail: no verdict. */
  minPoints: 4,
  /** Two-sided significance level of the slope test. */
  alpha: 0.05,
} as const;

export interface Convergence {
  /** true: flat; false: still moving; null: too few points to tell. */
  converged: boolean | null;
  /** points in the fitted tail */
  k: number;
  /** slope per step, and the change it implies across the tail (slope × (last − first step)) */
  slope: number;
  change: number;
  /** residual standard deviation around the line (the curve's noise) */
  noise: number;
  /** two-sided p-value of slope = 0 */
  p: number;
  /** first and last step of the tail */
  fromStep: number;
  toStep: number;
}

/** Convergence verdict of one curve (steps ascending, values finite). See CONVERGENCE_RULE. */
export function curveConvergence(steps: readonly number[], values: readonly number[], rule = CONVERGENCE_RULE): Convergence {
  const pts = steps.flatMap((s, i) => {
    const v = values[i];
    return v !== undefined && Number.isFinite(s) && Number.isFinite(v) ? [[s, v] as const] : [];
  });
  const k = Math.ceil(pts.length * rule.tailFraction);
  const tail = pts.slice(pts.length - k);
  const none: Convergence = { converged: null, k: tail.length, slope: NaN, change: NaN, noise: NaN, p: NaN, fromStep: tail[0]?.[0] ?? NaN, toStep: tail.at(-1)?.[0] ?? NaN };
  if (tail.length < rule.minPoints) return none;
  const mx = tail.reduce((a, [s]) => a + s, 0) / k;
  const my = tail.reduce((a, [, v]) => a + v, 0) / k;
  let sxx = 0;
  let sxy = 0;
  for (const [s, v] of tail) {
    sxx += (s - mx) ** 2;
    sxy += (s - mx) * (v - my);
  }
  if (!(sxx > 0)) return none;
  const slope = sxy / sxx;
  let sse = 0;
  for (const [s, v] of tail) sse += (v - my - slope * (s - mx)) ** 2;
  const noise = Math.sqrt(sse / (k - 2));
  const fromStep = none.fromStep;
  const toStep = none.toStep;
  const change = slope * (toStep - fromStep);
  const base = { k, slope, change, noise, fromStep, toStep };
  // A perfectly straight line: no noise to compare with; flat only if the slope is exactly 0.
  if (!(noise > 0)) return { ...base, converged: slope === 0, p: slope === 0 ? 1 : 0 };
  const p = studentTTwoSidedP(slope / (noise / Math.sqrt(sxx)), k - 2);
  return { ...base, converged: !(p < rule.alpha), p };
}
