// Instance norm as one wasm-heap kernel each way. Composed from tfjs ops it costs seven kernels
// forward and seven backward (about 10 % of a 128 px step), each a full pass over the activation;
// here the forward reads x twice and writes y once, the backward reads dy and y twice and writes
// dx once. Statistics accumulate in float64 (see reduce-wasm.ts for why float32 sums drift).
import type * as tf from '@tensorflow/tfjs';
import { allocate, heapF32, heapIndex, type KernelArgs, type WasmBackend } from './wasm-heap.js';

function dims(t: tf.TensorInfo): { n: number; hw: number; c: number } {
  if (t.shape.length !== 4 || t.dtype !== 'float32') throw new Error(`instance norm takes a float32 [N,H,W,C] tensor, got ${t.dtype} [${t.shape.join(',')}]`);
  const [n, h, w, c] = t.shape as [number, number, number, number];
  return { n, hw: h * w, c };
}

// Layout: channels last, so one channel is a strided run through the sample. Each loop walks four
// channels at once with scalar accumulators (a Float64Array accumulator per channel, pixel by
// pixel, measured 3-4x slower in V8); leftover channels go one at a time.

/** x [N,H,W,C] -> y = (x − mean)·rstd [N,H,W,C] and rstd = 1/√(var + eps) [N,1,1,C] (biased variance over H×W). */
export function instanceNormWasm(args: KernelArgs): tf.TensorInfo[] {
  const backend = args.backend as WasmBackend;
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { eps } = args.attrs as { eps: number };
  const { n, hw, c } = dims(x);
  const y = allocate(backend, x.shape);
  const rstd = allocate(backend, [n, 1, 1, c]);
  const heap = heapF32(backend); // after the allocations: the heap may have grown
  const xAt = heapIndex(backend, x);
  const yAt = heapIndex(backend, y);
  const rAt = heapIndex(backend, rstd);
  for (let s = 0; s < n; s++) {
    let ch = 0;
    for (; ch + 4 <= c; ch += 4) {
      const x0 = xAt + s * hw * c + ch;
      const end = x0 + hw * c;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0; // prettier-ignore
      for (let i = x0; i < end; i += c) {
        a0 += heap[i]!;
        a1 += heap[i + 1]!;
        a2 += heap[i + 2]!;
        a3 += heap[i + 3]!;
      }
      const m0 = a0 / hw, m1 = a1 / hw, m2 = a2 / hw, m3 = a3 / hw; // prettier-ignore
      let v0 = 0, v1 = 0, v2 = 0, v3 = 0; // prettier-ignore
      for (let i = x0; i < end; i += c) {
        const d0 = heap[i]! - m0, d1 = heap[i + 1]! - m1, d2 = heap[i + 2]! - m2, d3 = heap[i + 3]! - m3; // prettier-ignore
        v0 += d0 * d0;
        v1 += d1 * d1;
        v2 += d2 * d2;
        v3 += d3 * d3;
      }
      const r0 = 1 / Math.sqrt(v0 / hw + eps), r1 = 1 / Math.sqrt(v1 / hw + eps), r2 = 1 / Math.sqrt(v2 / hw + eps), r3 = 1 / Math.sqrt(v3 / hw + eps); // prettier-ignore
      for (let i = x0, j = yAt - xAt + x0; i < end; i += c, j += c) {
        heap[j] = (heap[i]! - m0) * r0;
        heap[j + 1] = (heap[i + 1]! - m1) * r1;
        heap[j + 2] = (heap[i + 2]! - m2) * r2;
        heap[j + 3] = (heap[i + 3]! - m3) * r3;
      }
      heap.set([r0, r1, r2, r3], rAt + s * c + ch);
    }
    for (; ch < c; ch++) {
      const x0 = xAt + s * hw * c + ch;
      const end = x0 + hw * c;
      let a = 0;
      for (let i = x0; i < end; i += c) a += heap[i]!;
      const m = a / hw;
      let v = 0;
      for (let i = x0; i < end; i += c) v += (heap[i]! - m) ** 2;
      const r = 1 / Math.sqrt(v / hw + eps);
      for (let i = x0, j = yAt - xAt + x0; i < end; i += c, j += c) heap[j] = (heap[i]! - m) * r;
      heap[rAt + s * c + ch] = r;
    }
  }
  return [y, rstd];
}

/** { dy, y, rstd } -> dx = rstd·(dy − mean(dy) − y·mean(dy·y)) [N,H,W,C], PyTorch's own backward. */
export function instanceNormGradWasm(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as WasmBackend;
  const { dy, y, rstd } = args.inputs as { dy: tf.TensorInfo; y: tf.TensorInfo; rstd: tf.TensorInfo };
  const { n, hw, c } = dims(dy);
  const dx = allocate(backend, dy.shape);
  const heap = heapF32(backend);
  const dyAt = heapIndex(backend, dy);
  const yOff = heapIndex(backend, y) - dyAt; // y, dx: at the same element offsets as dy
  const dxOff = heapIndex(backend, dx) - dyAt;
  const rAt = heapIndex(backend, rstd);
  for (let s = 0; s < n; s++) {
    let ch = 0;
    for (; ch + 4 <= c; ch += 4) {
      const g0 = dyAt + s * hw * c + ch;
      const end = g0 + hw * c;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0; // prettier-ignore
      for (let i = g0; i < end; i += c) {
        const j = i + yOff;
        a0 += heap[i]!;
        a1 += heap[i + 1]!;
        a2 += heap[i + 2]!;
        a3 += heap[i + 3]!;
        b0 += heap[i]! * heap[j]!;
        b1 += heap[i + 1]! * heap[j + 1]!;
        b2 += heap[i + 2]! * heap[j + 2]!;
        b3 += heap[i + 3]! * heap[j + 3]!;
      }
      const r = rAt + s * c + ch;
      const r0 = heap[r]!, r1 = heap[r + 1]!, r2 = heap[r + 2]!, r3 = heap[r + 3]!; // prettier-ignore
      a0 /= hw; a1 /= hw; a2 /= hw; a3 /= hw; b0 /= hw; b1 /= hw; b2 /= hw; b3 /= hw; // prettier-ignore
      for (let i = g0; i < end; i += c) {
        const j = i + yOff;
        const k = i + dxOff;
        heap[k] = r0 * (heap[i]! - a0 - heap[j]! * b0);
        heap[k + 1] = r1 * (heap[i + 1]! - a1 - heap[j + 1]! * b1);
        heap[k + 2] = r2 * (heap[i + 2]! - a2 - heap[j + 2]! * b2);
        heap[k + 3] = r3 * (heap[i + 3]! - a3 - heap[j + 3]! * b3);
      }
    }
    for (; ch < c; ch++) {
      const g0 = dyAt + s * hw * c + ch;
      const end = g0 + hw * c;
      let a = 0;
      let b = 0;
      for (let i = g0; i < end; i += c) {
        a += heap[i]!;
        b += heap[i]! * heap[i + yOff]!;
      }
      a /= hw;
      b /= hw;
      const r = heap[rAt + s * c + ch]!;
      for (let i = g0; i < end; i += c) heap[i + dxOff] = r * (heap[i]! - a - heap[i + yOff]! * b);
    }
  }
  return dx;
}
