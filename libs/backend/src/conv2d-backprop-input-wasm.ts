// A fast Conv2DBackpropInput for the wasm backend. It also runs every conv2dTranspose forward, and
// the stock kernel is a scalar C++ loop (1–2.4 GFLOP/s).
//
// Sub-pixel decomposition: dx[n, ih, iw, ci] = Σ dy[n, oh, ow, co] · W[kh, kw, ci, co] over
// ih = oh·s − padT + kh. Output rows of one residue ry = ih mod s only meet taps kh ≡ (ry+padT)
// mod s, so each of the s² residues (ry, rx) is a stride-1 convolution of dy with a flipped
// sub-filter, which the stock Conv2D kernel runs on XNNPACK; the s² results are interleaved.
// For row q of residue ry (ih = s·q + ry), with k0 = (ry+padT) mod s and c = ⌊(ry+padT)/s⌋:
//   dx = Σ_j dy[q + c − j] · W[k0 + s·j],  j = 0..J−1,  J = ⌈(KH − k0)/s⌉
// i.e. a correlation with F[J−1−j] = W[k0 + s·j] and top padding J−1−c.
import * as tf from '@tensorflow/tfjs';
import { channelsLastConvInfo, type ConvGradAttrs } from './conv-grad-info.js';
import { allocate, heapF32, heapIndex, release, runWasmKernel, type KernelFunc, type WasmBackend } from './wasm-heap.js';

/** Below this many dy pixels (N·Ho·Wo) the stock kernel beats s² XNNPACK calls. */
export const SUBPIXEL_MIN_PIXELS = 32;

interface BackpropInputAttrs extends ConvGradAttrs {
  inputShape: [number, number, number, number];
}

/** One residue class along one axis: which taps, and how to pad the stride-1 conv. */
interface AxisPhase {
  residue: number; // r in [0, s)
  count: number; // output rows with ih ≡ r (mod s): Q = ⌈(size − r)/s⌉
  firstTap: number; // k0
  taps: number; // J
  padBefore: number; // J − 1 − c
  padAfter: number; // max(0, Q + c − outSize)
}

function axisPhases(size: number, outSize: number, kernel: number, stride: number, padBefore: number): AxisPhase[] | undefined {
  const phases: AxisPhase[] = [];
  for (let r = 0; r < stride; r++) {
    const count = Math.ceil((size - r) / stride);
    if (count <= 0) continue;
    const firstTap = (r + padBefore) % stride;
    const c = Math.floor((r + padBefore) / stride);
    const taps = firstTap >= kernel ? 0 : Math.ceil((kernel - firstTap) / stride);
    const before = taps - 1 - c;
    // Unusual geometries (kernel < stride, padding beyond the kernel) stay on the stock kernel.
    if (taps === 0 || before < 0) return undefined;
    phases.push({ residue: r, count, firstTap, taps, padBefore: before, padAfter: Math.max(0, count + c - outSize) });
  }
  return phases;
}

/** Makes the fast kernel; `stock` is the wasm backend's own, used for tiny maps and odd cases. */
export function makeConv2dBackpropInputWasm(stock: KernelFunc): KernelFunc {
  return (args) => {
    const backend = args.backend as WasmBackend;
    const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const attrs = args.attrs as unknown as BackpropInputAttrs;
    if (attrs.dataFormat === 'NCHW') return stock(args);
    const info = channelsLastConvInfo(attrs.inputShape, filter.shape as [number, number, number, number], attrs);
    const { batchSize: N, inHeight: H, inWidth: W, inChannels: Ci, outHeight: Ho, outWidth: Wo, outChannels: Co } = info;
    const { filterHeight: KH, filterWidth: KW, strideHeight: SH, strideWidth: SW } = info;
    if (N * Ho * Wo < SUBPIXEL_MIN_PIXELS) return stock(args);
    const rows = axisPhases(H, Ho, KH, SH, info.padInfo.top);
    const cols = axisPhases(W, Wo, KW, SW, info.padInfo.left);
    if (rows === undefined || cols === undefined) return stock(args);

    const out = allocate(backend, [N, H, W, Ci]); // [N,H,W,Ci]
    for (const ph of rows) {
      for (const pw of cols) {
        const sub = allocate(backend, [ph.taps, pw.taps, Co, Ci]); // [J_h,J_w,Co,Ci] flipped sub-filter
        fillSubFilter(heapF32(backend), heapIndex(backend, filter), heapIndex(backend, sub), {
          KW, Ci, Co, SH, SW, ph, pw,
        });
        const part = runWasmKernel(
          backend,
          'Conv2D',
          { x: dy, filter: sub },
          {
            strides: [1, 1],
            pad: [[0, 0], [ph.padBefore, ph.padAfter], [pw.padBefore, pw.padAfter], [0, 0]],
            dataFormat: 'NHWC',
            dilations: [1, 1],
          } as unknown as tf.NamedAttrMap,
        ); // [N, ≥Q_h, ≥Q_w, Ci]
        interleave(heapF32(backend), heapIndex(backend, part), part.shape, heapIndex(backend, out), {
          N, H, W, Ci, SH, SW, ph, pw,
        });
        release(backend, sub, part);
      }
    }
    return out;
  };
}

/** F[a, b, co, ci] = W[k0h + SH·(Jh−1−a), k0w + SW·(Jw−1−b), ci, co]. */
function fillSubFilter(
  heap: Float32Array,
  wAt: number,
  fAt: number,
  g: { KW: number; Ci: number; Co: number; SH: number; SW: number; ph: AxisPhase; pw: AxisPhase },
): void {
  const { KW, Ci, Co, SH, SW, ph, pw } = g;
  let d = fAt;
  for (let a = 0; a < ph.taps; a++) {
    const kh = ph.firstTap + SH * (ph.taps - 1 - a);
    for (let b = 0; b < pw.taps; b++) {
      const kw = pw.firstTap + SW * (pw.taps - 1 - b);
      const tapAt = wAt + (kh * KW + kw) * Ci * Co; // W[kh,kw,:,:] is [Ci,Co]
      for (let co = 0; co < Co; co++) {
        for (let ci = 0; ci < Ci; ci++) heap[d++] = heap[tapAt + ci * Co + co]!;
      }
    }
  }
}

/** dx[n, SH·q + ry, SW·qw + rx, :] = part[n, q, qw, :] for the rows/cols this residue owns. */
function interleave(
  heap: Float32Array,
  partAt: number,
  partShape: number[],
  outAt: number,
  g: { N: number; H: number; W: number; Ci: number; SH: number; SW: number; ph: AxisPhase; pw: AxisPhase },
): void {
  const { N, H, W, Ci, SH, SW, ph, pw } = g;
  const [, PH, PW] = partShape as [number, number, number, number]; // [N, PH, PW, Ci]
  for (let n = 0; n < N; n++) {
    for (let q = 0; q < ph.count; q++) {
      const ih = SH * q + ph.residue;
      let s = partAt + ((n * PH + q) * PW) * Ci;
      let d = outAt + ((n * H + ih) * W + pw.residue) * Ci;
      const step = SW * Ci;
      for (let qw = 0; qw < pw.count; qw++, s += Ci, d += step) {
        if (Ci >= 16) heap.copyWithin(d, s, s + Ci);
        else for (let c = 0; c < Ci; c++) heap[d + c] = heap[s + c]!;
      }
    }
  }
}
