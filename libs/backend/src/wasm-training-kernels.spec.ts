// Our wasm Conv2DBackpropFilter / Conv2DBackpropInput against the cpu backend's kernels.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from './wasm-training-kernels.js';
import { setMaxIm2colFloats } from './conv2d-backprop-filter-wasm.js';
import { SUBPIXEL_MIN_PIXELS } from './conv2d-backprop-input-wasm.js';
import { maxAbs, maxAbsDiff, onBackend, randomArray } from './test-helpers.js';

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

interface ConvCase {
  batch: number;
  size: [number, number];
  kernel: number;
  stride: number;
  pad: Pad;
  inC: number;
  outC: number;
}

/** Absolute tolerance; float32 sums of a few hundred products stay well inside it at these scales. */
const TOL = 1e-4;

/** Runs both backprop kernels on the current backend for one case; inputs are plain arrays. */
function backprops(c: ConvCase, xData: Float32Array, wData: Float32Array, dyData: Float32Array, outShape: number[]) {
  const xShape: [number, number, number, number] = [c.batch, c.size[0], c.size[1], c.inC];
  const fShape: [number, number, number, number] = [c.kernel, c.kernel, c.inC, c.outC];
  return tf.tidy(() => {
    const x = tf.tensor4d(xData, xShape);
    const w = tf.tensor4d(wData, fShape);
    const dy = tf.tensor(dyData, outShape);
    const attrs = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: 'floor' };
    const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: fShape }) as tf.Tensor;
    const dx = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: xShape }) as tf.Tensor;
    return { dw: dw.dataSync() as Float32Array, dx: dx.dataSync() as Float32Array };
  });
}

async function compareCase(c: ConvCase, seed: number) {
  const xShape = [c.batch, c.size[0], c.size[1], c.inC];
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    [c.kernel, c.kernel, c.inC, c.outC],
    c.stride,
    1,
    c.pad,
    'floor',
  );
  const xData = randomArray(xShape.reduce((a, b) => a * b), seed);
  const wData = randomArray(c.kernel * c.kernel * c.inC * c.outC, seed + 1);
  const dyData = randomArray(info.outShape.reduce((a, b) => a * b), seed + 2);
  const wasm = await onBackend('wasm', () => backprops(c, xData, wData, dyData, info.outShape));
  const cpu = await onBackend('cpu', () => backprops(c, xData, wData, dyData, info.outShape));
  return {
    dwErr: maxAbsDiff(wasm.dw, cpu.dw),
    dxErr: maxAbsDiff(wasm.dx, cpu.dx),
    scale: Math.max(maxAbs(cpu.dw), maxAbs(cpu.dx)),
    dyPixels: info.outShape[0] * info.outShape[1] * info.outShape[2],
  };
}

// The matrix: stride 1/2 × kernel 3/4 × same/valid/explicit × odd/even size × batch 1/4.
// Sizes 11/12 keep N·Ho·Wo ≥ 32 so the sub-pixel path (not the stock fallback) is what runs.
const pads: Array<[string, Pad]> = [
  ['same', 'same'],
  ['valid', 'valid'],
  ['explicit', [[0, 0], [1, 2], [2, 0], [0, 0]]],
];
const matrix: Array<[string, ConvCase]> = [];
for (const stride of [1, 2]) {
  for (const kernel of [3, 4]) {
    for (const [padName, pad] of pads) {
      for (const size of [11, 12]) {
        for (const batch of [1, 4]) {
          matrix.push([
            `s${stride} k${kernel} ${padName} ${size}px batch ${batch}`,
            { batch, size: [size, size], kernel, stride, pad, inC: 5, outC: 7 },
          ]);
        }
      }
    }
  }
}

describe('registration', () => {
  it('happens on import, replaces the stock Conv2DBackpropInput, and is idempotent', () => {
    // This file imported ./wasm-training-kernels.js but has not called anything yet.
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    const fast = tf.getKernel('Conv2DBackpropInput', 'wasm').kernelFunc;
    registerWasmTrainingKernels();
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm').kernelFunc).toBe(fast);
  });
});

describe('wasm training kernels vs the cpu backend', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    registerWasmTrainingKernels();
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each(matrix)('%s', async (_name, c) => {
    const r = await compareCase(c, 7);
    expect(r.scale).toBeGreaterThan(1); // values are not trivially small
    expect(r.dwErr).toBeLessThanOrEqual(TOL);
    expect(r.dxErr).toBeLessThanOrEqual(TOL);
  });

  it.each<[string, ConvCase]>([
    ['non-square input, numeric pad 1', { batch: 2, size: [9, 14], kernel: 3, stride: 2, pad: 1, inC: 3, outC: 4 }],
    ['wide channels (interleave by block copy)', { batch: 1, size: [12, 12], kernel: 4, stride: 2, pad: 'same', inC: 24, outC: 20 }],
    ['stride 3, kernel 4', { batch: 2, size: [13, 13], kernel: 4, stride: 3, pad: 'same', inC: 3, outC: 5 }],
    ['kernel smaller than stride (stock fallback)', { batch: 2, size: [12, 12], kernel: 1, stride: 2, pad: 'valid', inC: 4, outC: 6 }],
    ['pix2pix up-layer shape', { batch: 2, size: [16, 16], kernel: 4, stride: 2, pad: [[0, 0], [1, 1], [1, 1], [0, 0]], inC: 8, outC: 16 }],
  ])('%s', async (_name, c) => {
    const r = await compareCase(c, 11);
    expect(r.dwErr).toBeLessThanOrEqual(TOL);
    expect(r.dxErr).toBeLessThanOrEqual(TOL);
  });

  it('tiny maps fall back to the stock kernel and stay correct', async () => {
    const c: ConvCase = { batch: 1, size: [6, 6], kernel: 4, stride: 2, pad: 'same', inC: 3, outC: 5 };
    const r = await compareCase(c, 3);
    expect(r.dyPixels).toBeLessThan(SUBPIXEL_MIN_PIXELS);
    expect(r.dxErr).toBeLessThanOrEqual(TOL);
  });

  it('splits a large im2col into chunks without changing the result', async () => {
    const c: ConvCase = { batch: 4, size: [12, 12], kernel: 3, stride: 1, pad: 'same', inC: 6, outC: 5 };
    const whole = await compareCase(c, 5);
    const old = setMaxIm2colFloats(3 * 3 * 6 * 12 * 5); // 5 rows of 12 px per chunk: 10 chunks, the last partial
    try {
      const chunked = await compareCase(c, 5);
      expect(chunked.dwErr).toBeLessThanOrEqual(TOL);
      expect(chunked.dwErr).toBeLessThanOrEqual(whole.dwErr + 1e-5);
    } finally {
      setMaxIm2colFloats(old);
    }
  });

  it('leaves no tensors or wasm heap buffers behind', async () => {
    await tf.setBackend('wasm');
    const c: ConvCase = { batch: 2, size: [12, 12], kernel: 4, stride: 2, pad: 'same', inC: 4, outC: 6 };
    const run = () => backprops(c, randomArray(2 * 12 * 12 * 4, 1), randomArray(4 * 4 * 4 * 6, 2), randomArray(2 * 6 * 6 * 6, 3), [2, 6, 6, 6]);
    run();
    const tensors = tf.memory().numTensors;
    const buffers = tf.backend().numDataIds();
    for (let i = 0; i < 3; i++) run();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.backend().numDataIds()).toBe(buffers);
  });
});

describe('wasm UnsortedSegmentSum (the gather gradient) vs the cpu backend', () => {
  it('gives cpu gradients through tf.gather on axis 0 and 1, with repeated indices', async () => {
    const xData = randomArray(5 * 4 * 3, 21);
    const grads = () =>
      tf.tidy(() => {
        const x = tf.tensor3d(xData, [5, 4, 3]);
        const f = (t: tf.Tensor) =>
          tf.gather(t, tf.tensor1d([4, 0, 4, 2], 'int32'), 0).square().sum()
            .add(tf.gather(t, tf.tensor1d([3, 3, 1], 'int32'), 1).mul(2).sum()) as tf.Scalar;
        return tf.grad(f)(x).dataSync() as Float32Array;
      });
    const wasm = await onBackend('wasm', grads);
    const cpu = await onBackend('cpu', grads);
    expect(maxAbs(cpu)).toBeGreaterThan(1);
    expect(maxAbsDiff(wasm, cpu)).toBeLessThanOrEqual(TOL);
  });

  it('sums int32 rows and drops ids outside [0, numSegments) like cpu', async () => {
    const run = () =>
      tf.tidy(() =>
        Array.from(
          tf.unsortedSegmentSum(tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2], 'int32'), tf.tensor1d([2, -1, 2, 5], 'int32'), 3).dataSync(),
        ),
      );
    const wasm = await onBackend('wasm', run);
    expect(wasm).toEqual([0, 0, 0, 0, 6, 8]);
    expect(wasm).toEqual(await onBackend('cpu', run));
  });
});
