// The "not converged" rule on curves with known answers (slope p-values: mpmath, see stats.spec.ts).
import { describe, expect, it } from 'vitest';
import { curveConvergence } from '@workbench/metrics/stats';

const steps = Array.from({ length: 10 }, (_, i) => (i + 1) * 100);

describe('curveConvergence', () => {
  it('a plateau with noise is converged; the fit uses the last half of the points', () => {
    // first half climbs steeply: it must not count
    const c = curveConvergence(steps, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.62, 0.61, 0.63, 0.62]);
    expect(c.k).toBe(5);
    expect(c.fromStep).toBe(600);
    expect(c.toStep).toBe(1000);
    expect(c.converged).toBe(true);
    expect(c.p).toBeCloseTo(0.1941713456120586, 12);
    expect(c.slope).toBeCloseTo(5e-5, 15);
    expect(c.noise).toBeCloseTo(0.0094868329805051464, 14);
    expect(c.change).toBeCloseTo(0.02, 12);
  });

  it('a curve still rising is not converged', () => {
    // 9 points: the last ceil(4.5) = 5 are fitted
    const c = curveConvergence(steps.slice(0, 9), [0, 0, 0, 0, 0.4, 0.45, 0.52, 0.55, 0.61]);
    expect(c.fromStep).toBe(500);
    expect(c.converged).toBe(false);
    expect(c.p).toBeCloseTo(0.00044171839974559438, 14);
    expect(c.change).toBeCloseTo(0.208, 12);
  });

  it('too few points gives no verdict; exact lines are judged by their slope', () => {
    expect(curveConvergence([1, 2, 3], [0.1, 0.2, 0.3]).converged).toBeNull();
    expect(curveConvergence([], []).converged).toBeNull();
    // 6 points: a tail of 3 is too short, whatever the values
    expect(curveConvergence([1, 2, 3, 4, 5, 6], [0, 0, 0, 0.1, 0.2, 0.3]).converged).toBeNull();
    // 7 points: ceil(3.5) = 4 in the tail
    expect(curveConvergence([1, 2, 3, 4, 5, 6, 7], [0, 0, 0, 1, 1.1, 0.9, 1]).k).toBe(4);
    expect(curveConvergence([1, 2, 3, 4, 5, 6, 7, 8], [0, 0, 0, 0, 0.5, 0.5, 0.5, 0.5]).converged).toBe(true);
    expect(curveConvergence([1, 2, 3, 4, 5, 6, 7, 8], [0, 0, 0, 0, 0.1, 0.2, 0.3, 0.4]).converged).toBe(false);
  });
});
