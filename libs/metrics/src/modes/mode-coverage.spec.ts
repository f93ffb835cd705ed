import { describe, expect, it } from 'vitest';
import { idealCoverage, idealTv, ModeCoverageAccumulator, tvToUniform } from './mode-coverage.js';

describe('mode coverage statistics', () => {
  it('scores a perfectly balanced sampler: coverage 1, TV 0, no bad fills', () => {
    const acc = new ModeCoverageAccumulator(3);
    // One input, two shapes, 6 samples: shape 0 cycles through 0,1,2 twice; shape 1 likewise.
    acc.add([0, 1, 2, 0, 1, 2].map((m, i) => ({ shapeModes: [m, (m + i) % 3], leak: 0 })));
    const r = acc.result();
    expect(r.coverage.mean).toBe(1);
    expect(r.tv.mean).toBeCloseTo(0, 12);
    expect(r.noModeFraction.mean).toBe(0);
    expect(r.samplesPerInput).toBe(6);
  });

  it('scores a collapsed sampler and unmatched fills exactly', () => {
    const acc = new ModeCoverageAccumulator(4);
    // Shape always mode 2 in 3 of 4 samples, no mode in one: coverage 1/4.
    acc.add([{ shapeModes: [2], leak: 0.1 }, { shapeModes: [2], leak: 0 }, { shapeModes: [null], leak: 0.3 }, { shapeModes: [2], leak: 0 }]);
    const r = acc.result();
    expect(r.coverage.mean).toBe(0.25);
    // TV = ½(|3/4 − 1/4| + 3·|0 − 1/4| + 1/4) = ½(0.5 + 0.75 + 0.25) = 0.75
    expect(r.tv.mean).toBeCloseTo(0.75, 12);
    expect(r.noModeFraction.mean).toBe(0.25);
    expect(r.leak.mean).toBeCloseTo(0.1, 12);
    expect(r.leak.n).toBe(4);
  });

  it('knows what an ideal sampler scores', () => {
    expect(tvToUniform([2, 0])).toBe(0.5);
    expect(idealCoverage(2, 2)).toBe(0.75);
    expect(idealTv(2, 2)).toBeCloseTo(0.25, 12); // (2,0),(0,2) w.p. ¼ each with TV ½
    expect(idealTv(1, 5)).toBe(0);
    // Monte Carlo branch (too many count vectors to enumerate) vs the normal approximation:
    // c_k ~ Bin(M, 1/K), E|c_k − M/K| ≈ √(2/π)·σ, so E[TV] ≈ ½·K·0.798·√(M(1/K)(1−1/K))/M = 0.0764.
    const big = idealTv(12, 300);
    expect(big).toBeGreaterThan(0.07);
    expect(big).toBeLessThan(0.083);
  });
});
