// The fused wasm kernels against references: instance norm forward and backward against float64
// formulas, LeakyReLU and its gradient, and the run-copy Concat / SplitV bit for bit.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { INSTANCE_NORM_GRAD_KERNEL, INSTANCE_NORM_KERNEL, LEAKY_RELU_GRAD_KERNEL } from './fused-kernel-names.js';
import { registerWasmTrainingKernels } from './wasm-training-kernels.js';
import { maxAbsDiff, onBackend, randomArray } from './test-helpers.js';

beforeAll(async () => {
  registerWasmTrainingKernels();
  await tf.setBackend('wasm');
});

const EPS = 1e-5;

/** float64 instance norm of x [n,hw,c] (flat): y, rstd and, given dy, dx. */
function reference(x: Float32Array, dy: Float32Array, n: number, hw: number, c: number): { y: Float64Array; rstd: Float64Array; dx: Float64Array } {
  const y = new Float64Array(x.length);
  const dx = new Float64Array(x.length);
  const rstd = new Float64Array(n * c);
  for (let s = 0; s < n; s++) {
    for (let ch = 0; ch < c; ch++) {
      const at = (p: number): number => (s * hw + p) * c + ch;
      let m = 0;
      for (let p = 0; p < hw; p++) m += x[at(p)]!;
      m /= hw;
      let v = 0;
      for (let p = 0; p < hw; p++) v += (x[at(p)]! - m) ** 2;
      const r = 1 / Math.sqrt(v / hw + EPS);
      rstd[s * c + ch] = r;
      let mdy = 0;
      let mdyy = 0;
      for (let p = 0; p < hw; p++) {
        y[at(p)] = (x[at(p)]! - m) * r;
        mdy += dy[at(p)]! / hw;
        mdyy += (dy[at(p)]! * y[at(p)]!) / hw;
      }
      for (let p = 0; p < hw; p++) dx[at(p)] = r * (dy[at(p)]! - mdy - y[at(p)]! * mdyy);
    }
  }
  return { y, rstd, dx };
}

describe('fused instance norm (wasm)', () => {
  it.each([
    [2, 5, 6, 3], //   channels one at a time
    [2, 3, 4, 6], //   a group of four and two leftovers
    [1, 16, 16, 32], // a U-Net level
    [3, 1, 1, 4], //    1×1 maps: y = 0, rstd = 1/√eps
  ])('[%i,%i,%i,%i]: y, rstd and dx are the float64 values rounded to float32', (n, h, w, c) => {
    const size = n * h * w * c;
    const x = randomArray(size, size + 1).map((v, i) => 3 * v + (i % c)); // per-channel offsets, as activations have
    const dy = randomArray(size, size + 2);
    const ref = reference(x, dy, n, h * w, c);
    const [y, rstd, dx] = tf.tidy(() => {
      const [yy, rr] = tf.engine().runKernel(INSTANCE_NORM_KERNEL, { x: tf.tensor4d(x, [n, h, w, c]) }, { eps: EPS }) as tf.Tensor[];
      const g = tf.engine().runKernel(INSTANCE_NORM_GRAD_KERNEL, { dy: tf.tensor4d(dy, [n, h, w, c]), y: yy!, rstd: rr! }, {}) as tf.Tensor;
      expect(rr!.shape).toEqual([n, 1, 1, c]);
      return [yy!.dataSync(), rr!.dataSync(), g.dataSync()];
    });
    // float64 inside, one float32 rounding per output (the backward reads the rounded y and rstd)
    expect(maxAbsDiff(y!, ref.y)).toBeLessThan(1e-6);
    expect(maxAbsDiff(rstd!, ref.rstd)).toBeLessThanOrEqual(Math.max(...ref.rstd) * 2 ** -24);
    expect(maxAbsDiff(dx!, ref.dx)).toBeLessThan(1e-5 * Math.max(...ref.rstd));
  });
});

describe('LeakyReLU and its gradient (wasm)', () => {
  it('equals tfjs where(x > 0, dy, 0.2·dy) on cpu bit for bit, zeros and negatives included', async () => {
    const x = randomArray(1000, 5).map((v, i) => (i % 7 === 0 ? 0 : v));
    const dy = randomArray(1000, 6);
    const ours = tf.tidy(() => (tf.engine().runKernel(LEAKY_RELU_GRAD_KERNEL, { dy: tf.tensor1d(dy), x: tf.tensor1d(x) }, { alpha: 0.2 }) as tf.Tensor).dataSync());
    const stock = await onBackend('cpu', () => tf.tidy(() => tf.grad((t: tf.Tensor) => tf.leakyRelu(t, 0.2))(tf.tensor1d(x), tf.tensor1d(dy)).dataSync()));
    expect(Array.from(ours)).toEqual(Array.from(stock));
  });

  it('the forward is float32 x·0.2 for x ≤ 0, as the stock wasm kernel and PyTorch (the cpu backend multiplies by the float64 0.2)', () => {
    const x = randomArray(1000, 7).map((v, i) => (i % 5 === 0 ? 0 : v));
    const ours = tf.tidy(() => Array.from(tf.leakyRelu(tf.tensor1d(x), 0.2).dataSync()));
    const expected = Array.from(x, (v) => (v > 0 ? v : Math.fround(v * Math.fround(0.2))));
    expect(ours.some((v, i) => v !== x[i])).toBe(true); // negatives were scaled
    expect(ours).toEqual(expected);
  });
});

describe('Concat and SplitV (wasm run copies)', () => {
  const cases: Array<[number[][], number]> = [
    [[[2, 4, 4, 16], [2, 4, 4, 8]], 3], //   U-Net skip + tiled z: short runs (loop)
    [[[1, 3, 3, 80], [1, 3, 3, 100], [1, 3, 3, 1]], -1], // long runs (copyWithin), negative axis
    [[[2, 3, 5], [2, 1, 5]], 1],
    [[[3, 2], [4, 2]], 0],
  ];
  it.each(cases)('%j along axis %i equals the cpu kernels bit for bit, and splits back', async (shapes, axis) => {
    const parts = shapes.map((s, i) => randomArray(s.reduce((a, b) => a * b, 1), 10 + i));
    const run = (): { joined: number[]; shape: number[]; split: number[][] } =>
      tf.tidy(() => {
        const ts = parts.map((p, i) => tf.tensor(p, shapes[i]));
        const joined = tf.concat(ts, axis);
        const ax = axis < 0 ? shapes[0]!.length + axis : axis;
        const split = tf.split(joined, shapes.map((s) => s[ax]!), axis);
        return { joined: Array.from(joined.dataSync()), shape: joined.shape, split: split.map((t) => Array.from(t.dataSync())) };
      });
    const ours = run();
    const stock = await onBackend('cpu', run);
    expect(ours.shape).toEqual(stock.shape);
    expect(ours.joined).toEqual(stock.joined);
    expect(ours.split).toEqual(parts.map((p) => Array.from(p)));
  });

  it('leaves int32 concat to the stock kernel', () => {
    const r = tf.tidy(() => tf.concat([tf.tensor2d([[1, 2]], [1, 2], 'int32'), tf.tensor2d([[2_000_000_001, 4]], [1, 2], 'int32')], 1).arraySync());
    expect(r).toEqual([[1, 2, 2_000_000_001, 4]]);
  });
});
