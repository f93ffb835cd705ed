import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DataError } from './data-error.js';
import { layoutGeometry, sampleLayout } from './shapes-layout.js';
import { generateShapesSample, layoutFingerprint, shapeMask, type ShapesOptions } from './shapes-generator.js';
import { Rng } from '@workbench/random';
import { rasterizeLayout } from './shapes-raster.js';
import type { Split } from './data-config.js';

const BASE: ShapesOptions = { size: 32, numModes: 6, maxShapes: 3, backgroundModes: 1, seed: 1234 };

function digest(opts: ShapesOptions, split: Split, n: number): string {
  const h = createHash('sha256');
  for (let i = 0; i < n; i++) {
    const s = generateShapesSample(opts, split, i);
    h.update(s.a);
    h.update(s.b);
  }
  return h.digest('hex').slice(0, 16);
}

function sha(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}

/** How often each value occurs. */
function tally(values: readonly number[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

describe('shapes generator', () => {
  it('gives identical bytes for the same seed, on every machine (golden digests)', () => {
    const d32 = digest(BASE, 'train', 50);
    expect(digest(BASE, 'train', 50)).toBe(d32);
    // Golden: generated once; a change means the dataset changed for everyone.
    expect(d32).toBe(GOLDEN.train32);
    expect(digest({ ...BASE, size: 96, backgroundModes: 4, numModes: 12 }, 'test', 10)).toBe(GOLDEN.test96);
  });

  it('gives different images for a different seed, split or index', () => {
    expect(digest({ ...BASE, seed: 1235 }, 'train', 20)).not.toBe(digest(BASE, 'train', 20));
    const a0 = generateShapesSample(BASE, 'train', 0);
    const a1 = generateShapesSample(BASE, 'train', 1);
    expect(sha(a0.a)).not.toBe(sha(a1.a));
  });

  it('keeps train, val and test disjoint in their A images', () => {
    // One shape per image at 32 px leaves ~10^4 distinct layouts: without the split buckets,
    // 2000 train and 200 test images would share dozens.
    const opts = { ...BASE, maxShapes: 1 };
    const train = new Set<string>();
    for (let i = 0; i < 2000; i++) train.add(sha(generateShapesSample(opts, 'train', i).a));
    let testInTrain = 0;
    const testSet = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const h = sha(generateShapesSample(opts, 'test', i).a);
      testSet.add(h);
      if (train.has(h)) testInTrain++;
    }
    for (let i = 0; i < 200; i++) {
      const h = sha(generateShapesSample(opts, 'val', i).a);
      expect(train.has(h) || testSet.has(h)).toBe(false);
    }
    expect(testInTrain).toBe(0);
    // Duplicates within a split do happen in this tiny space (so the check above is not vacuous).
    expect(train.size).toBeLessThan(2000);
  });

  it('fingerprints identify A images: same image <=> same fingerprint', () => {
    const byImage = new Map<string, number>();
    const byPrint = new Map<number, string>();
    const rng = new Rng(99);
    for (let i = 0; i < 3000; i++) {
      const shapes = sampleLayout(rng, 32, 1 + (i % 2));
      const img = sha(rasterizeLayout(shapes, 32).outline);
      const fp = layoutFingerprint(shapes, 32);
      if (byImage.has(img)) expect(byImage.get(img)).toBe(fp);
      if (byPrint.has(fp)) expect(byPrint.get(fp)).toBe(img);
      byImage.set(img, fp);
      byPrint.set(fp, img);
    }
    expect(byImage.size).toBeLessThan(3000); // some repeats were compared
  });

  it('places 1..max_shapes disjoint shapes inside the image, with outlines on the masks', () => {
    for (const size of [32, 47, 128, 256]) {
      const g = layoutGeometry(size);
      for (let i = 0; i < (size > 100 ? 5 : 40); i++) {
        const { a, b, meta } = generateShapesSample({ ...BASE, size }, 'train', i);
        expect(a.length).toBe(size * size * 3);
        expect(b.length).toBe(size * size * 3);
        expect(meta.shapes.length).toBeGreaterThanOrEqual(1);
        expect(meta.shapes.length).toBeLessThanOrEqual(3);
        meta.shapes.forEach((s, k) => {
          expect(s.r).toBeGreaterThanOrEqual(g.rMin);
          expect(s.r).toBeLessThanOrEqual(g.rMax);
          const m = shapeMask(meta, k);
          let count = 0;
          let outsideBox = 0;
          for (let p = 0; p < m.length; p++) {
            if (!m[p]) continue;
            count++;
            const x = p % size;
            const y = Math.floor(p / size);
            // inside its box, and the box is inside the image with a 1-pixel margin
            if (!(x >= s.cx - s.r && x < s.cx + s.r && y >= s.cy - s.r && y < s.cy + s.r)) outsideBox++;
            if (!(x >= 1 && y >= 1 && x < size - 1 && y < size - 1)) outsideBox++;
          }
          expect(outsideBox).toBe(0);
          expect(count).toBeGreaterThan(s.r * s.r); // every kind covers at least ~2r²
        });
        let wrongA = 0;
        let wrongB = 0;
        let strayOutline = 0;
        for (let p = 0; p < size * size; p++) {
          // A: black exactly on the outline; B: the fill colour exactly on the masks.
          if (a[p * 3] !== (meta.outline[p] ? 0 : 255)) wrongA++;
          if (meta.outline[p] && meta.labels[p] === 0) strayOutline++;
          const l = meta.labels[p]!;
          const shape = meta.shapes[l - 1];
          const want = l === 0 ? meta.palette.backgrounds[meta.backgroundMode] : shape && meta.palette.fills[shape.mode];
          if (!want || b[p * 3] !== want[0] || b[p * 3 + 1] !== want[1] || b[p * 3 + 2] !== want[2]) wrongB++;
        }
        expect([wrongA, wrongB, strayOutline]).toEqual([0, 0, 0]);
        expect(meta.outline.some((v) => v === 1)).toBe(true);
      }
    }
  });

  it('draws fills uniformly from the K modes and backgrounds from their modes', () => {
    const opts = { ...BASE, numModes: 4, backgroundModes: 2 };
    const fillModes: number[] = [];
    const bgModes: number[] = [];
    const shapeCounts: number[] = [];
    for (let i = 0; i < 1500; i++) {
      const { meta } = generateShapesSample(opts, 'train', i);
      bgModes.push(meta.backgroundMode);
      shapeCounts.push(meta.shapes.length);
      fillModes.push(...meta.shapes.map((s) => s.mode));
      expect(meta.logProbBGivenA).toBeCloseTo(-(meta.shapes.length * Math.log(4) + Math.log(2)), 12);
    }
    const fills = tally(fillModes);
    expect([...fills.keys()].sort((x, y) => x - y)).toEqual([0, 1, 2, 3]);
    for (const f of fills.values()) expect(Math.abs(f / fillModes.length - 0.25)).toBeLessThan(0.03);
    const bgs = tally(bgModes);
    expect([...bgs.keys()].sort((x, y) => x - y)).toEqual([0, 1]);
    expect(Math.abs((bgs.get(0) ?? 0) / 1500 - 0.5)).toBeLessThan(0.05);
    const nShapes = tally(shapeCounts);
    for (const k of [1, 2, 3]) expect(nShapes.get(k)).toBeGreaterThan(300);
  });

  it('refuses more shapes than fit, with the fix', () => {
    // n ~ U{1..40}: sample 0..19 include some n >= 8, which never fit at 32 px.
    const tryAll = () => {
      for (let i = 0; i < 20; i++) generateShapesSample({ ...BASE, maxShapes: 40 }, 'train', i);
    };
    expect(tryAll).toThrow(DataError);
    expect(tryAll).toThrow(/cannot place \d+ non-overlapping shapes in 32×32 px: lower data.max_shapes \(at most 5\)/);
  });
});

const GOLDEN = { train32: '58143be13a087612', test96: '7072244e2ed7e884' };
