// The float64 forward conv for few output positions: exact dot products (one float32 rounding) on
// the shapes the U-Net's innermost levels have, with and without bias; convs with more positions
// stay on the stock XNNPACK kernel.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { FEW_POSITIONS } from './conv2d-few-positions-wasm.js';
import { registerWasmTrainingKernels } from './wasm-training-kernels.js';
import { randomArray } from './test-helpers.js';

beforeAll(async () => {
  registerWasmTrainingKernels();
  await tf.setBackend('wasm');
});

type Shape4 = [number, number, number, number];

/** float64 conv, NHWC / HWIO, explicit pads, summed channel-outermost (another order than the kernel's). */
function reference(x: Float32Array, xs: Shape4, w: Float32Array, ws: Shape4, stride: number, pad: number, dil: number, bias?: Float32Array): Float64Array {
  const [N, H, W, Ci] = xs;
  const [KH, KW, , Co] = ws;
  const Ho = Math.floor((H + 2 * pad - dil * (KH - 1) - 1) / stride) + 1;
  const Wo = Math.floor((W + 2 * pad - dil * (KW - 1) - 1) / stride) + 1;
  const y = new Float64Array(N * Ho * Wo * Co);
  for (let n = 0; n < N; n++) for (let oh = 0; oh < Ho; oh++) for (let ow = 0; ow < Wo; ow++) for (let co = 0; co < Co; co++) {
    let s = bias ? bias[co]! : 0;
    for (let ci = 0; ci < Ci; ci++) for (let kh = 0; kh < KH; kh++) for (let kw = 0; kw < KW; kw++) {
      const ih = oh * stride - pad + kh * dil;
      const iw = ow * stride - pad + kw * dil;
      if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
      s += x[((n * H + ih) * W + iw) * Ci + ci]! * w[((kh * KW + kw) * Ci + ci) * Co + co]!;
    }
    y[((n * Ho + oh) * Wo + ow) * Co + co] = s;
  }
  return y;
}

/** Largest distance in float32 ulps between the kernel's result and the rounded float64 reference. */
function maxUlps(got: Float32Array, ref: Float64Array): number {
  let m = 0;
  for (let i = 0; i < got.length; i++) {
    const r = Math.fround(ref[i]!);
    const ulp = Math.max(Math.abs(r) * 2 ** -23, 2 ** -149);
    m = Math.max(m, Math.abs(got[i]! - r) / ulp);
  }
  return m;
}

describe('forward conv with few output positions (float64)', () => {
  const cases: Array<{ name: string; xs: Shape4; ws: Shape4; stride: number; pad: number; dil: number }> = [
    { name: 'innermost 2×2 → 1×1, 4×4 stride 2 (U-Net, add_to_all nz 2)', xs: [1, 2, 2, 66], ws: [4, 4, 66, 64], stride: 2, pad: 1, dil: 1 },
    { name: '8×8 → 4×4, 16 positions', xs: [1, 8, 8, 66], ws: [4, 4, 66, 64], stride: 2, pad: 1, dil: 1 },
    { name: 'batch 2, 4×4 → 2×2', xs: [2, 4, 4, 24], ws: [4, 4, 24, 32], stride: 2, pad: 1, dil: 1 },
    { name: 'dilated 3×3, no padding', xs: [1, 6, 6, 5], ws: [3, 3, 5, 7], stride: 1, pad: 0, dil: 2 },
  ];
  for (const c of cases) {
    it(`${c.name}: within 1 ulp of the float64 result, with and without bias`, () => {
      const xv = randomArray(c.xs.reduce((a, b) => a * b), 1);
      const wv = randomArray(c.ws.reduce((a, b) => a * b), 2);
      const bv = randomArray(c.ws[3], 3);
      const x = tf.tensor4d(xv, c.xs);
      const w = tf.tensor4d(wv, c.ws);
      const b = tf.tensor1d(bv);
      const pads: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [c.pad, c.pad], [c.pad, c.pad], [0, 0]];
      const y = tf.conv2d(x, w, c.stride, pads, 'NHWC', c.dil);
      const yb = tf.fused.conv2d({ x, filter: w, strides: c.stride, pad: pads, dilations: c.dil, bias: b });
      expect(y.shape[0] * y.shape[1] * y.shape[2]).toBeLessThanOrEqual(FEW_POSITIONS);
      expect(maxUlps(y.dataSync() as Float32Array, reference(xv, c.xs, wv, c.ws, c.stride, c.pad, c.dil))).toBeLessThanOrEqual(1);
      expect(maxUlps(yb.dataSync() as Float32Array, reference(xv, c.xs, wv, c.ws, c.stride, c.pad, c.dil, bv))).toBeLessThanOrEqual(1);
      tf.dispose([x, w, b, y, yb]);
    });
  }

  it('keeps what float32 accumulation loses, and leaves convs with more positions to XNNPACK', () => {
    // per position: 1e8 + 1 − 1e8 over the three channels (a 1×1 conv with unit weights) = 1 exactly
    const conv = (positions: number): Float32Array => {
      const x = tf.tensor4d(Array.from({ length: positions }, () => [1e8, 1, -1e8]).flat(), [1, 1, positions, 3]);
      const w = tf.ones([1, 1, 3, 1]) as tf.Tensor4D;
      const y = tf.conv2d(x, w, 1, 'valid');
      const out = y.dataSync() as Float32Array;
      tf.dispose([x, w, y]);
      return out;
    };
    expect(Array.from(conv(FEW_POSITIONS))).toEqual(new Array(FEW_POSITIONS).fill(1));
    expect(Array.from(conv(FEW_POSITIONS + 1))).toEqual(new Array(FEW_POSITIONS + 1).fill(0)); // stock float32: 1e8 + 1 rounds back to 1e8
  });
});
