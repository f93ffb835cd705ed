// Our float64-accumulating wasm Sum and Mean: exact shapes and values against a float64
// reference, the stock fallback where they do not apply, and the accuracy they exist for.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels, unregisterAccurateReductions } from './wasm-training-kernels.js';
import { randomArray } from './test-helpers.js';

beforeAll(async () => {
  registerWasmTrainingKernels();
  await tf.setBackend('wasm');
});
afterAll(() => {
  registerWasmTrainingKernels();
});

/** float64 reduction of `data` ([shape], row-major) over `axes`, as the flat output. */
function reference(data: Float32Array, shape: number[], axes: number[], mean: boolean): Float64Array {
  const outShape = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const out = new Float64Array(outShape.reduce((a, b) => a * b, 1));
  const idx = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < data.length; flat++) {
    let o = 0;
    for (let d = 0; d < shape.length; d++) o = o * outShape[d]! + (axes.includes(d) ? 0 : idx[d]!);
    out[o]! += data[flat]!;
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  const count = axes.reduce((a, d) => a * shape[d]!, 1);
  return mean ? out.map((v) => v / count) : out;
}

describe('wasm Sum and Mean (float64 accumulation)', () => {
  const cases: Array<[number[], number[], boolean]> = [
    [[2, 5, 6, 3], [1, 2], true], //   instance norm: per sample and channel over H×W
    [[2, 5, 6, 3], [0, 1, 2], false], // conv bias gradient
    [[2, 5, 6, 6], [0, 1, 2], false], // bias gradient: a group of four outputs and two leftovers
    [[4, 1, 1, 8], [1, 2], true], //   1×1 maps (innermost U-Net level)
    [[7], [0], false], //              a full sum
    [[3, 4], [1], true],
    [[2, 3, 4], [0, 2], false], //     not contiguous: the stock kernel
  ];
  it.each(cases)('shape %j over axes %j (keepDims %s) equals the float64 reduction rounded once', (shape, axes, keepDims) => {
    const data = randomArray(shape.reduce((a, b) => a * b, 1), shape.length * 7 + axes.length);
    for (const mean of [false, true]) {
      const out = tf.tidy(() => {
        const x = tf.tensor(data, shape);
        const r = mean ? tf.mean(x, axes, keepDims) : tf.sum(x, axes, keepDims);
        return { shape: r.shape, values: r.dataSync() as Float32Array };
      });
      const expectedShape = keepDims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
      expect(out.shape).toEqual(expectedShape);
      const ref = reference(data, shape, axes, mean);
      const contiguous = axes.every((a, i) => i === 0 || a === axes[i - 1]! + 1);
      for (let i = 0; i < ref.length; i++) {
        // ours: the correctly rounded float32 of the exact value; the stock fallback: float32 adds
        if (contiguous) expect(out.values[i]).toBe(Math.fround(ref[i]!));
        else expect(Math.abs(out.values[i]! - ref[i]!)).toBeLessThan(1e-5);
      }
    }
  });

  it('keeps int32 sums on the stock kernel (dtype int32)', () => {
    const r = tf.tidy(() => tf.sum(tf.tensor1d([1, 2, 3, 2_000_000_000], 'int32')));
    expect(r.dtype).toBe('int32');
    r.dispose();
  });

  it('is far more accurate than the stock float32 kernel on a cancelling sum over 65,536 pixels', () => {
    // The z_encoded gradient at 256 px: a spatial sum of an almost zero-mean map with an offset.
    const n = 256 * 256;
    const noise = randomArray(n, 3);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = 100 + noise[i]! - (i % 2 === 0 ? 100 : 100.0001);
    const exact = data.reduce((a, v) => a + v, 0); // float64
    const run = (): number => tf.tidy(() => tf.sum(tf.tensor4d(data, [1, 256, 256, 1]), [1, 2]).dataSync()[0]!);
    const ours = run();
    unregisterAccurateReductions();
    const stock = run();
    registerWasmTrainingKernels();
    expect(ours).toBe(Math.fround(exact));
    // the stock kernel's error is many float32 ulps of the result: what this kernel removes
    expect(Math.abs(stock - exact)).toBeGreaterThan(100 * Math.abs(ours - exact) + 1e-4);
  });
});
