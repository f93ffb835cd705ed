// Conv2DBackpropFilter for the wasm backend, which ships none (so conv weights cannot train there).
//
// dW[kh,kw,ci,co] = Σ_{n,oh,ow} x[n, oh·s−padT+kh, ow·s−padL+kw, ci] · dy[n,oh,ow,co]
// which is one matrix product  dW[K,Co] = cols[K,P] · dy[P,Co]  with K = kh·kw·Ci, P = N·Ho·Wo and
// cols the transposed im2col of x. We write cols straight into the wasm heap and let the stock
// BatchMatMul kernel run it: with a, b untransposed and batch 1 it goes to XNNPACK's GEMM.
// (Composing the same from Transpose/Pad/StridedSlice kernels was 5–10× slower.)
import * as tf from '@tensorflow/tfjs';
import { allocate, heapF32, heapIndex, release, runWasmKernel, type WasmBackend } from './wasm-heap.js';

/** Upper bound on the im2col buffer (floats, 64 MiB); larger problems are split over output pixels. */
let maxIm2colFloats = 16 * 1024 * 1024;

/** Changes the im2col chunk bound (tests use a tiny one to exercise chunking); returns the old one. */
export function setMaxIm2colFloats(n: number): number {
  const old = maxIm2colFloats;
  maxIm2colFloats = Math.max(1, Math.floor(n));
  return old;
}

interface BackpropFilterAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

export function conv2dBackpropFilterWasm(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const backend = args.backend as WasmBackend;
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as BackpropFilterAttrs;
  if (attrs.dataFormat === 'NCHW') {
    throw new Error("wasm Conv2DBackpropFilter supports dataFormat 'NHWC' only: keep tensors channels-last");
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: Ci, outHeight: Ho, outWidth: Wo, outChannels: Co } = info;
  const { filterHeight: KH, filterWidth: KW, strideHeight: SH, strideWidth: SW } = info;
  const padT = info.padInfo.top;
  const padL = info.padInfo.left;
  const K = KH * KW * Ci;
  const P = N * Ho * Wo;

  const out = allocate(backend, [KH, KW, Ci, Co]); // [kh,kw,Ci,Co]
  const chunk = Math.max(1, Math.min(P, Math.floor(maxIm2colFloats / K)));
  for (let p0 = 0; p0 < P; p0 += chunk) {
    const pc = Math.min(chunk, P - p0);
    const cols = allocate(backend, [1, K, pc]); // [1,K,pc] transposed im2col
    // dy's rows are copied into a temporary: XNNPACK caches its packed weights by tensor id, and
    // the caller's dy must not be pinned to this [pc,Co] interpretation.
    const dyPart = allocate(backend, [1, pc, Co]); // [1,pc,Co]
    const heap = heapF32(backend); // after the allocations: the heap may have grown
    const dyAt = heapIndex(backend, dy);
    heap.copyWithin(heapIndex(backend, dyPart), dyAt + p0 * Co, dyAt + (p0 + pc) * Co);
    fillTransposedIm2col(heap, heapIndex(backend, x), heapIndex(backend, cols), {
      H, W, Ci, Ho, Wo, KH, KW, SH, SW, padT, padL, p0, pc,
    });
    const prod = runWasmKernel(backend, 'BatchMatMul', { a: cols, b: dyPart }, { transposeA: false, transposeB: false });
    const h = heapF32(backend);
    const src = heapIndex(backend, prod);
    const dst = heapIndex(backend, out);
    if (p0 === 0) h.copyWithin(dst, src, src + K * Co);
    else for (let i = 0; i < K * Co; i++) h[dst + i] += h[src + i];
    release(backend, cols, dyPart, prod);
  }
  return out;
}

interface Im2colGeometry {
  H: number; W: number; Ci: number; Ho: number; Wo: number;
  KH: number; KW: number; SH: number; SW: number; padT: number; padL: number;
  /** First output pixel (flat n·Ho·Wo index) and how many pixels this chunk holds. */
  p0: number; pc: number;
}

/**
 * cols[(kh·KW+kw)·Ci+ci, p−p0] = x[n, oh·SH−padT+kh, ow·SW−padL+kw, ci] (0 outside the image)
 * for the output pixels p = (n,oh,ow) in [p0, p0+pc). For a fixed tap, consecutive pixels write
 * neighbouring columns of Ci rows, so the write set stays in cache.
 */
function fillTransposedIm2col(heap: Float32Array, xAt: number, colsAt: number, g: Im2colGeometry): void {
  const { H, W, Ci, Ho, Wo, KH, KW, SH, SW, padT, padL, p0, pc } = g;
  const pixelsPerImage = Ho * Wo;
  const n0 = Math.floor(p0 / pixelsPerImage);
  const oh0 = Math.floor((p0 - n0 * pixelsPerImage) / Wo);
  const ow0 = p0 - n0 * pixelsPerImage - oh0 * Wo;
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      const rowAt = colsAt + (kh * KW + kw) * Ci * pc;
      // Walk the pixels (n, oh, ow) of this chunk in order, without divisions.
      let n = n0;
      let oh = oh0;
      let ow = ow0;
      for (let j = 0; j < pc; j++) {
        const ih = oh * SH - padT + kh;
        const iw = ow * SW - padL + kw;
        let d = rowAt + j;
        if (ih < 0 || ih >= H || iw < 0 || iw >= W) {
          for (let c = 0; c < Ci; c++, d += pc) heap[d] = 0;
        } else {
          const s = xAt + ((n * H + ih) * W + iw) * Ci;
          for (let c = 0; c < Ci; c++, d += pc) heap[d] = heap[s + c];
        }
        if (++ow === Wo) {
          ow = 0;
          if (++oh === Ho) {
            oh = 0;
            n++;
          }
        }
      }
    }
  }
}
