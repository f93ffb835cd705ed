// The zero-copy wasm Identity: a clone shares its source's buffer, outlives it, and the buffer is
// freed with the last reference; gradients that save tensors (every tf.grad) stay right.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from './wasm-training-kernels.js';
import type { WasmBackend } from './wasm-heap.js';

beforeAll(async () => {
  registerWasmTrainingKernels();
  await tf.setBackend('wasm');
});

describe('wasm Identity', () => {
  it('shares the buffer: a clone adds a reference, not a copy, and outlives its source', () => {
    const backend = tf.backend() as WasmBackend;
    const bytesBefore = tf.memory().numBytes;
    const x = tf.tensor1d([1, 2, 3, 4]);
    const y = tf.clone(x);
    expect(y.dataId).toBe(x.dataId);
    expect(backend.refCount(x.dataId)).toBe(2);
    x.dispose();
    expect(backend.refCount(y.dataId)).toBe(1);
    expect([...y.dataSync()]).toEqual([1, 2, 3, 4]);
    y.dispose();
    expect(backend.refCount(y.dataId)).toBe(0);
    expect(tf.memory().numBytes).toBe(bytesBefore);
  });

  it('gives the gradients that saved tensors imply (they are read-only)', () => {
    // d/dx Σ (x·w)² = 2·x·w², d/dw = 2·x²·w: tfjs saves x and w (clones) for Mul's gradient
    const [dx, dw] = tf.tidy(() => {
      const x = tf.tensor1d([1, -2, 3]);
      const w = tf.tensor1d([0.5, 4, -1]);
      return tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.mul(a, b))))([x, w]).map((g) => [...g.dataSync()]);
    });
    expect(dx).toEqual([0.5, -64, 6]);
    expect(dw).toEqual([1, 32, -18]);
  });
});
