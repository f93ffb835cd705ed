// Reference numbers: mpmath 1.2.1 at 40 digits (betainc(regularized=True), findroot on the CDF),
// the same values scipy.stats.t / ttest_ind(equal_var=False) and R t.test give; the script is
// quoted in libs/metrics/README.md ("Statistics").
import { describe, expect, it } from 'vitest';
import { formatMeanInterval, meanInterval, NO_INTERVAL_TEXT, regularizedIncompleteBeta, studentTCdf, studentTQuantile, studentTTwoSidedP, welchTest } from '@workbench/metrics/stats';

const close = (got: number, want: number, rel = 1e-10) => expect(Math.abs(got - want)).toBeLessThanOrEqual(rel * Math.max(1e-300, Math.abs(want)));

describe('Student t distribution', () => {
  it('quantiles match mpmath (including textbook 12.706, 2.262, 1.962)', () => {
    const cases: [number, number, number][] = [
      [0.975, 1, 12.706204736174693],
      [0.975, 2, 4.3026527297494618],
      [0.975, 4, 2.7764451051977935],
      [0.975, 9, 2.262157162798205],
      [0.975, 29, 2.0452296421327039],
      [0.995, 3, 5.8409093097333554],
      [0.9, 7.5, 1.4052118464159531],
      [0.975, 1000, 1.9623390808264081],
      [0.999999, 5, 24.771029720372489],
    ];
    for (const [p, df, q] of cases) {
      close(studentTQuantile(p, df), q);
      close(studentTQuantile(1 - p, df), -q, 1e-8); // 1 − p loses digits in double
    }
    expect(studentTQuantile(0.5, 3)).toBe(0);
  });

  it('CDF matches mpmath in the body and far in the tails', () => {
    const cases: [number, number, number][] = [
      [2.0, 5, 0.94903026058507082],
      [-1.3, 3.7, 0.13433336208631383],
      [0.5, 1, 0.64758361765043327],
      [10, 2, 0.99507377148833715],
      [-8, 30, 3.1329112378503795e-9],
      [25, 4, 0.99999240123711834],
    ];
    for (const [t, df, c] of cases) close(studentTCdf(t, df), c);
    // tail probability keeps its relative precision (no 1 − x cancellation)
    close(studentTTwoSidedP(-8, 30), 2 * 3.1329112378503795e-9);
    expect(studentTCdf(Infinity, 3)).toBe(1);
    expect(studentTCdf(0, 0)).toBeNaN();
  });

  it('regularized incomplete beta: closed forms I_x(1,1) = x, I_x(a,1) = x^a, symmetry', () => {
    for (const x of [0.01, 0.3, 0.5, 0.77, 0.999]) {
      close(regularizedIncompleteBeta(x, 1, 1), x, 1e-13);
      close(regularizedIncompleteBeta(x, 3.5, 1), x ** 3.5, 1e-12);
      close(regularizedIncompleteBeta(x, 2.2, 7) + regularizedIncompleteBeta(1 - x, 7, 2.2), 1, 1e-13);
    }
  });
});

describe('meanInterval', () => {
  it('95 % Student-t interval of three seeds', () => {
    const iv = meanInterval([0.618, 0.655, 0.699]);
    expect(iv.n).toBe(3);
    close(iv.mean, 0.65733333333333333, 1e-14);
    close(iv.sd, 0.040550380187284701, 1e-12);
    close(iv.se, 0.023411772916870489, 1e-12);
    close(iv.lo, 0.55660060468428599, 1e-12);
    close(iv.hi, 0.75806606198238066, 1e-12);
  });

  it('other levels and n = 2', () => {
    const a = meanInterval([3.1, 2.9, 3.4, 3.0, 3.2, 2.8], 0.99);
    close(a.lo, 2.7110650804952955, 1e-12);
    close(a.hi, 3.4222682528380378, 1e-12);
    const b = meanInterval([1, 2]);
    close(b.lo, -4.8531023680873467, 1e-12);
    close(b.hi, 7.8531023680873467, 1e-12);
  });

  it('n = 1 has no interval, n = 0 no mean; non-finite values are dropped', () => {
    const one = meanInterval([0.5, NaN]);
    expect(one.n).toBe(1);
    expect(one.mean).toBe(0.5);
    expect(one.lo).toBeNaN();
    expect(one.hi).toBeNaN();
    expect(JSON.parse(JSON.stringify(one)).lo).toBeNull();
    expect(formatMeanInterval(one)).toBe(`0.5000 (${NO_INTERVAL_TEXT})`);
    expect(meanInterval([]).mean).toBeNaN();
    expect(formatMeanInterval(meanInterval([]))).toBe('–');
    expect(formatMeanInterval(meanInterval([0.618, 0.655, 0.699]), 3)).toBe('0.657 [0.557, 0.758] (n=3)');
    expect(() => meanInterval([1, 2], 95)).toThrow(/level must be in \(0, 1\)/);
  });
});

describe('welchTest', () => {
  it('matches the Welch–Satterthwaite reference (unequal n and variances)', () => {
    const cases: [number[], number[], number, number, number][] = [
      [[0.618, 0.655, 0.699], [0.194, 0.148, 0.19], 17.359480053853981, 3.366478448208594, 0.00020625950657521045],
      [[1, 2, 3, 4, 5], [2, 4, 6, 8, 10, 12], -2.3763541031440183, 6.9722557297949337, 0.049284338206730521],
      [[0.483, 0.49, 0.47], [0.485, 0.5], -1.2082969836658414, 2.1860787386423976, 0.3413632112539825],
    ];
    for (const [a, b, t, df, p] of cases) {
      const r = welchTest(a, b);
      close(r.t, t, 1e-11);
      close(r.df, df, 1e-11);
      close(r.p, p, 1e-9);
    }
    // symmetric in its arguments up to the sign of t
    const ab = welchTest([1, 2, 3], [2, 3, 5]);
    const ba = welchTest([2, 3, 5], [1, 2, 3]);
    expect(ba.t).toBeCloseTo(-ab.t, 14);
    expect(ba.p).toBeCloseTo(ab.p, 14);
  });

  it('is undefined with fewer than 2 values per side or no variance at all', () => {
    expect(welchTest([1], [1, 2, 3]).p).toBeNaN();
    expect(welchTest([1, 1], [2, 2]).p).toBeNaN();
    // identical values whose float mean is inexact still have no variance
    expect(welchTest([0.24, 0.24, 0.24], [0.18, 0.18, 0.18]).p).toBeNaN();
    expect(meanInterval([0.24, 0.24, 0.24]).sd).toBe(0);
    // one side constant is fine: df falls back to the other side's n − 1
    const r = welchTest([1, 1, 1], [2, 3, 4]);
    close(r.df, 2, 1e-12);
  });
});

describe('@workbench/metrics/stats stays light', () => {
  it('imports only its own folder (no tfjs, no other package), so the server and CLI load it cheaply', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const dir = new URL('.', import.meta.url);
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts') && !n.endsWith('.spec.ts'))) {
      const src = readFileSync(new URL(f, dir), 'utf8');
      const specifiers = [...src.matchAll(/\bfrom\s+['"]([^'"]+)['"]|\bimport\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1] ?? m[2]);
      for (const s of specifiers) expect(s, `${f} imports ${s}`).toMatch(/^\.\/[\w-]+\.js$/);
    }
  });
});
