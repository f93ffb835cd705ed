// A tiny U-Net-like training step (conv, conv2dTranspose, instance norm, leakyRelu, skip concat):
// every parameter gradient on wasm (with our kernels) must match the cpu backend's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from './wasm-training-kernels.js';
import { maxAbs, maxAbsDiff, onBackend, randomArray } from './test-helpers.js';

const N = 2;
const RES = 16;
const NGF = 4;

/** Parameter shapes: HWIO conv, [h,w,out,in] conv2dTranspose, as tfjs stores them. */
const shapes: Record<string, number[]> = {
  down0: [4, 4, 3, NGF], // 16 → 8
  down1: [4, 4, NGF, 2 * NGF], // 8 → 4
  down2: [3, 3, 2 * NGF, 2 * NGF], // 4 → 4, stride 1 (odd kernel, 'same')
  up1: [4, 4, NGF, 4 * NGF], // convT 4 → 8 on concat(down2, down1)
  up0: [4, 4, 3, 2 * NGF], // convT 8 → 16 on concat(up1, down0)
  bias0: [3],
};

function instanceNorm(x: tf.Tensor4D): tf.Tensor4D {
  const { mean, variance } = tf.moments(x, [1, 2], true);
  return x.sub(mean).div(variance.add(1e-5).sqrt());
}

/** L1 loss of a 3-level U-Net on (a, b); returns d loss / d every parameter. */
function gradients(params: Record<string, Float32Array>, a: Float32Array, b: Float32Array): Record<string, Float32Array> {
  return tf.tidy(() => {
    const names = Object.keys(shapes);
    const tensors = names.map((k) => tf.tensor(params[k]!, shapes[k]));
    const input = tf.tensor4d(a, [N, RES, RES, 3]);
    const target = tf.tensor4d(b, [N, RES, RES, 3]);
    const loss = (...p: tf.Tensor[]) => {
      const w = Object.fromEntries(names.map((k, i) => [k, p[i]])) as { down0: tf.Tensor4D; down1: tf.Tensor4D; down2: tf.Tensor4D; up1: tf.Tensor4D; up0: tf.Tensor4D };
      const d0 = tf.conv2d(input, w.down0, 2, 'same'); // [N,8,8,ngf]
      const d1 = instanceNorm(tf.conv2d(tf.leakyRelu(d0, 0.2), w.down1, 2, 'same')); // [N,4,4,2ngf]
      const d2 = instanceNorm(tf.conv2d(tf.leakyRelu(d1, 0.2), w.down2, 1, 'same')); // [N,4,4,2ngf]
      const u1 = instanceNorm(
        tf.conv2dTranspose(tf.relu(tf.concat([d2, d1], 3)), w.up1, [N, 8, 8, NGF], 2, 'same'),
      ); // [N,8,8,ngf]
      const u0 = tf.conv2dTranspose(tf.relu(tf.concat([u1, d0], 3)), w.up0, [N, RES, RES, 3], 2, 'same'); // [N,16,16,3]
      const out = tf.tanh(u0.add(p[names.indexOf('bias0')]!));
      return tf.mean(tf.abs(out.sub(target))) as tf.Scalar;
    };
    const grads = tf.grads(loss)(tensors);
    return Object.fromEntries(names.map((k, i) => [k, grads[i]!.dataSync() as Float32Array]));
  });
}

describe('a U-Net training step on wasm', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    registerWasmTrainingKernels();
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('gives the cpu backend gradients for every parameter', async () => {
    const params = Object.fromEntries(
      Object.entries(shapes).map(([k, s], i) => [k, randomArray(s.reduce((x, y) => x * y), 100 + i).map((v) => v * 0.2)]),
    );
    const a = randomArray(N * RES * RES * 3, 1).map(Math.tanh);
    const b = randomArray(N * RES * RES * 3, 2).map(Math.tanh);
    const wasm = await onBackend('wasm', () => gradients(params, a, b));
    const cpu = await onBackend('cpu', () => gradients(params, a, b));
    for (const k of Object.keys(shapes)) {
      // Relative to the gradient's own scale: these gradients are O(1e-2), so 1e-4 of the
      // largest entry is far below any real kernel error and well above float32 noise.
      const scale = maxAbs(cpu[k]!);
      expect(scale, k).toBeGreaterThan(0);
      expect(maxAbsDiff(wasm[k]!, cpu[k]!), k).toBeLessThanOrEqual(1e-4 * Math.max(scale, 1e-2));
    }
  });
});
