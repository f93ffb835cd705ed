// The wasm backend's convolutions run on onnxruntime's CPU kernels (MLAS: native AVX2/AVX-512
// GEMMs) when onnxruntime-node is installed: at the official 256 px / width 64 step these convs
// are most of the time, and MLAS runs them about 2× faster than XNNPACK inside wasm (128-bit SIMD).
// Tensors stay on the wasm heap: ORT reads the inputs and writes the output through views of it.
//
// Each kernel is a small ONNX graph in channels-last terms (Transpose nodes around an NCHW op),
// compiled once per shape and attribute set and cached. Layouts:
//   x, dy, dx: [N,H,W,C]; filter, dW: [KH,KW,Ci,Co] (tfjs) = OIHW [Co,Ci,KH,KW] after perm [3,2,0,1].
import * as tf from '@tensorflow/tfjs';
import { encodeOnnxModel, type OnnxGraph } from './onnx-graph.js';
import { OrtKernelSession, type OrtRuntime } from './ort-session.js';
import { channelsLastConvInfo, isChannelsLastFloat32, readLinearConv2d, type ConvGradAttrs } from '../conv-grad-info.js';
import { addCol2im, fillIm2col, im2colGeometry } from '../im2col.js';
import { allocate, heapF32, heapIndex, release, type KernelArgs, type KernelFunc, type WasmBackend } from '../wasm-heap.js';

type Shape4 = [number, number, number, number];

/**
 * Which convs go to ORT, and how. Each route was timed per conv shape of the 256 px / width 64,
 * 128 px / width 16 and 32 px / width 16 BicycleGAN steps (`node bin/run-ts.js
 * tools/bench/src/conv-routes.ts`, libs/backend/README.md):
 * - an ORT Conv graph re-packs the filter on every call and transposes x and y between NHWC and
 *   NCHW, a cost that the arithmetic hides only when the filter slides over many positions;
 * - the GEMM route pays for an im2col in JS (contiguous copies, P·K values; plus a col2im of as many
 *   additions for the input gradient), which the GEMM's P·K·Co multiply-adds hide when Co is large.
 * So for the gradients the GEMM wins while the positions P = N·Ho·Wo are at most a few times the
 * output channels Co: 8× for the input gradient, 32× for the filter gradient (no col2im).
 * Forward convs always take the GEMM, for faithfulness, not speed (+0.04 s per 256/64 step): on
 * ORT's Conv, one G down conv of the official fixture all_resnet_nz8 (64×64×16 → 32×32×16, z tiled
 * over 8 of its input channels, InstanceNorm after it) moved the iteration-2 update of the
 * innermost bias 2 % off the reference, 1.07× its tolerance; on the GEMM (and on XNNPACK) it lands
 * at 0.00×. Every route is float32-accurate per output (tools/bench/src/conv-accuracy.ts), and all
 * three give bit-identical interior pixels on a spatially constant input: which float32 order the
 * GEMM and PyTorch share there, we did not isolate.
 * 2026-12-05, against the previous rule: a 256/64 step's conv kernels 4.29 → 2.47 s (the step
 * 0.81–0.84×); 128/16 and 32/16 unchanged (libs/backend/README.md). Tiny convs stay in wasm.
 * Deterministic by shape, so a run's numbers never depend on timing.
 */
export const NATIVE_CONV_RULE = {
  /** at least this many multiply-adds in total, else wasm */
  minMacs: 1 << 20,
  /** input gradient: GEMM route while N·Ho·Wo ≤ this × the output channels, conv graph beyond */
  inputGradientGemmPositionsPerOutChannel: 8,
  /** the same for the filter gradient */
  filterGradientGemmPositionsPerOutChannel: 32,
  /**
   * The GEMM route's im2col (P·K floats) lives on the 4 GiB wasm heap, ORT's conv temporaries do
   * not: beyond 64 MiB of im2col a conv takes the conv graph (at 256 px / widths 64 / batch 2 the
   * largest is 36 MiB).
   */
  maxGemmIm2colFloats: 16 * 1024 * 1024,
} as const;

/** Which of the three conv computations a call is. */
export type ConvRole = 'forward' | 'input-gradient' | 'filter-gradient';

/**
 * Where a conv runs: 'conv' = an ORT Conv/ConvTranspose graph; 'gemm' = im2col here + one ORT Gemm
 * (the GEMM reads the filter as it lies, no re-pack into a conv layout); 'wasm' = the kernel
 * underneath (XNNPACK).
 */
export type ConvRoute = 'conv' | 'gemm' | 'wasm';

const isDilated = (info: tf.backend_util.Conv2DInfo): boolean => info.dilationHeight !== 1 || info.dilationWidth !== 1;

/** Can the GEMM route take this conv: no dilation (its im2col has none), an im2col within the bound. */
function gemmFits(info: tf.backend_util.Conv2DInfo): boolean {
  const { K, P } = gemmDims(info);
  return !isDilated(info) && P * K <= NATIVE_CONV_RULE.maxGemmIm2colFloats;
}

export function nativeRoute(role: ConvRole, info: tf.backend_util.Conv2DInfo): ConvRoute {
  if (macs(info) < NATIVE_CONV_RULE.minMacs || isDilated(info)) return 'wasm';
  if (!gemmFits(info)) return 'conv';
  if (role === 'forward') return 'gemm';
  const positions = info.batchSize * info.outHeight * info.outWidth;
  if (role === 'input-gradient') return positions <= NATIVE_CONV_RULE.inputGradientGemmPositionsPerOutChannel * info.outChannels ? 'gemm' : 'conv';
  const onePixelKernel = info.filterHeight * info.filterWidth === 1; // a plain GEMM already
  return onePixelKernel || positions <= NATIVE_CONV_RULE.filterGradientGemmPositionsPerOutChannel * info.outChannels ? 'gemm' : 'conv';
}

const HWIO_TO_OIHW = [3, 2, 0, 1];
const NHWC_TO_NCHW = [0, 3, 1, 2];
const NCHW_TO_NHWC = [0, 2, 3, 1];

/** Compiled kernel graphs by signature, and the runtime they run on. */
export class NativeConvSessions {
  private readonly cache = new Map<string, OrtKernelSession>();
  /** Calls per kernel name (tests check which path ran). */
  readonly calls = new Map<string, number>();
  /** Every call on this route where it can run (tools/bench conv-routes times the routes per shape); undefined = nativeRoute. */
  forcedRoute: ConvRoute | undefined;

  constructor(
    readonly ort: OrtRuntime,
    readonly threads: number,
  ) {}

  session(key: string, graph: () => OnnxGraph): OrtKernelSession {
    let s = this.cache.get(key);
    if (s === undefined) {
      s = new OrtKernelSession(this.ort, encodeOnnxModel(graph()), this.threads);
      this.cache.set(key, s);
    }
    return s;
  }

  count(kernel: string): void {
    this.calls.set(kernel, (this.calls.get(kernel) ?? 0) + 1);
  }

  dispose(): void {
    for (const s of this.cache.values()) s.dispose();
    this.cache.clear();
  }
}

function view(backend: WasmBackend, t: tf.TensorInfo): { data: Float32Array; dims: number[] } {
  const at = heapIndex(backend, t);
  const n = t.shape.reduce((a, b) => a * b, 1);
  return { data: heapF32(backend).subarray(at, at + n), dims: t.shape };
}

/** ONNX pads [top, left, bottom, right]; undefined when tfjs asks for a negative pad. */
function onnxPads(info: tf.backend_util.Conv2DInfo): number[] | undefined {
  const p = info.padInfo;
  const pads = [p.top, p.left, p.bottom, p.right];
  return pads.every((v) => v >= 0) ? pads : undefined;
}

function macs(info: tf.backend_util.Conv2DInfo): number {
  return info.batchSize * info.outHeight * info.outWidth * info.filterHeight * info.filterWidth * info.inChannels * info.outChannels;
}

/** A conv as a matrix product: K = KH·KW·Ci taps, P = N·Ho·Wo output positions, Co output channels. */
function gemmDims(info: tf.backend_util.Conv2DInfo): { K: number; P: number; Co: number } {
  return { K: info.filterHeight * info.filterWidth * info.inChannels, P: info.batchSize * info.outHeight * info.outWidth, Co: info.outChannels };
}

/** One Gemm: y = op(a)·op(b) [+ c]. */
function gemmGraph(a: number[], b: number[], y: number[], transA: 0 | 1, transB: 0 | 1, c?: number[]): OnnxGraph {
  return {
    inputs: { a, b, ...(c && { c }) },
    outputs: { y },
    nodes: [{ op: 'Gemm', inputs: c ? ['a', 'b', 'c'] : ['a', 'b'], outputs: ['y'], attrs: { transA, transB } }],
  };
}

/** The im2col of x, [P, K], on the heap (the caller releases it). */
function im2colOf(backend: WasmBackend, x: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const { K, P } = gemmDims(info);
  const cols = allocate(backend, [P, K]);
  fillIm2col(heapF32(backend), heapIndex(backend, x), heapIndex(backend, cols), im2colGeometry(info));
  return cols;
}

/** y[P,Co] = cols[P,K]·W[K,Co] (+ b): the NHWC output as it lies. */
function gemmForward(sessions: NativeConvSessions, backend: WasmBackend, x: tf.TensorInfo, filter: tf.TensorInfo, bias: tf.TensorInfo | undefined, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const { K, P, Co } = gemmDims(info);
  const cols = im2colOf(backend, x, info);
  const s = sessions.session(`gemm|fwd|${K},${P},${Co}|${bias !== undefined}`, () => gemmGraph([P, K], [K, Co], [P, Co], 0, 0, bias && [Co]));
  const y = allocate(backend, [info.batchSize, info.outHeight, info.outWidth, Co]);
  s.run({ a: view(backend, cols), b: { ...view(backend, filter), dims: [K, Co] }, ...(bias && { c: view(backend, bias) }) }, { y: { ...view(backend, y), dims: [P, Co] } });
  release(backend, cols);
  return y;
}

/** dx = col2im(dy[P,Co]·W[K,Co]ᵀ). */
function gemmInputGradient(sessions: NativeConvSessions, backend: WasmBackend, dy: tf.TensorInfo, filter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const { K, P, Co } = gemmDims(info);
  const s = sessions.session(`gemm|dx|${K},${P},${Co}`, () => gemmGraph([P, Co], [K, Co], [P, K], 0, 1));
  const dcols = allocate(backend, [P, K]);
  const dx = allocate(backend, [info.batchSize, info.inHeight, info.inWidth, info.inChannels]);
  s.run({ a: { ...view(backend, dy), dims: [P, Co] }, b: { ...view(backend, filter), dims: [K, Co] } }, { y: view(backend, dcols) });
  const heap = heapF32(backend);
  const dxAt = heapIndex(backend, dx);
  heap.fill(0, dxAt, dxAt + info.batchSize * info.inHeight * info.inWidth * info.inChannels);
  addCol2im(heap, heapIndex(backend, dcols), dxAt, im2colGeometry(info));
  release(backend, dcols);
  return dx;
}

/** dW[K,Co] = cols[P,K]ᵀ·dy[P,Co]: the HWIO filter gradient as it lies. */
function gemmFilterGradient(sessions: NativeConvSessions, backend: WasmBackend, x: tf.TensorInfo, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const { K, P, Co } = gemmDims(info);
  const cols = im2colOf(backend, x, info);
  const s = sessions.session(`gemm|dw|${K},${P},${Co}`, () => gemmGraph([P, K], [P, Co], [K, Co], 1, 0));
  const dw = allocate(backend, [info.filterHeight, info.filterWidth, info.inChannels, Co]);
  s.run({ a: view(backend, cols), b: { ...view(backend, dy), dims: [P, Co] } }, { y: { ...view(backend, dw), dims: [K, Co] } });
  release(backend, cols);
  return dw;
}

/** y = conv(x, W) [+ bias], channels-last. */
function forwardGraph(info: tf.backend_util.Conv2DInfo, pads: number[], withBias: boolean): OnnxGraph {
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: Ci, outHeight: Ho, outWidth: Wo, outChannels: Co } = info;
  return {
    inputs: { x: [N, H, W, Ci], w: [info.filterHeight, info.filterWidth, Ci, Co], ...(withBias && { b: [Co] }) },
    outputs: { y: [N, Ho, Wo, Co] },
    nodes: [
      { op: 'Transpose', inputs: ['x'], outputs: ['xc'], attrs: { perm: NHWC_TO_NCHW } },
      { op: 'Transpose', inputs: ['w'], outputs: ['wc'], attrs: { perm: HWIO_TO_OIHW } },
      {
        op: 'Conv',
        inputs: withBias ? ['xc', 'wc', 'b'] : ['xc', 'wc'],
        outputs: ['yc'],
        attrs: { strides: [info.strideHeight, info.strideWidth], dilations: [info.dilationHeight, info.dilationWidth], pads },
      },
      { op: 'Transpose', inputs: ['yc'], outputs: ['y'], attrs: { perm: NCHW_TO_NHWC } },
    ],
  };
}

/** One call's tensors and geometry, or undefined when the kernel underneath must take it. */
interface ConvCall<T> {
  t: T;
  info: tf.backend_util.Conv2DInfo;
}

interface ConvPaths<T> {
  kernel: string;
  role: ConvRole;
  /** reads a call; undefined for what only the kernel underneath handles (NCHW, other dtypes, ...) */
  read: (args: KernelArgs) => ConvCall<T> | undefined;
  gemm: (backend: WasmBackend, t: T, info: tf.backend_util.Conv2DInfo) => tf.TensorInfo;
  /** the ORT conv graph; undefined sends the call to `gemm` instead */
  conv: (backend: WasmBackend, t: T, info: tf.backend_util.Conv2DInfo, pads: number[]) => tf.TensorInfo | undefined;
}

/** The kernel function: route the call (nativeRoute; wasm when tfjs asks for a negative pad), count native calls. */
function convKernel<T>(sessions: NativeConvSessions, under: KernelFunc, paths: ConvPaths<T>): KernelFunc {
  return (args) => {
    const call = paths.read(args);
    if (call === undefined) return under(args);
    const pads = onnxPads(call.info);
    const forced = sessions.forcedRoute === 'gemm' && !gemmFits(call.info) ? undefined : sessions.forcedRoute;
    const route = pads === undefined ? 'wasm' : (forced ?? nativeRoute(paths.role, call.info));
    if (route === 'wasm') return under(args);
    sessions.count(paths.kernel);
    const backend = args.backend as WasmBackend;
    return (route === 'conv' ? paths.conv(backend, call.t, call.info, pads!) : undefined) ?? paths.gemm(backend, call.t, call.info);
  };
}

/** Conv2D and FusedConv2D (bias only; activations and prelu go to the stock kernel). */
export function makeNativeConv2d(sessions: NativeConvSessions, kernelName: 'Conv2D' | 'FusedConv2D', stock: KernelFunc): KernelFunc {
  type T = { x: tf.TensorInfo; filter: tf.TensorInfo; bias: tf.TensorInfo | undefined };
  return convKernel<T>(sessions, stock, {
    kernel: kernelName,
    role: 'forward',
    read: (args) => {
      const call = readLinearConv2d(args.inputs, args.attrs);
      return call && { t: { x: call.x, filter: call.filter, bias: call.bias }, info: call.info };
    },
    gemm: (backend, { x, filter, bias }, info) => gemmForward(sessions, backend, x, filter, bias, info),
    conv: (backend, { x, filter, bias }, info, pads) => {
      const key = `conv|${x.shape}|${filter.shape}|${pads}|${info.strideHeight},${info.strideWidth}|${info.dilationHeight},${info.dilationWidth}|${bias !== undefined}`;
      const s = sessions.session(key, () => forwardGraph(info, pads, bias !== undefined));
      const y = allocate(backend, [info.batchSize, info.outHeight, info.outWidth, info.outChannels]);
      s.run({ x: view(backend, x), w: view(backend, filter), ...(bias && { b: view(backend, bias) }) }, { y: view(backend, y) });
      return y;
    },
  });
}

type GradientAttrs = ConvGradAttrs & { inputShape: Shape4; filterShape: Shape4 };

/** A gradient kernel's call: its two tensors, and the forward conv's geometry from its x and filter shapes. */
function gradientCall<T extends Record<string, tf.TensorInfo>>(args: KernelArgs, shapes: (t: T, a: GradientAttrs) => [Shape4, Shape4]): ConvCall<T> | undefined {
  const t = args.inputs as T;
  const a = args.attrs as unknown as GradientAttrs;
  if (!isChannelsLastFloat32(Object.values(t), a)) return undefined;
  const [xShape, filterShape] = shapes(t, a);
  return { t, info: channelsLastConvInfo(xShape, filterShape, a) };
}

/** dx = conv_transpose(dy, W): the input gradient of a conv, and the forward of every conv2dTranspose. */
export function makeNativeConv2dBackpropInput(sessions: NativeConvSessions, stock: KernelFunc): KernelFunc {
  type T = { dy: tf.TensorInfo; filter: tf.TensorInfo };
  return convKernel<T>(sessions, stock, {
    kernel: 'Conv2DBackpropInput',
    role: 'input-gradient',
    read: (args) => gradientCall<T>(args, (t, a) => [a.inputShape, t.filter.shape as Shape4]),
    gemm: (backend, { dy, filter }, info) => gemmInputGradient(sessions, backend, dy, filter, info),
    conv: (backend, { dy, filter }, info, pads) => {
      const { batchSize: N, inHeight: H, inWidth: W, inChannels: Ci, outHeight: Ho, outWidth: Wo, outChannels: Co } = info;
      const { filterHeight: KH, filterWidth: KW, strideHeight: SH, strideWidth: SW } = info;
      // ConvTranspose's output size is s·(in−1) + output_padding + k − pads: pick output_padding for H, W.
      const outPad = [H - (SH * (Ho - 1) + KH - pads[0]! - pads[2]!), W - (SW * (Wo - 1) + KW - pads[1]! - pads[3]!)];
      if (outPad[0]! < 0 || outPad[0]! >= SH || outPad[1]! < 0 || outPad[1]! >= SW) return undefined;
      const s = sessions.session(`convT|${dy.shape}|${filter.shape}|${H},${W}|${pads}|${SH},${SW}`, (): OnnxGraph => ({
        inputs: { dy: [N, Ho, Wo, Co], w: [KH, KW, Ci, Co] },
        outputs: { dx: [N, H, W, Ci] },
        nodes: [
          { op: 'Transpose', inputs: ['dy'], outputs: ['dyc'], attrs: { perm: NHWC_TO_NCHW } },
          { op: 'Transpose', inputs: ['w'], outputs: ['wc'], attrs: { perm: HWIO_TO_OIHW } }, // [Co,Ci,KH,KW]: ConvTranspose's [C_in, C_out, kh, kw]
          { op: 'ConvTranspose', inputs: ['dyc', 'wc'], outputs: ['dxc'], attrs: { strides: [SH, SW], pads, output_padding: outPad } },
          { op: 'Transpose', inputs: ['dxc'], outputs: ['dx'], attrs: { perm: NCHW_TO_NHWC } },
        ],
      }));
      const dx = allocate(backend, [N, H, W, Ci]);
      s.run({ dy: view(backend, dy), w: view(backend, filter) }, { dx: view(backend, dx) });
      return dx;
    },
  });
}

/**
 * dW[kh,kw,ci,co] = Σ_{n,oh,ow} x[n, oh·s−padT+kh, ow·s−padL+kw, ci] · dy[n,oh,ow,co]: a conv of
 * x seen as [Ci, N, H, W] (batch Ci, channels N) with dy seen as the filter [Co, N, Ho, Wo],
 * dilated by the stride. Its output [Ci, Co, KH', KW'] can be taller than KH when the stride does
 * not divide the padded size: the extra taps are sliced off.
 */
export function makeNativeConv2dBackpropFilter(sessions: NativeConvSessions, under: KernelFunc): KernelFunc {
  type T = { x: tf.TensorInfo; dy: tf.TensorInfo };
  return convKernel<T>(sessions, under, {
    kernel: 'Conv2DBackpropFilter',
    role: 'filter-gradient',
    read: (args) => gradientCall<T>(args, (t, a) => [t.x.shape as Shape4, a.filterShape]),
    gemm: (backend, { x, dy }, info) => gemmFilterGradient(sessions, backend, x, dy, info),
    conv: (backend, { x, dy }, info, pads) => {
      const { batchSize: N, inHeight: H, inWidth: W, inChannels: Ci, outHeight: Ho, outWidth: Wo, outChannels: Co } = info;
      const { filterHeight: KH, filterWidth: KW, strideHeight: SH, strideWidth: SW } = info;
      const tapsH = H + pads[0]! + pads[2]! - (Ho - 1) * SH;
      const tapsW = W + pads[1]! + pads[3]! - (Wo - 1) * SW;
      const key = `convW|${x.shape}|${dy.shape}|${KH},${KW},${Ci},${Co}|${pads}|${SH},${SW}`;
      const s = sessions.session(key, () => {
        const nodes: OnnxGraph['nodes'] = [
          { op: 'Transpose', inputs: ['x'], outputs: ['xc'], attrs: { perm: [3, 0, 1, 2] } }, // [Ci,N,H,W]
          { op: 'Transpose', inputs: ['dy'], outputs: ['dyc'], attrs: { perm: [3, 0, 1, 2] } }, // [Co,N,Ho,Wo]
          { op: 'Conv', inputs: ['xc', 'dyc'], outputs: ['g'], attrs: { strides: [1, 1], dilations: [SH, SW], pads } }, // [Ci,Co,KH',KW']
        ];
        let g = 'g';
        if (tapsH !== KH || tapsW !== KW) {
          nodes.push(
            { op: 'Constant', inputs: [], outputs: ['starts'], attrs: { value_ints: [0, 0] } },
            { op: 'Constant', inputs: [], outputs: ['ends'], attrs: { value_ints: [KH, KW] } },
            { op: 'Constant', inputs: [], outputs: ['axes'], attrs: { value_ints: [2, 3] } },
            { op: 'Slice', inputs: ['g', 'starts', 'ends', 'axes'], outputs: ['gs'] },
          );
          g = 'gs';
        }
        nodes.push({ op: 'Transpose', inputs: [g], outputs: ['dw'], attrs: { perm: [2, 3, 0, 1] } }); // [KH,KW,Ci,Co]
        return { inputs: { x: [N, H, W, Ci], dy: [N, Ho, Wo, Co] }, outputs: { dw: [KH, KW, Ci, Co] }, nodes };
      });
      const dw = allocate(backend, [KH, KW, Ci, Co]);
      s.run({ x: view(backend, x), dy: view(backend, dy) }, { dw: view(backend, dw) });
      return dw;
    },
  });
}
