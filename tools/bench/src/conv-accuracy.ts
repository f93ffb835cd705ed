// `node bin/run-ts.js tools/bench/src/conv-accuracy.ts [--routes rule,conv,gemm,wasm,xnnpack] [config overrides...]`
// e.g. `... conv-accuracy.ts model.ngf=8 model.ndf=8 model.nef=8 model.nz=2 data.crop_size=128 data.load_size=128`
//
// How exactly each conv route computes, against float64: runs one real training step per route
// (native-conv-kernels.ts: 'conv' ORT graphs, 'gemm' im2col + ORT Gemm, 'wasm' the kernels under
// the native path; 'xnnpack' = native convs off; 'rule' = nativeRoute's choice) and recomputes every
// conv call in float64 from its own inputs. Per kernel and route it prints the error of each output
// in units of float32 rounding of its own terms, |got − exact| / (2⁻²⁴ · Σ|terms|): a float32 sum of
// K terms stays below ~√K on average and K at worst, whatever the order, so a route that lands far
// above its peers computes something else. Tiny inputs (a 128 px, width 8 step: seconds in float64).
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { forceNativeConvRoute, initBackend, setNativeConvs, type ConvRoute } from '@workbench/backend';
import { composeConfig } from '@workbench/config';
import { makeRandomStep } from './random-step.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { routes: { type: 'string', default: 'rule,conv,gemm,wasm,xnnpack' } } });
const config = composeConfig({ overrides: positionals }).config;
await initBackend({ force: 'wasm' });
const KERNELS = ['Conv2D', 'FusedConv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'] as const;
type Kernel = (typeof KERNELS)[number];
type Shape4 = [number, number, number, number];
interface Attrs { strides: number | [number, number]; pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding; dimRoundingMode?: 'floor' | 'round' | 'ceil'; dilations?: number | [number, number]; inputShape?: Shape4; filterShape?: Shape4 }

/** Error of every output of one call in units of float32 rounding of its own terms. */
function errorUnits(kernel: Kernel, ins: Float32Array[], shapes: Shape4[], attrs: Attrs, got: Float32Array): number[] {
  const [a, b] = ins as [Float32Array, Float32Array];
  const xShape = kernel === 'Conv2DBackpropInput' ? attrs.inputShape! : shapes[0]!;
  const wShape = kernel === 'Conv2DBackpropFilter' ? attrs.filterShape! : shapes[1]!;
  const info = tf.backend_util.computeConv2DInfo(xShape, wShape, attrs.strides, attrs.dilations ?? 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: Ci, outHeight: Ho, outWidth: Wo, outChannels: Co, filterHeight: KH, filterWidth: KW } = info;
  const { top, left } = info.padInfo;
  const outLen = kernel === 'Conv2DBackpropInput' ? N * H * W * Ci : kernel === 'Conv2DBackpropFilter' ? KH * KW * Ci * Co : N * Ho * Wo * Co;
  const exact = new Float64Array(outLen);
  const absSum = new Float64Array(outLen);
  const bias = kernel === 'FusedConv2D' && ins[2] ? ins[2] : undefined;
  for (let nn = 0; nn < N; nn++)
    for (let oh = 0; oh < Ho; oh++)
      for (let ow = 0; ow < Wo; ow++)
        for (let kh = 0; kh < KH; kh++) {
          const ih = oh * info.strideHeight - top + kh * info.dilationHeight;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < KW; kw++) {
            const iw = ow * info.strideWidth - left + kw * info.dilationWidth;
            if (iw < 0 || iw >= W) continue;
            const xAt = ((nn * H + ih) * W + iw) * Ci;
            const yAt = ((nn * Ho + oh) * Wo + ow) * Co;
            const wAt = (kh * KW + kw) * Ci * Co;
            for (let ci = 0; ci < Ci; ci++)
              for (let co = 0; co < Co; co++) {
                // forward: a = x, b = w; input gradient: a = dy, b = w; filter gradient: a = x, b = dy
                const t = kernel === 'Conv2DBackpropInput' ? a[yAt + co]! * b[wAt + ci * Co + co]!
                  : kernel === 'Conv2DBackpropFilter' ? a[xAt + ci]! * b[yAt + co]!
                    : a[xAt + ci]! * b[wAt + ci * Co + co]!;
                const o = kernel === 'Conv2DBackpropInput' ? xAt + ci : kernel === 'Conv2DBackpropFilter' ? wAt + ci * Co + co : yAt + co;
                exact[o] = exact[o]! + t;
                absSum[o] = absSum[o]! + Math.abs(t);
              }
          }
        }
  if (bias) {
    for (let o = 0; o < outLen; o++) {
      exact[o] = exact[o]! + bias[o % Co]!;
      absSum[o] = absSum[o]! + Math.abs(bias[o % Co]!);
    }
  }
  const units: number[] = [];
  for (let o = 0; o < outLen; o++) if (absSum[o]! > 0) units.push(Math.abs(got[o]! - exact[o]!) / (2 ** -24 * absSum[o]!));
  return units;
}

const stats = new Map<string, number[]>();
// Wrap whatever runs each conv kernel now (the native wrappers over the wasm kernels): read the
// call's inputs and output and keep the error units.
for (const name of KERNELS) {
  const under = tf.getKernel(name, 'wasm')!;
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({
    ...under,
    kernelFunc: (args) => {
      const out = under.kernelFunc(args) as tf.TensorInfo;
      const backend = args.backend as { readSync(id: unknown): Float32Array };
      const inputs = Object.values(args.inputs).filter((t): t is tf.TensorInfo => t !== undefined && t !== null);
      const ins = inputs.map((t) => backend.readSync(t.dataId));
      const units = errorUnits(name, ins, inputs.map((t) => t.shape as Shape4), args.attrs as unknown as Attrs, backend.readSync(out.dataId));
      const key = `${currentRoute}|${name}`;
      const all = stats.get(key) ?? [];
      for (const u of units) all.push(u);
      stats.set(key, all);
      return out;
    },
  });
}

let currentRoute = '';
for (const route of values.routes.split(',')) {
  currentRoute = route;
  setNativeConvs(route !== 'xnnpack');
  if (route !== 'xnnpack') forceNativeConvRoute(route === 'rule' ? undefined : (route as ConvRoute));
  // the same networks, data and noise for every route
  const step = makeRandomStep(config, 'conv-accuracy');
  step.run(0);
  step.dispose();
}
setNativeConvs(true);

const q = (xs: number[], p: number): number => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
console.log(`${config.method} ${config.data.crop_size} px, widths ${config.model.ngf}/${config.model.ndf}/${config.model.nef}, batch ${config.train.batch_size}: error per output in float32 roundings of its terms`);
console.log('| kernel | route | outputs | mean | p99 | max |\n|---|---|---|---|---|---|');
for (const name of KERNELS) {
  for (const route of values.routes.split(',')) {
    const xs = stats.get(`${route}|${name}`);
    if (!xs?.length) continue;
    xs.sort((p, r) => p - r);
    const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
    console.log(`| ${name} | ${route} | ${xs.length} | ${mean.toFixed(3)} | ${q(xs, 0.99).toFixed(2)} | ${xs.at(-1)!.toFixed(2)} |`);
  }
}
