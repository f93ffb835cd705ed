import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { classifyBatchFills, classifyFills } from './classify-fills.js';
import { bytesToUnit } from './image-convert.js';
import { fillColor } from './palette.js';
import { generateShapesSample, type ShapesOptions } from './shapes-generator.js';

const BASE: ShapesOptions = { size: 32, numModes: 6, maxShapes: 3, backgroundModes: 1, seed: 7 };

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('classifyFills', () => {
  it('recovers every mode of ground-truth B images exactly, with no leak', () => {
    const configs: ShapesOptions[] = [
      BASE,
      { ...BASE, numModes: 12, backgroundModes: 4, size: 48 },
      { ...BASE, numModes: 2, maxShapes: 5, size: 64 },
      { ...BASE, size: 128, backgroundModes: 3 },
    ];
    let shapes = 0;
    for (const opts of configs)
      for (let i = 0; i < (opts.size > 64 ? 20 : 150); i++) {
        const { b, meta } = generateShapesSample(opts, 'test', i);
        const c = classifyFills(bytesToUnit(b, 3, 3), meta);
        expect(c.shapes.map((v) => v.mode)).toEqual(meta.shapes.map((s) => s.mode));
        expect(c.shapes.every((v) => v.distance < 1e-4)).toBe(true);
        expect(c.background.mode).toBe(meta.backgroundMode);
        expect(c.leakPixels).toBe(0);
        expect(c.backgroundPixels).toBeGreaterThan(0);
        shapes += meta.shapes.length;
      }
    expect(shapes).toBeGreaterThan(500);
  });

  it("says 'none' for a colour far from every mode and counts colour outside the masks", () => {
    const { b, meta } = generateShapesSample({ ...BASE, maxShapes: 1 }, 'train', 3);
    const img = bytesToUnit(b, 3, 3);
    // Paint shape 0 mid-grey-green (far from every fill), and a 3×3 red blob in a background corner.
    for (let p = 0; p < meta.labels.length; p++)
      if (meta.labels[p] === 1) {
        img[p * 3] = 0.1;
        img[p * 3 + 1] = 0.3;
        img[p * 3 + 2] = -0.2;
      }
    // The layout keeps a 1-pixel margin; the corner (0..2, 0..2) is background unless a shape is there.
    let painted = 0;
    for (let y = 0; y < 3; y++)
      for (let x = 0; x < 3; x++) {
        const p = y * meta.size + x;
        if (meta.labels[p] !== 0) continue;
        img.set([0.8, -0.8, -0.4], p * 3);
        painted++;
      }
    const c = classifyFills(img, meta);
    expect(c.shapes[0]?.mode).toBe('none');
    expect(c.shapes[0]?.trueMode).toBe(meta.shapes[0]?.mode);
    expect(c.leakPixels).toBeGreaterThan(0);
    expect(c.leakPixels).toBeLessThanOrEqual(painted);
    expect(c.leakFraction).toBeCloseTo(c.leakPixels / c.backgroundPixels, 12);
  });

  it('reads a different valid mode as that mode (a correct multimodal sample)', () => {
    const { b, meta } = generateShapesSample(BASE, 'train', 11);
    const img = bytesToUnit(b, 3, 3);
    const [shape] = meta.shapes;
    if (!shape) throw new Error('train sample 11 has no shape to repaint');
    const other = (shape.mode + 1) % 6;
    const col = fillColor(meta.palette, other);
    for (let p = 0; p < meta.labels.length; p++) if (meta.labels[p] === 1) img.set(col.map((v) => v / 127.5 - 1), p * 3);
    // Slight noise does not change the verdict.
    for (let k = 0; k < img.length; k++) img[k]! += ((k * 7919) % 11) / 500 - 0.01;
    expect(classifyFills(img, meta).shapes[0]?.mode).toBe(other);
  });

  it('takes tensors and batches', () => {
    const s0 = generateShapesSample(BASE, 'test', 0);
    const s1 = generateShapesSample(BASE, 'test', 1);
    const before = tf.memory().numTensors;
    const batch = tf.tensor4d(new Float32Array([...bytesToUnit(s0.b, 3, 3), ...bytesToUnit(s1.b, 3, 3)]), [2, 32, 32, 3]);
    const res = classifyBatchFills(batch, [s0.meta, s1.meta]);
    expect(res[1]?.shapes.map((v) => v.mode)).toEqual(s1.meta.shapes.map((s) => s.mode));
    const single = tf.tensor3d(bytesToUnit(s0.b, 3, 3), [32, 32, 3]);
    expect(classifyFills(single, s0.meta).shapes.map((v) => v.mode)).toEqual(s0.meta.shapes.map((s) => s.mode));
    batch.dispose();
    single.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => classifyFills(new Float32Array(10), s0.meta)).toThrow(/expected 32×32×3/);
  });
});
