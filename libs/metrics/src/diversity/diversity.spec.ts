import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@workbench/backend';
import { fixtureLpips } from '../../test/fixture-lpips.js';
import type { Lpips } from '../lpips/lpips.js';
import { diversity, DiversityAccumulator } from './diversity.js';
import { realPairsDiversity, randomPairs } from './real-pairs.js';
import { samplePairs } from './sample-pairs.js';

let lpips: Lpips;
beforeAll(async () => {
  await initBackend({ force: 'wasm' });
  lpips = fixtureLpips('0.0');
});
afterAll(() => lpips.dispose());

const constant = (v: number, n = 1, size = 32) => tf.fill([n, size, size, 3], v) as tf.Tensor4D;

describe('diversity protocol', () => {
  it('pairs consecutive samples (M-1) or all pairs (M(M-1)/2)', () => {
    expect(samplePairs(4, 'consecutive')).toEqual([[0, 1], [1, 2], [2, 3]]);
    expect(samplePairs(3, 'all')).toEqual([[0, 1], [0, 2], [1, 2]]);
    expect(() => samplePairs(1, 'all')).toThrow(/at least 2 samples/);
  });

  it('scores identical samples 0 in both LPIPS and L1', () => {
    const before = tf.memory().numTensors;
    const noise = tf.randomUniform([1, 40, 40, 3], -1, 1, 'float32', 7) as tf.Tensor4D;
    const same = tf.tile(noise, [5, 1, 1, 1]) as tf.Tensor4D;
    const r = diversity([same, same], 'consecutive', lpips);
    expect(r.l1).toEqual({ mean: 0, std: 0, se: 0, n: 8 });
    expect(r.lpips).toEqual({ mean: 0, std: 0, se: 0, n: 8 });
    tf.dispose([noise, same]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives the known L1 for two known images, with the std/√n convention', () => {
    // Samples [+0.5, -0.5, +0.5]: consecutive distances 1, 1; all pairs 1, 0, 1.
    const s = tf.concat([constant(0.5), constant(-0.5), constant(0.5)]) as tf.Tensor4D;
    const cons = diversity([s], 'consecutive');
    expect(cons.lpips).toBeUndefined();
    expect(cons.l1.mean).toBeCloseTo(1, 6);
    expect(cons.l1.se).toBeCloseTo(0, 6);
    const all = diversity([s], 'all');
    expect(all.l1.mean).toBeCloseTo(2 / 3, 6);
    expect(all.l1.std).toBeCloseTo(Math.sqrt(2 / 9), 6);
    expect(all.l1.se).toBeCloseTo(Math.sqrt(2 / 9) / Math.sqrt(3), 6);
    s.dispose();
  });

  it('computes each LPIPS pair distance as lpips.distance would', () => {
    const s = tf.randomUniform([4, 36, 36, 3], -1, 1, 'float32', 3) as tf.Tensor4D;
    const acc = new DiversityAccumulator(4, 'all', lpips);
    acc.add(s);
    const direct = tf.tidy(() => {
      const idx = samplePairs(4, 'all');
      return Array.from(lpips.distance(tf.gather(s, idx.map((p) => p[0])), tf.gather(s, idx.map((p) => p[1]))).dataSync());
    });
    expect(acc.result().lpips!.mean).toBeCloseTo(direct.reduce((a, b) => a + b) / direct.length, 7);
    expect(acc.result().lpips!.n).toBe(6);
    expect(() => acc.add(tf.slice(s, 0, 3))).toThrow(/expected 4 samples/);
    s.dispose();
  });

  it('bounds with random real pairs (i ≠ j, reproducible) and repeats grey images to RGB', () => {
    const p = randomPairs(3, 50, 1);
    expect(p.every(([i, j]) => i !== j && i < 3 && j < 3)).toBe(true);
    expect(randomPairs(3, 50, 1)).toEqual(p);
    const before = tf.memory().numTensors;
    // Two distinct grey images: every pair compares them, so L1 = |0.8 − (−0.2)| = 1 exactly.
    const reals = tf.tidy(() => tf.concat([tf.fill([1, 40, 40, 1], 0.8), tf.fill([1, 40, 40, 1], -0.2)]) as tf.Tensor4D);
    const r = realPairsDiversity(reals, 10, 0, lpips);
    expect(r.l1.mean).toBeCloseTo(1, 6);
    expect(r.lpips!.n).toBe(10);
    expect(r.lpips!.std).toBeCloseTo(0, 9);
    reals.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
