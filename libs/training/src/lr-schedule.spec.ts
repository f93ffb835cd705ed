import { describe, expect, it } from 'vitest';
import { lrForEpoch, lrForIteration } from './lr-schedule.js';

describe('official linear lr schedule', () => {
  it('reproduces the [run] example niter=3, niter_decay=4', () => {
    const opts = { lr: 2e-4, niter: 3, niterDecay: 4 };
    const lrs = Array.from({ length: 7 }, (_, e) => lrForEpoch(e, opts));
    const want = [2e-4, 2e-4, 2e-4, 1.6e-4, 1.2e-4, 8e-5, 4e-5];
    lrs.forEach((lr, i) => expect(lr).toBeCloseTo(want[i]!, 12));
  });

  it('spreads the epochs over train.iters iterations, piecewise constant', () => {
    const opts = { lr: 2e-4, niter: 3, niterDecay: 4 };
    // 70 iterations = 10 per virtual epoch
    expect(lrForIteration(0, 70, opts)).toBeCloseTo(2e-4, 12);
    expect(lrForIteration(29, 70, opts)).toBeCloseTo(2e-4, 12);
    expect(lrForIteration(30, 70, opts)).toBeCloseTo(1.6e-4, 12);
    expect(lrForIteration(69, 70, opts)).toBeCloseTo(4e-5, 12);
    // never below the last epoch's value inside training
    expect(lrForIteration(1000, 70, opts)).toBeCloseTo(4e-5, 12);
  });
});
