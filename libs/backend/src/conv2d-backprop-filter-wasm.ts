// Conv2DBackpropFilter for the wasm backend, which ships none (so conv weights cannot train there).
//
// dW[kh,kw,ci,co] = Σ_{n,oh,ow} x[n, oh·s−padT+kh, ow·s−padL+kw, ci] · dy[n,oh,ow,co]
// which is one matrix product  dW[K,Co] = cols[K,P] · dy[P,Co]  with K = kh·kw·Ci, P = N·Ho·Wo and
// cols the transposed im2col of x. We write cols straight into the wasm heap and let the stock
// BatchMatMul kernel run it: with a, b untransposed and batch 1 it goes to XNNPACK's GEMM.
// (Composing the same from Transpose/Pad/StridedSlice kernels was 5–10× slower.)
import * as tf from '@tensorflow/tfjs';
import { channelsLastConvInfo, type ConvGradAttrs } from './conv-grad-info.js';
import { fillTransposedIm2col, im2colGeometry } from './im2col.js';
import { allocate, heapF32, heapIndex, release, runWasmKernel, type KernelArgs, type WasmBackend } from './wasm-heap.js';

/** Upper bound on the im2col buffer (floats, 64 MiB); larger problems are split over output rows. */
let maxIm2colFloats = 16 * 1024 * 1024;

/** Changes the im2col chunk bound (tests use a tiny one to exercise chunking); returns the old one. */
export function setMaxIm2colFloats(n: number): number {
  const old = maxIm2colFloats;
  maxIm2colFloats = Math.max(1, Math.floor(n));
  return old;
}

interface BackpropFilterAttrs extends ConvGradAttrs {
  filterShape: [number, number, number, number];
}

export function conv2dBackpropFilterWasm(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as WasmBackend;
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as BackpropFilterAttrs;
  if (attrs.dataFormat === 'NCHW') {
    throw new Error("wasm Conv2DBackpropFilter supports dataFormat 'NHWC' only: keep tensors channels-last");
  }
  const info = channelsLastConvInfo(x.shape as [number, number, number, number], attrs.filterShape, attrs);
  const { batchSize: N, inChannels: Ci, outHeight: Ho, outWidth: Wo, outChannels: Co, filterHeight: KH, filterWidth: KW } = info;
  const K = KH * KW * Ci;

  const out = allocate(backend, [KH, KW, Ci, Co]); // [kh,kw,Ci,Co]
  // Chunks are whole output rows (n, oh), so the fill can run along ow.
  const rowsPerChunk = Math.max(1, Math.floor(maxIm2colFloats / (K * Wo)));
  for (let r0 = 0; r0 < N * Ho; r0 += rowsPerChunk) {
    const rows = Math.min(rowsPerChunk, N * Ho - r0);
    const p0 = r0 * Wo;
    const pc = rows * Wo;
    const cols = allocate(backend, [1, K, pc]); // [1,K,pc] transposed im2col
    // dy's rows are copied into a temporary: XNNPACK caches its packed weights by tensor id, and
    // the caller's dy must not be pinned to this [pc,Co] interpretation.
    const dyPart = allocate(backend, [1, pc, Co]); // [1,pc,Co]
    const heap = heapF32(backend); // after the allocations: the heap may have grown
    const dyAt = heapIndex(backend, dy);
    heap.copyWithin(heapIndex(backend, dyPart), dyAt + p0 * Co, dyAt + (p0 + pc) * Co);
    fillTransposedIm2col(heap, heapIndex(backend, x), heapIndex(backend, cols), im2colGeometry(info, r0, rows));
    const prod = runWasmKernel(backend, 'BatchMatMul', { a: cols, b: dyPart }, { transposeA: false, transposeB: false });
    const h = heapF32(backend);
    const src = heapIndex(backend, prod);
    const dst = heapIndex(backend, out);
    if (r0 === 0) h.copyWithin(dst, src, src + K * Co);
    else for (let i = 0; i < K * Co; i++) h[dst + i]! += h[src + i]!; // i < K·Co: inside both blocks
    release(backend, cols, dyPart, prod);
  }
  return out;
}
