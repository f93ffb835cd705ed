// Registers the wasm kernels training needs: the missing Conv2DBackpropFilter, a fast
// Conv2DBackpropInput (which also runs every conv2dTranspose forward), the missing
// UnsortedSegmentSum (the gradient of tf.gather), accurate (float64-accumulating) Sum and Mean, a
// zero-copy Identity, run copies for Concat and SplitV, a branch-free LeakyReLU, and the fused
// instance norm and LeakyReLU gradient that libs/models/src/ops.ts runs by name
// (fused-kernel-names.ts).
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm'; // registers the stock wasm kernels we build on
import { conv2dBackpropFilterWasm } from './conv2d-backprop-filter-wasm.js';
import { makeConv2dBackpropInputWasm } from './conv2d-backprop-input-wasm.js';
import { makeFewPositionsConv2dWasm } from './conv2d-few-positions-wasm.js';
import { makeIdentityWasm } from './identity-wasm.js';
import { makeAccurateReduceWasm } from './reduce-wasm.js';
import { makeConcatWasm, makeSplitVWasm } from './concat-split-wasm.js';
import { INSTANCE_NORM_GRAD_KERNEL, INSTANCE_NORM_KERNEL, LEAKY_RELU_GRAD_KERNEL } from './fused-kernel-names.js';
import { instanceNormGradWasm, instanceNormWasm } from './instance-norm-wasm.js';
import { leakyReluGradWasm, makeLeakyReluWasm } from './leaky-relu-wasm.js';
import { registerNativeConvWrappers, setNativeConvs } from './native/native-convs.js';
import { unsortedSegmentSumWasm } from './unsorted-segment-sum-wasm.js';
import { onBackendSetup } from './select-backend.js';
import { nativeMallocNote } from './native/malloc-env.js';
import { wasmBinaryInUse } from './wasm-threads.js';
import { watchWasmHeap } from './wasm-heap-watch.js';
import type { KernelFunc, MultiOutputKernelFunc, WasmBackend } from './wasm-heap.js';

/**
 * onnxruntime's threads: `WORKBENCH_NATIVE_THREADS`, else as many as wasm has. With the native convs
 * on, give the threads to ORT and keep the single-threaded wasm binary: its heap is an ordinary
 * ArrayBuffer that ORT reads in place (the threaded binary's SharedArrayBuffer goes through copies).
 */
function nativeConvThreads(wasmThreads: number): number {
  const raw = process.env['WORKBENCH_NATIVE_THREADS'];
  if (raw === undefined || raw === '') return wasmThreads;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`WORKBENCH_NATIVE_THREADS='${raw}': give a whole number of threads >= 1 (or unset it to follow WORKBENCH_WASM_THREADS)`);
  return n;
}

/** Stock wasm kernels we replaced, by name (to call as fallbacks and to put back). */
const replacedStock = new Map<string, tf.KernelConfig>();

/** Replaces a stock wasm kernel by `make(stockKernelFunc)`, keeping its setupFunc (which binds the C++ entry point the fallback needs). */
function replaceStock(kernelName: string, make: (stock: KernelFunc) => MultiOutputKernelFunc): void {
  if (replacedStock.has(kernelName)) return;
  const stock = tf.getKernel(kernelName, 'wasm');
  if (stock === undefined) throw new Error(`the wasm backend has no stock '${kernelName}' kernel: import '@tensorflow/tfjs-backend-wasm' first`);
  replacedStock.set(kernelName, stock);
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({
    kernelName,
    backendName: 'wasm',
    ...(stock.setupFunc && { setupFunc: stock.setupFunc }),
    kernelFunc: make(stock.kernelFunc as unknown as KernelFunc) as unknown as tf.KernelFunc,
  });
}

/** Puts a stock wasm kernel back (A/B comparisons). */
function restoreStock(kernelName: string): void {
  const stock = replacedStock.get(kernelName);
  if (stock === undefined) return;
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel(stock);
  replacedStock.delete(kernelName);
}

/**
 * Idempotent: registers our kernels for the `wasm` backend. Importing this library already did;
 * `initBackend()` calls it again when it picks wasm (after `unregisterFastBackpropInput`, say).
 */
export function registerWasmTrainingKernels(): string[] {
  const added: Array<[string, MultiOutputKernelFunc]> = [
    ['Conv2DBackpropFilter', conv2dBackpropFilterWasm],
    ['UnsortedSegmentSum', unsortedSegmentSumWasm],
    [INSTANCE_NORM_KERNEL, instanceNormWasm],
    [INSTANCE_NORM_GRAD_KERNEL, instanceNormGradWasm],
    [LEAKY_RELU_GRAD_KERNEL, leakyReluGradWasm],
  ];
  for (const [kernelName, kernelFunc] of added) {
    if (tf.getKernel(kernelName, 'wasm') === undefined) tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
  replaceStock('Conv2DBackpropInput', makeConv2dBackpropInputWasm);
  replaceStock('Conv2D', makeFewPositionsConv2dWasm);
  replaceStock('FusedConv2D', makeFewPositionsConv2dWasm);
  replaceStock('Sum', (stock) => makeAccurateReduceWasm('Sum', stock));
  replaceStock('Mean', (stock) => makeAccurateReduceWasm('Mean', stock));
  replaceStock('Identity', makeIdentityWasm);
  replaceStock('Concat', makeConcatWasm);
  replaceStock('SplitV', makeSplitVWasm);
  replaceStock('LeakyRelu', makeLeakyReluWasm);
  return [
    'Conv2DBackpropFilter (im2col + XNNPACK GEMM)',
    'Conv2DBackpropInput (sub-pixel XNNPACK convs)',
    'Conv2D and FusedConv2D of at most 16 output positions (float64 dot products)',
    'UnsortedSegmentSum (gather gradient)',
    'Sum and Mean (float64 accumulation)',
    'Identity (shares the buffer)',
    'Concat and SplitV (run copies)',
    'LeakyReLU (branch-free), instance norm and LeakyReLU gradient (fused)',
  ];
}

/** Restores the stock Conv2DBackpropInput (benchmarks and tests compare against it). */
export function unregisterFastBackpropInput(): void {
  restoreStock('Conv2DBackpropInput');
}

/** Restores the stock float32 Sum and Mean (tests and benchmarks compare against them). */
export function unregisterAccurateReductions(): void {
  restoreStock('Sum');
  restoreStock('Mean');
}

// Registered on import too, so code that calls tf.setBackend('wasm') itself (tests, tools) gets
// them as soon as it imports @workbench/backend. The native-conv wrappers go on top (they fall back
// to these) and stay inert until a backend setup switches them on.
registerWasmTrainingKernels();
registerNativeConvWrappers();

// eslint-disable-next-line @typescript-eslint/require-await -- setup hooks are async by contract; this one needs no I/O
onBackendSetup(async (name): Promise<Record<string, string | number>> => {
  if (name !== 'wasm') return {};
  const kernels = registerWasmTrainingKernels();
  watchWasmHeap(tf.backend() as WasmBackend); // byte counts, and a clear error when the 4 GiB run out
  const bin = wasmBinaryInUse();
  const details: Record<string, string | number> = {
    'wasm binary': bin.binary,
    'wasm threads': bin.threads,
    'wasm kernels added': kernels.join(', '),
  };
  const native = setNativeConvs(true, nativeConvThreads(bin.threads));
  details['native convs'] = native.detail;
  const malloc = native.on ? nativeMallocNote() : undefined;
  if (malloc !== undefined) details['malloc'] = malloc;
  if (bin.fallback !== undefined) details['wasm threads note'] = `WORKBENCH_WASM_THREADS ignored: ${bin.fallback}`;
  else if (bin.binary === 'simd') details['wasm threads note'] = 'set WORKBENCH_WASM_THREADS=<n> for the threaded-simd binary';
  return details;
});
