// Accurate float32 Sum and Mean for the wasm backend.
//
// The stock wasm kernels transpose the reduced axes innermost (a full copy) and then add float32
// values one by one. Instance norm at 256 px reduces 65,536 pixels per channel, and the gradient
// reaching z_encoded is a heavily cancelling spatial sum: accumulated in float32 it lands up to
// 5e-3 relative away from PyTorch (whose CPU sums are cascaded), enough to put E's gradients
// outside the official fixture's tolerance. Here every output accumulates in float64 and is
// rounded once, and reductions over a contiguous run of axes (instance norm [1,2], bias
// gradients [0,1,2], a full sum) read the input in place, with no transpose.
// Other dtypes and non-contiguous axis sets go to the stock kernel.
import * as tf from '@tensorflow/tfjs';
import { allocate, heapF32, heapIndex, type KernelArgs, type KernelFunc, type WasmBackend } from './wasm-heap.js';

interface ReduceAttrs {
  axis: number | number[];
  keepDims: boolean;
}

/** outer × reduced × inner view of `shape` when `axes` (sorted, unique) are contiguous. */
function contiguousSplit(shape: number[], axes: number[]): { outer: number; reduced: number; inner: number } | undefined {
  for (let i = 1; i < axes.length; i++) if (axes[i] !== axes[i - 1]! + 1) return undefined;
  const prod = (a: number, b: number): number => shape.slice(a, b).reduce((x, y) => x * y, 1);
  const first = axes[0]!;
  const last = axes.at(-1)!;
  return { outer: prod(0, first), reduced: prod(first, last + 1), inner: prod(last + 1, shape.length) };
}

/** Sum of x[o, r, i] over r, accumulated in float64 and divided by `divisor` (Mean: the count): out[o, i]. */
function reduceInto(heap: Float32Array, xAt: number, outAt: number, outer: number, reduced: number, inner: number, divisor: number): void {
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      let acc = 0;
      const base = xAt + o * reduced;
      for (let r = 0; r < reduced; r++) acc += heap[base + r]!;
      heap[outAt + o] = acc / divisor;
    }
    return;
  }
  // inner > 1 (a bias gradient: [N·H·W, C]): each output is a strided run. Four of them at a time
  // in scalar accumulators; a Float64Array accumulator per output, row by row, is 3-4x slower in V8.
  for (let o = 0; o < outer; o++) {
    const base = xAt + o * reduced * inner;
    const end = base + reduced * inner;
    const out = outAt + o * inner;
    let i = 0;
    for (; i + 4 <= inner; i += 4) {
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0; // prettier-ignore
      for (let at = base + i; at < end; at += inner) {
        a0 += heap[at]!;
        a1 += heap[at + 1]!;
        a2 += heap[at + 2]!;
        a3 += heap[at + 3]!;
      }
      heap[out + i] = a0 / divisor;
      heap[out + i + 1] = a1 / divisor;
      heap[out + i + 2] = a2 / divisor;
      heap[out + i + 3] = a3 / divisor;
    }
    for (; i < inner; i++) {
      let a = 0;
      for (let at = base + i; at < end; at += inner) a += heap[at]!;
      heap[out + i] = a / divisor;
    }
  }
}

/** A Sum or Mean kernel for wasm that reduces in float64 and falls back to `stock` where it cannot. */
export function makeAccurateReduceWasm(kind: 'Sum' | 'Mean', stock: KernelFunc): KernelFunc {
  return (args: KernelArgs): tf.TensorInfo => {
    const backend = args.backend as WasmBackend;
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as ReduceAttrs;
    const rank = x.shape.length;
    const axes = [...new Set(tf.util.parseAxisParam(axis, x.shape))].sort((a, b) => a - b);
    const split = x.dtype === 'float32' && axes.length > 0 ? contiguousSplit(x.shape, axes) : undefined;
    if (split === undefined) return stock(args);
    const outShape = keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
    const out = allocate(backend, rank === 0 ? [] : outShape);
    const heap = heapF32(backend); // after the allocation: the heap may have grown
    if (split.reduced === 0) heap.fill(kind === 'Mean' ? NaN : 0, heapIndex(backend, out), heapIndex(backend, out) + split.outer * split.inner);
    else reduceInto(heap, heapIndex(backend, x), heapIndex(backend, out), split.outer, split.reduced, split.inner, kind === 'Mean' ? split.reduced : 1);
    return out;
  };
}
