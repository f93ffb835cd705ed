import { describe, expect, it } from 'vitest';
import { wilsonInterval, zForConfidence } from './wilson.js';

describe('Wilson interval', () => {
  it('matches published values', () => {
    // Reference values from R: binom::binom.wilson / prop.test(correct = FALSE).
    const a = wilsonInterval(81, 263);
    expect(a.low).toBeCloseTo(0.2553, 4);
    expect(a.high).toBeCloseTo(0.3662, 4);
    const b = wilsonInterval(0, 10);
    expect(b.low).toBe(0);
    expect(b.high).toBeCloseTo(0.2775, 4);
    const c = wilsonInterval(10, 10);
    expect(c.low).toBeCloseTo(0.7225, 4);
    expect(c.high).toBe(1);
    expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 1 });
  });

  it('uses the right normal quantile', () => {
    expect(zForConfidence(0.95)).toBeCloseTo(1.959964, 6);
    expect(zForConfidence(0.99)).toBeCloseTo(2.575829, 6);
    expect(zForConfidence(0.9)).toBeCloseTo(1.644854, 6);
    expect(() => zForConfidence(1)).toThrow(/confidence/);
  });
});
