// C2ST on image sets with known answers: real vs real (a held-out split of the same distribution)
// must not be told apart; real vs visibly wrong fakes must be; no tensors leak.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@workbench/backend';
import { createDataset, loadBatch } from '@workbench/data';
import { classifierTwoSampleTest } from './classifier-two-sample.js';

let realA: tf.Tensor4D;
let realB: tf.Tensor4D;
beforeAll(async () => {
  await initBackend({ force: 'wasm' });
  const ds = await createDataset({ dataset: 'shapes', crop_size: 32, load_size: 32, input_nc: 3, output_nc: 3, train_size: 8, test_size: 128, num_modes: 6, max_shapes: 3, background_modes: 1, seed: 1234 } as never, 'test');
  const a = await loadBatch(ds, Array.from({ length: 64 }, (_, i) => i));
  const b = await loadBatch(ds, Array.from({ length: 64 }, (_, i) => 64 + i));
  realA = a.B as tf.Tensor4D;
  realB = b.B as tf.Tensor4D;
  tf.dispose([a.A, b.A]);
});

describe('classifierTwoSampleTest', () => {
  it('cannot tell two halves of the real test set apart (the interval holds 50 %)', () => {
    const before = tf.memory().numTensors;
    const r = classifierTwoSampleTest(realA, realB);
    expect(tf.memory().numTensors).toBe(before);
    expect(r.nTest).toBe(64);
    expect(r.nTrain).toBe(64);
    expect(r.lo).toBeLessThan(0.5);
    expect(r.hi).toBeGreaterThan(0.5);
  });

  it('tells real fills from blurred, desaturated ones (what an undertrained G makes)', () => {
    // 3x3 box blur, then pulled halfway to grey: no clean palette fills left
    const fake = tf.tidy(() => tf.avgPool(realB, 3, 1, 'same').mul(0.5) as tf.Tensor4D);
    const r = classifierTwoSampleTest(realA, fake);
    fake.dispose();
    expect(r.accuracy).toBeGreaterThan(0.9);
    expect(r.lo).toBeGreaterThan(0.75);
    expect(() => classifierTwoSampleTest(realA.slice(0, 2), fake)).toThrow(/same number \(≥ 4\)/);
  });
});
