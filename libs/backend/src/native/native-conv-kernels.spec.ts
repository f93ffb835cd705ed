// The wasm backend's convs on onnxruntime: the same values and gradients as the XNNPACK path, on
// every route (ORT Conv graph, im2col + ORT Gemm, left to wasm), with the native path proven to run.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forceNativeConvRoute, initBackend, nativeConvCalls, ortRuntime, setNativeConvs } from '../index.js'; // the library entry registers the wasm kernels
import { nativeRoute } from './native-conv-kernels.js';
import { randomArray } from '../test-helpers.js';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
interface Case {
  name: string;
  x: [number, number, number, number];
  w: [number, number, number, number];
  stride: number;
  pad: Pad;
  transpose: boolean;
  bias: boolean;
}

/** The case's x, W and b, made once: tf.randomNormal (JS Box-Muller) took seconds for a 4M-weight W. */
function caseData(c: Case): { x: Float32Array; w: Float32Array; b: Float32Array } {
  const count = (s: number[]): number => s.reduce((a, v) => a * v, 1);
  return {
    x: randomArray(count(c.x), 1),
    w: randomArray(count(c.w), 2).map((v) => 0.1 * v),
    b: randomArray(c.transpose ? c.w[2] : c.w[3], 3).map((v) => 0.1 * v),
  };
}

/** y, dx, dW (and db) of sum(conv(x, W)²), on whichever conv path is switched on. */
function convAndGrads(c: Case, data: { x: Float32Array; w: Float32Array; b: Float32Array }): Float32Array[] {
  // The tensors leave tidy and are read after it: tidy walks a returned typed array key by key
  // looking for tensors (seconds for a 4M-weight dW).
  const out = tf.tidy(() => {
    const x = tf.tensor4d(data.x, c.x); // [N,H,W,C]
    const w = tf.tensor4d(data.w, c.w); // [kh,kw,in,out] (conv2dTranspose: [kh,kw,out,in])
    const b = tf.tensor1d(data.b);
    const f = (x: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor1D): tf.Tensor4D => {
      if (c.transpose) return tf.conv2dTranspose(x, w, [c.x[0], c.x[1] * c.stride, c.x[2] * c.stride, c.w[2]], c.stride, c.pad as 'same');
      return c.bias ? tf.fused.conv2d({ x, filter: w, strides: c.stride, pad: c.pad, bias: b }) : tf.conv2d(x, w, c.stride, c.pad);
    };
    const y = f(x, w, b);
    const loss = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Scalar => f(x as tf.Tensor4D, w as tf.Tensor4D, b as tf.Tensor1D).square().sum();
    const g = c.bias ? tf.grads(loss)([x, w, b]) : tf.grads((x: tf.Tensor, w: tf.Tensor) => loss(x, w, b))([x, w]);
    return [y, ...g];
  });
  const values = out.map((t) => t.dataSync() as Float32Array);
  tf.dispose(out);
  return values;
}

const totalCalls = (): number => [...nativeConvCalls().values()].reduce((a, b) => a + b, 0);

const CASES: Case[] = [
  // many positions (under the rule, their gradients run as ORT Conv / ConvTranspose graphs)
  { name: 'U-Net down conv, explicit pad, bias', x: [2, 64, 64, 16], w: [4, 4, 16, 32], stride: 2, pad: [[0, 0], [1, 1], [1, 1], [0, 0]], transpose: false, bias: true },
  { name: "stride 2 'same' on an odd size", x: [2, 65, 65, 16], w: [3, 3, 16, 32], stride: 2, pad: 'same', transpose: false, bias: false },
  { name: "stride 2 'valid' that never reads the last row (the filter gradient slices)", x: [2, 66, 66, 16], w: [3, 3, 16, 32], stride: 2, pad: 'valid', transpose: false, bias: false },
  { name: 'U-Net up conv (conv2dTranspose)', x: [8, 16, 16, 32], w: [4, 4, 16, 32], stride: 2, pad: 'same', transpose: true, bias: false },
  { name: "ResNet block 3×3 stride 1 'valid'", x: [2, 34, 34, 32], w: [3, 3, 32, 32], stride: 1, pad: 'valid', transpose: false, bias: true },
  // few positions, big filters (im2col + ORT Gemm throughout)
  { name: 'innermost down conv', x: [1, 8, 8, 256], w: [4, 4, 256, 512], stride: 2, pad: 'same', transpose: false, bias: true },
  { name: 'innermost up conv', x: [1, 4, 4, 256], w: [4, 4, 128, 256], stride: 2, pad: 'same', transpose: true, bias: false },
  { name: '2×2 → 1×1 conv', x: [2, 2, 2, 512], w: [4, 4, 512, 512], stride: 2, pad: [[0, 0], [1, 1], [1, 1], [0, 0]], transpose: false, bias: false },
  { name: '1×1 conv', x: [1, 8, 8, 256], w: [1, 1, 256, 256], stride: 1, pad: 'valid', transpose: false, bias: true },
];

describe('convs on onnxruntime (wasm backend)', () => {
  beforeAll(async () => {
    await initBackend({ force: 'wasm' });
  });
  afterAll(() => {
    setNativeConvs(true);
  });

  it('onnxruntime-node is installed with the workspace and switches on with the wasm backend', () => {
    // an optional dependency, but part of the lockfile: a fresh `npm ci` on linux-x64 has it
    expect(ortRuntime()?.version).toMatch(/^\d+\.\d+\.\d+$/);
    const status = setNativeConvs(true);
    expect(status.on).toBe(true);
    expect(status.detail).toMatch(/onnxruntime-node .* 1 thread/);
  });

  // each case on the route the rule picks, then forced onto the other two native routes, so that
  // every route stays correct whatever the rule's thresholds
  const ROUTED = CASES.flatMap((c) => (['rule', 'conv', 'gemm'] as const).map((route) => ({ ...c, route })));
  it.each(ROUTED)('$name ($route): values and gradients equal the XNNPACK path', (c) => {
    const data = caseData(c);
    setNativeConvs(false);
    const ref = convAndGrads(c, data);
    expect(totalCalls()).toBe(0);
    setNativeConvs(true);
    forceNativeConvRoute(c.route === 'rule' ? undefined : c.route);
    const got = convAndGrads(c, data);
    // forward + the three gradient kernels of a conv: each one went to ORT
    expect(totalCalls()).toBeGreaterThanOrEqual(3);
    for (let i = 0; i < ref.length; i++) {
      const r = ref[i]!;
      const g = got[i]!;
      expect(g.length).toBe(r.length);
      let maxErr = 0;
      let scale = 0;
      for (let j = 0; j < r.length; j++) {
        maxErr = Math.max(maxErr, Math.abs(r[j]! - g[j]!));
        scale = Math.max(scale, Math.abs(r[j]!));
      }
      expect(scale).toBeGreaterThan(0);
      // float32 sums in another order: ~1e-6 of the largest value; a wrong tap or pad is O(1)
      expect(maxErr / scale).toBeLessThan(2e-5);
    }
  });

  it('routes by shape: forwards on the GEMM; gradients on it while positions ≤ 8× (filter 32×) output channels, ORT conv beyond; wasm for tiny convs', () => {
    const info = (x: [number, number, number, number], w: [number, number, number, number], s: number) =>
      tf.backend_util.computeConv2DInfo(x, w, s, 1, 'same', undefined, false, 'channelsLast');
    expect(nativeRoute('forward', info([1, 128, 128, 64], [4, 4, 64, 128], 2))).toBe('gemm');
    expect(nativeRoute('forward', info([1, 256, 256, 3], [4, 4, 3, 64], 2))).toBe('gemm');
    expect(nativeRoute('forward', info([2, 8, 8, 16], [4, 4, 16, 32], 2))).toBe('wasm'); // < 2^20 multiply-adds
    expect(nativeRoute('forward', tf.backend_util.computeConv2DInfo([1, 64, 64, 64], [3, 3, 64, 64], 1, 2, 'same', undefined, false, 'channelsLast'))).toBe('wasm'); // dilated: no GEMM
    expect(nativeRoute('input-gradient', info([1, 16, 16, 512], [4, 4, 512, 1024], 2))).toBe('gemm'); // 64 positions
    expect(nativeRoute('input-gradient', info([1, 128, 128, 64], [4, 4, 64, 128], 2))).toBe('conv'); // 4096 > 8·128
    expect(nativeRoute('filter-gradient', info([1, 128, 128, 64], [4, 4, 64, 128], 2))).toBe('gemm'); // 4096 ≤ 32·128
    expect(nativeRoute('filter-gradient', info([1, 128, 128, 64], [3, 3, 64, 64], 1))).toBe('conv'); // 16384 > 32·64
    expect(nativeRoute('filter-gradient', info([1, 128, 128, 64], [1, 1, 64, 64], 1))).toBe('gemm'); // 1×1 kernel
    // an im2col beyond 64 MiB of the wasm heap: the conv graph (ORT's temporaries live outside it)
    expect(nativeRoute('forward', info([8, 128, 128, 64], [3, 3, 64, 64], 1))).toBe('conv'); // 131072 × 576 floats
    expect(nativeRoute('forward', info([1, 128, 128, 64], [3, 3, 64, 64], 1))).toBe('gemm'); // 16384 × 576
    // the boundary itself: 8·Co positions still take the GEMM
    expect(nativeRoute('input-gradient', info([2, 32, 32, 16], [4, 4, 16, 64], 2))).toBe('gemm'); // 512 = 8·64
    expect(nativeRoute('input-gradient', info([2, 32, 32, 16], [4, 4, 16, 63], 2))).toBe('conv'); // 512 > 8·63
  });

  it('WORKBENCH_NATIVE_THREADS sets onnxruntime\'s threads; a bad value is an error that names it', async () => {
    try {
      process.env['WORKBENCH_NATIVE_THREADS'] = '2';
      const info = await initBackend({ force: 'wasm' });
      expect(info.details['native convs']).toMatch(/onnxruntime-node .*, 2 threads$/);
      process.env['WORKBENCH_NATIVE_THREADS'] = 'two';
      await expect(initBackend({ force: 'wasm' })).rejects.toThrow(/WORKBENCH_NATIVE_THREADS='two': give a whole number of threads >= 1/);
    } finally {
      delete process.env['WORKBENCH_NATIVE_THREADS'];
    }
    const info = await initBackend({ force: 'wasm' });
    expect(info.details['native convs']).toMatch(/, 1 thread$/);
  });

  it('WORKBENCH_NATIVE_CONV=0 keeps every conv in wasm, and says so', () => {
    process.env['WORKBENCH_NATIVE_CONV'] = '0';
    try {
      const status = setNativeConvs(true);
      expect(status.on).toBe(false);
      expect(status.detail).toContain('WORKBENCH_NATIVE_CONV=0');
      convAndGrads(CASES[0]!, caseData(CASES[0]!));
      expect(totalCalls()).toBe(0);
    } finally {
      delete process.env['WORKBENCH_NATIVE_CONV'];
    }
  });
});
