// The fused wasm Adam update: PyTorch's formula, moments in place, a parameter that convolutions
// see updated (XNNPACK caches packed weights by tensor id), and the cases it leaves to tfjs ops.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from './wasm-training-kernels.js';
import { adamUpdateWasm, type AdamCoefficients } from './adam-update-wasm.js';
import { maxAbsDiff, onBackend, randomArray } from './test-helpers.js';

beforeAll(async () => {
  registerWasmTrainingKernels();
  await tf.setBackend('wasm');
});

const LR = 2e-4;
const B1 = 0.5;
const B2 = 0.999;
const EPS = 1e-8;
/** A variable that owns its buffer (its initial value disposed), as Adam's moments are made. */
const owned = (make: () => tf.Tensor): tf.Variable => tf.tidy(() => tf.variable(make()));
const coeffs = (t: number): AdamCoefficients => ({ beta1: B1, beta2: B2, eps: EPS, stepSize: LR / (1 - B1 ** t), biasCorrection2Sqrt: Math.sqrt(1 - B2 ** t) });

describe('adamUpdateWasm', () => {
  it('follows PyTorch 1.13 Adam over three steps (float64 reference), moments updated in place', () => {
    const n = 1000;
    const p0 = randomArray(n, 1).map((v) => v * 0.01);
    const grads = [2, 3, 4].map((s) => randomArray(n, s));
    const p = owned(() => tf.tensor1d(p0));
    const m = owned(() => tf.zeros([n]));
    const v = owned(() => tf.zeros([n]));
    const mId = m.dataId;
    const ref = { p: Float64Array.from(p0), m: new Float64Array(n), v: new Float64Array(n) };
    grads.forEach((g, s) => {
      const t = s + 1;
      tf.tidy(() => p.assign(adamUpdateWasm(p, m, v, tf.tensor1d(g), coeffs(t))!));
      for (let i = 0; i < n; i++) {
        ref.m[i] = B1 * ref.m[i]! + (1 - B1) * g[i]!;
        ref.v[i] = B2 * ref.v[i]! + (1 - B2) * g[i]! * g[i]!;
        const denom = Math.sqrt(ref.v[i]!) / Math.sqrt(1 - B2 ** t) + EPS;
        ref.p[i] = ref.p[i]! - (LR / (1 - B1 ** t)) * (ref.m[i]! / denom);
      }
    });
    expect(m.dataId).toBe(mId); // in place
    expect(maxAbsDiff(p.dataSync(), ref.p)).toBeLessThan(2e-9);
    expect(maxAbsDiff(m.dataSync(), ref.m)).toBeLessThan(1e-6);
    expect(maxAbsDiff(v.dataSync(), ref.v)).toBeLessThan(1e-7);
    tf.dispose([p, m, v]);
  });

  it('treats a missing gradient as zero', () => {
    const p = owned(() => tf.tensor1d([0.5, -0.5]));
    const m = owned(() => tf.tensor1d([0.1, -0.2]));
    const v = owned(() => tf.tensor1d([0.01, 0.04]));
    tf.tidy(() => p.assign(adamUpdateWasm(p, m, v, undefined, coeffs(2))!));
    expect(Array.from(m.dataSync())).toEqual([Math.fround(0.05), Math.fround(-0.1)]);
    const v1 = Math.fround(Math.fround(0.01) * Math.fround(B2));
    expect(v.dataSync()[0]).toBe(v1);
    tf.dispose([p, m, v]);
  });

  it('gives convolutions the updated filter (no stale XNNPACK packed weights)', async () => {
    const x = tf.tensor4d(randomArray(2 * 6 * 6 * 3, 5), [2, 6, 6, 3]);
    const w = owned(() => tf.tensor4d(randomArray(3 * 3 * 3 * 4, 6), [3, 3, 3, 4]));
    const m = owned(() => tf.zeros(w.shape));
    const v = owned(() => tf.zeros(w.shape));
    tf.tidy(() => tf.conv2d(x, w as tf.Tensor4D, 1, 'same').dataSync()); // caches the packed filter
    tf.tidy(() => w.assign(adamUpdateWasm(w, m, v, tf.onesLike(w), { ...coeffs(1), stepSize: 0.5 })!));
    const after = tf.tidy(() => tf.conv2d(x, w as tf.Tensor4D, 1, 'same').dataSync() as Float32Array);
    const xs = x.dataSync() as Float32Array;
    const ws = w.dataSync() as Float32Array;
    const cpu = await onBackend('cpu', () => tf.tidy(() => tf.conv2d(tf.tensor4d(xs, [2, 6, 6, 3]), tf.tensor4d(ws, [3, 3, 3, 4]), 1, 'same').dataSync() as Float32Array));
    expect(maxAbsDiff(after, cpu)).toBeLessThan(1e-4);
    tf.dispose([x, w, m, v]);
  });

  it('declines (undefined) when a moment shares its buffer, or on another backend', async () => {
    const p = owned(() => tf.ones([4]));
    const m = owned(() => tf.zeros([4]));
    const v = owned(() => tf.zeros([4]));
    const alias = tf.reshape(m, [2, 2]); // same buffer, refCount 2
    expect((tf.backend() as unknown as { refCount(id: object): number }).refCount(m.dataId)).toBe(2);
    expect(adamUpdateWasm(p, m, v, undefined, coeffs(1))).toBeUndefined();
    alias.dispose();
    await onBackend('cpu', () => {
      const q = tf.ones([4]);
      expect(adamUpdateWasm(q, tf.zeros([4]), tf.zeros([4]), undefined, coeffs(1))).toBeUndefined();
      q.dispose();
    });
    tf.dispose([p, m, v]);
  });
});
