// Mode statistics on ground-truth samples: recolour real shapes-dataset samples with chosen
// palette modes, classify them with the data library's classifier, and check every statistic
// against the value computed by hand from the chosen modes.
import { describe, expect, it } from 'vitest';
import { classifyFills, createDataset, type ShapesMeta } from '@workbench/data';
import { fillReportOf, idealCoverage, ModeCoverageAccumulator, tvToUniform } from './mode-coverage.js';

/** B of a shapes sample with shape s filled by palette mode modes[s]: [H*W*3] in [-1,1]. */
function paint(meta: ShapesMeta, modes: number[]): Float32Array {
  const n = meta.size * meta.size;
  const out = new Float32Array(n * 3);
  const bg = meta.palette.backgrounds[meta.backgroundMode];
  for (let p = 0; p < n; p++) {
    const l = meta.labels[p]!;
    const c = (l === 0 ? bg : meta.palette.fills[modes[l - 1]!])!;
    for (let ch = 0; ch < 3; ch++) out[p * 3 + ch] = c[ch]! / 127.5 - 1;
  }
  return out;
}

describe('mode statistics on ground-truth samples', () => {
  it('are exact', async () => {
    const K = 4;
    const M = 6;
    const ds = await createDataset({ dataset: 'shapes', crop_size: 32, load_size: 32, test_size: 12, num_modes: K }, 'test');
    const acc = new ModeCoverageAccumulator(K);
    const expectedCoverage: number[] = [];
    const expectedTv: number[] = [];
    for (let i = 0; i < 12; i++) {
      const meta = (await ds.get(i)).meta!;
      // Sample k paints shape s with mode (i + s·k) mod K: coverage and TV vary with i and s.
      const chosen = Array.from({ length: M }, (_, k) => meta.shapes.map((_, s) => (i + s * k) % K));
      acc.add(chosen.map((modes) => fillReportOf(classifyFills(paint(meta, modes), meta))));
      meta.shapes.forEach((_, s) => {
        const counts = new Array<number>(K).fill(0);
        for (const modes of chosen) counts[modes[s]!]! += 1;
        expectedCoverage.push(counts.filter((c) => c > 0).length / K);
        expectedTv.push(tvToUniform(counts));
      });
    }
    const r = acc.result();
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(r.coverage.n).toBe(expectedCoverage.length);
    expect(r.coverage.mean).toBeCloseTo(mean(expectedCoverage), 12);
    expect(r.tv.mean).toBeCloseTo(mean(expectedTv), 12);
    expect(r.noModeFraction.mean).toBe(0);
    expect(r.leak.mean).toBe(0);
    expect(r.idealCoverage).toBeCloseTo(idealCoverage(K, M), 12);
    // The data is not degenerate: some shapes are fully covered, some are not.
    expect(Math.max(...expectedCoverage)).toBe(1);
    expect(Math.min(...expectedCoverage)).toBeLessThan(1);
  });

  it('counts an off-palette fill as no mode and paint outside the masks as leak', async () => {
    const ds = await createDataset({ dataset: 'shapes', crop_size: 32, load_size: 32, test_size: 4 }, 'test');
    const meta = (await ds.get(0)).meta!;
    const img = paint(meta, meta.shapes.map((s) => s.mode));
    // Grey (not a palette fill) inside shape 0, and every background pixel painted green.
    for (let p = 0; p < meta.labels.length; p++) {
      if (meta.labels[p] === 1) img.set([0, 0, 0], p * 3);
      if (meta.labels[p] === 0) img.set([-0.53, 0.41, -0.41], p * 3);
    }
    const rep = fillReportOf(classifyFills(img, meta));
    expect(rep.shapeModes[0]).toBeNull();
    expect(rep.leak).toBe(1);
  });
});
