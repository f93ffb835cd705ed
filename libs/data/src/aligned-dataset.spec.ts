import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createDataset } from './create-dataset.js';
import type { AlignedDataset } from './aligned-dataset.js';
import type { DataConfig } from './data-config.js';
import { lumaByte } from './image-convert.js';
import { Rng } from '@workbench/random';
import { FACADES_FIXTURE, positionPair, tempDir, writeSynthetic } from './test-support.js';

const facades: Partial<DataConfig> = { dataset: 'aligned', root: FACADES_FIXTURE, direction: 'BtoA', load_size: 286, crop_size: 256 };
const byte = (v: number) => Math.round((v + 1) * 127.5);
/** The byte of value `k` of a [-1, 1] image; an index past its end is a bug of the test. */
function byteAt(values: Float32Array, k: number): number {
  const v = values[k];
  if (v === undefined) throw new Error(`value ${k} is past the end of an image of ${values.length} values`);
  return byte(v);
}

function range(a: Float32Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of a) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return [lo, hi];
}

describe('aligned folders: the facades fixture', () => {
  it('counts the splits and gives 256×256×3 samples in [-1, 1]', async () => {
    const train = await createDataset(facades, 'train');
    const test = await createDataset(facades, 'test');
    expect([train.size, test.size]).toEqual([8, 4]);
    expect([train.width, train.height, train.inputNc, train.outputNc]).toEqual([256, 256, 3, 3]);
    const s = await train.get(0, new Rng(1));
    expect(s.A.length).toBe(256 * 256 * 3);
    expect(s.B.length).toBe(256 * 256 * 3);
    for (const arr of [s.A, s.B]) {
      const [lo, hi] = range(arr);
      expect(lo).toBeGreaterThanOrEqual(-1);
      expect(hi).toBeLessThanOrEqual(1);
      expect(hi - lo).toBeGreaterThan(1); // real image content, not a constant
    }
    expect(s.source).toMatch(/train[/\\]1\.jpg$/);
  });

  it('BtoA gives labels as input: the label map is mostly its blue background, the photo is not', async () => {
    const ds = await createDataset({ ...facades, preprocess: 'none' }, 'train');
    const s = await ds.get(2);
    // Mean of (blue - red) over the image, in [-2, 2].
    const blueness = (a: Float32Array) => {
      let sum = 0;
      for (let p = 0; p < a.length; p += 3) sum += a[p + 2]! - a[p]!;
      return sum / (a.length / 3);
    };
    expect(blueness(s.A)).toBeGreaterThan(0.5);
    expect(Math.abs(blueness(s.B))).toBeLessThan(0.3);
    // AtoB swaps exactly.
    const ab = await createDataset({ ...facades, preprocess: 'none', direction: 'AtoB' }, 'train');
    const t = await ab.get(2);
    expect(t.A).toEqual(s.B);
    expect(t.B).toEqual(s.A);
  });

  it('makes the input grayscale with input_nc=1 (PIL luma)', async () => {
    const rgb = await createDataset({ ...facades, preprocess: 'none', direction: 'AtoB' }, 'test');
    const gray = await createDataset({ ...facades, preprocess: 'none', direction: 'AtoB', input_nc: 1 }, 'test');
    expect(gray.inputNc).toBe(1);
    const c = await rgb.get(1);
    const g = await gray.get(1);
    expect(g.A.length).toBe(256 * 256);
    expect(g.B).toEqual(c.B);
    for (const p of [0, 1000, 40_000, 65_535]) expect(byteAt(g.A, p)).toBe(lumaByte(byteAt(c.A, p * 3), byteAt(c.A, p * 3 + 1), byteAt(c.A, p * 3 + 2)));
    // Through the bicubic resize too: luma-then-resize is resize-then-luma up to rounding.
    const rgbR = await createDataset({ ...facades, direction: 'AtoB' }, 'test');
    const grayR = await createDataset({ ...facades, direction: 'AtoB', input_nc: 1 }, 'test');
    const [cr, gr] = [await rgbR.get(1), await grayR.get(1)];
    expect(gr.A.length).toBe(256 * 256);
    let worst = 0;
    for (let p = 0; p < 256 * 256; p++)
      worst = Math.max(worst, Math.abs(byteAt(gr.A, p) - lumaByte(byteAt(cr.A, p * 3), byteAt(cr.A, p * 3 + 1), byteAt(cr.A, p * 3 + 2))));
    expect(worst).toBeLessThanOrEqual(3);
  });

  it('caches decoded pairs and is deterministic without an rng (centre crop, no flip)', async () => {
    const ds = (await createDataset(facades, 'train')) as AlignedDataset;
    const a = await ds.get(5);
    expect(ds.cacheSize).toBe(286 * 286 * 3 * 2);
    const b = await ds.get(5);
    expect(b.A).toEqual(a.A);
    const none = (await createDataset(facades, 'train', { cacheBytes: 0 })) as AlignedDataset;
    await none.get(5);
    expect(none.cacheSize).toBe(0);
  });
});

describe('aligned folders: the same crop and flip for A and B', () => {
  const tmp = tempDir();
  const half = 64;
  beforeAll(async () => {
    for (let i = 0; i < 3; i++) await writeSynthetic(join(tmp.dir, 'train', `${i}.png`), 2 * half, 48, positionPair(half));
  });
  afterAll(() => tmp.cleanup());

  it('crops and flips both halves identically (preprocess=crop, exact)', async () => {
    const ds = await createDataset({ dataset: 'aligned', root: tmp.dir, preprocess: 'crop', crop_size: 32 }, 'train');
    const seen = { flip: 0, noflip: 0, xs: new Set<number>(), ys: new Set<number>() };
    for (let k = 0; k < 40; k++) {
      const s = await ds.get(k % 3, new Rng(k));
      expect([s.width, s.height]).toEqual([32, 32]);
      // Recover the crop from A: A(0,0) = (x0 or x0+31 if flipped, y0).
      const r00 = byteAt(s.A, 0);
      const r10 = byteAt(s.A, 3);
      const flipped = r10 < r00;
      if (flipped) seen.flip++;
      else seen.noflip++;
      seen.xs.add(flipped ? r00 - 31 : r00);
      seen.ys.add(byteAt(s.A, 1));
      let bad = 0;
      for (let p = 0; p < 32 * 32; p++) {
        const [ax, ay, ac] = [byteAt(s.A, p * 3), byteAt(s.A, p * 3 + 1), byteAt(s.A, p * 3 + 2)];
        const [bx, by, bc] = [byteAt(s.B, p * 3), byteAt(s.B, p * 3 + 1), byteAt(s.B, p * 3 + 2)];
        if (ac !== 60 || bc !== 200 || bx !== 255 - ax || by !== ay) bad++;
      }
      expect(bad).toBe(0);
    }
    expect(seen.flip).toBeGreaterThan(5);
    expect(seen.noflip).toBeGreaterThan(5);
    expect(seen.xs.size).toBeGreaterThan(5);
    expect(seen.ys.size).toBeGreaterThan(5);
    for (const x of seen.xs) expect(x >= 0 && x <= half - 32).toBe(true);
  });

  it('never flips with no_flip, and resize_and_crop keeps B = f(A) (within resampling rounding)', async () => {
    const ds = await createDataset({ dataset: 'aligned', root: tmp.dir, load_size: 80, crop_size: 64, no_flip: true }, 'train');
    for (let k = 0; k < 10; k++) {
      const s = await ds.get(0, new Rng(100 + k));
      // The red channel of A increases left to right: not flipped.
      expect(byteAt(s.A, (10 * 64 + 40) * 3)).toBeGreaterThan(byteAt(s.A, (10 * 64 + 20) * 3));
      let worst = 0;
      for (let p = 0; p < 64 * 64; p++) {
        worst = Math.max(worst, Math.abs(byteAt(s.B, p * 3) - (255 - byteAt(s.A, p * 3))), Math.abs(byteAt(s.B, p * 3 + 1) - byteAt(s.A, p * 3 + 1)));
      }
      expect(worst).toBeLessThanOrEqual(1);
    }
  });

  it('implements scale_width and none as the official code', async () => {
    const sw = await createDataset({ dataset: 'aligned', root: tmp.dir, preprocess: 'scale_width', load_size: 96, crop_size: 32 }, 'train');
    expect([sw.width, sw.height]).toEqual([96, 72]); // 48 * 96 / 64
    const none = await createDataset({ dataset: 'aligned', root: tmp.dir, preprocess: 'none' }, 'train');
    expect([none.width, none.height]).toEqual([64, 48]);
    const s = await none.get(1);
    expect(byteAt(s.A, (5 * 64 + 7) * 3)).toBe(7);
  });
});
