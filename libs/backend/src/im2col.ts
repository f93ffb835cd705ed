// im2col and its adjoint on the wasm heap: a conv as one matrix product. For output pixels
// p = (n, oh, ow) and taps k = (kh·KW + kw)·Ci + ci, cols[k, p] = x[n, oh·SH−padT+kh, ow·SW−padL+kw, ci]
// (0 outside the image), stored as [K, P] (fillTransposedIm2col) or [P, K] (fillIm2col). The
// conv kernels hand the products to a GEMM (XNNPACK or MLAS).
import type * as tf from '@tensorflow/tfjs';

/** The im2col geometry of a conv, for output rows [r0, r0+rows) (default: all of them). */
export function im2colGeometry(info: tf.backend_util.Conv2DInfo, r0 = 0, rows = info.batchSize * info.outHeight): Im2colGeometry {
  return {
    H: info.inHeight, W: info.inWidth, Ci: info.inChannels, Ho: info.outHeight, Wo: info.outWidth,
    KH: info.filterHeight, KW: info.filterWidth, SH: info.strideHeight, SW: info.strideWidth,
    padT: info.padInfo.top, padL: info.padInfo.left, r0, rows,
  };
}

export interface Im2colGeometry {
  H: number; W: number; Ci: number; Ho: number; Wo: number;
  KH: number; KW: number; SH: number; SW: number; padT: number; padL: number;
  /** First output row (flat n·Ho + oh) of this chunk and how many rows it holds. */
  r0: number; rows: number;
}

/**
 * cols[(kh·KW+kw)·Ci+ci, p−p0] = x[n, oh·SH−padT+kh, ow·SW−padL+kw, ci] (0 outside the image)
 * for the output pixels p = (n,oh,ow) of rows [r0, r0+rows). Written along ow, so each cols row
 * gets contiguous stores; the ow range that stays inside the image is computed once per tap.
 */
export function fillTransposedIm2col(heap: Float32Array, xAt: number, colsAt: number, g: Im2colGeometry): void {
  const { H, W, Ci, Ho, Wo, KH, KW, SH, SW, padT, padL, r0, rows } = g;
  const pc = rows * Wo;
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      const rowAt = colsAt + (kh * KW + kw) * Ci * pc;
      // iw = ow·SW − padL + kw is inside [0, W) for ow in [owLo, owHi).
      const owLo = Math.min(Wo, Math.max(0, Math.ceil((padL - kw) / SW)));
      const owHi = Math.max(owLo, Math.min(Wo, Math.floor((W - 1 + padL - kw) / SW) + 1));
      const xStep = SW * Ci;
      for (let r = r0; r < r0 + rows; r++) {
        const n = Math.floor(r / Ho);
        const ih = (r - n * Ho) * SH - padT + kh;
        const j0 = (r - r0) * Wo;
        if (ih < 0 || ih >= H) {
          for (let c = 0; c < Ci; c++) heap.fill(0, rowAt + c * pc + j0, rowAt + c * pc + j0 + Wo);
          continue;
        }
        const lineAt = xAt + (n * H + ih) * W * Ci + (owLo * SW - padL + kw) * Ci;
        for (let c = 0; c < Ci; c++) {
          const d = rowAt + c * pc + j0;
          for (let ow = 0; ow < owLo; ow++) heap[d + ow] = 0;
          let src = lineAt + c;
          for (let ow = owLo; ow < owHi; ow++, src += xStep) heap[d + ow] = heap[src]!;
          for (let ow = owHi; ow < Wo; ow++) heap[d + ow] = 0;
        }
      }
    }
  }
}

/** Below this many floats a JS loop copies faster than a copyWithin call. */
const MIN_COPY_WITHIN = 32;

/**
 * cols[p−p0, (kh·KW+kw)·Ci+ci] = x[n, oh·SH−padT+kh, ow·SW−padL+kw, ci] (0 outside the image): the
 * [P, K] layout, one output pixel per row. For a pixel and a kh the KW taps in the image are one
 * contiguous run of x (channels last), copied whole: 4–7× faster than the [K, P] layout's strided
 * gathers once KW·Ci reaches a few dozen floats (tools/bench conv-routes measures the effect).
 */
export function fillIm2col(heap: Float32Array, xAt: number, colsAt: number, g: Im2colGeometry): void {
  const { H, W, Ci, Ho, Wo, KH, KW, SH, SW, padT, padL, r0, rows } = g;
  const K = KH * KW * Ci;
  const run = KW * Ci;
  for (let r = r0; r < r0 + rows; r++) {
    const n = Math.floor(r / Ho);
    const oh = r - n * Ho;
    for (let ow = 0; ow < Wo; ow++) {
      const rowAt = colsAt + ((r - r0) * Wo + ow) * K;
      const iw0 = ow * SW - padL;
      // taps kw in [kwLo, kwHi) land inside [0, W)
      const kwLo = Math.min(KW, Math.max(0, -iw0));
      const kwHi = Math.max(kwLo, Math.min(KW, W - iw0));
      for (let kh = 0; kh < KH; kh++) {
        const ih = oh * SH - padT + kh;
        const d = rowAt + kh * run;
        if (ih < 0 || ih >= H || kwHi === kwLo) {
          heap.fill(0, d, d + run);
          continue;
        }
        if (kwLo > 0) heap.fill(0, d, d + kwLo * Ci);
        const src = xAt + ((n * H + ih) * W + iw0 + kwLo) * Ci;
        const len = (kwHi - kwLo) * Ci;
        const dst = d + kwLo * Ci;
        if (len >= MIN_COPY_WITHIN) heap.copyWithin(dst, src, src + len);
        else for (let i = 0; i < len; i++) heap[dst + i] = heap[src + i]!;
        if (kwHi < KW) heap.fill(0, d + kwHi * Ci, d + run);
      }
    }
  }
}

/**
 * The adjoint of im2col: dx[n, ih, iw, ci] += dcols[p, (kh·KW+kw)·Ci+ci] for every pixel p = (n,oh,ow)
 * of rows [r0, r0+rows) and every tap that lands inside the image. dcols is [rows·Wo, KH·KW·Ci],
 * row-major (one output pixel per row); dx must be zeroed by the caller before the first chunk.
 */
export function addCol2im(heap: Float32Array, dcolsAt: number, dxAt: number, g: Im2colGeometry): void {
  const { H, W, Ci, Ho, Wo, KH, KW, SH, SW, padT, padL, r0, rows } = g;
  const K = KH * KW * Ci;
  for (let r = r0; r < r0 + rows; r++) {
    const n = Math.floor(r / Ho);
    const oh = r - n * Ho;
    for (let ow = 0; ow < Wo; ow++) {
      const rowAt = dcolsAt + ((r - r0) * Wo + ow) * K;
      for (let kh = 0; kh < KH; kh++) {
        const ih = oh * SH - padT + kh;
        if (ih < 0 || ih >= H) continue;
        for (let kw = 0; kw < KW; kw++) {
          const iw = ow * SW - padL + kw;
          if (iw < 0 || iw >= W) continue;
          const src = rowAt + (kh * KW + kw) * Ci;
          const dst = dxAt + ((n * H + ih) * W + iw) * Ci;
          for (let c = 0; c < Ci; c++) heap[dst + c]! += heap[src + c]!;
        }
      }
    }
  }
}
