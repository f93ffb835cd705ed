// Registers the wasm kernels training needs: the missing Conv2DBackpropFilter, a fast
// Conv2DBackpropInput (which also runs every conv2dTranspose forward) and the missing
// UnsortedSegmentSum (the gradient of tf.gather).
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm'; // registers the stock wasm kernels we build on
import { conv2dBackpropFilterWasm } from './conv2d-backprop-filter-wasm.js';
import { makeConv2dBackpropInputWasm } from './conv2d-backprop-input-wasm.js';
import { unsortedSegmentSumWasm } from './unsorted-segment-sum-wasm.js';
import { onBackendSetup } from './select-backend.js';
import { wasmBinaryInUse } from './wasm-threads.js';

let stockBackpropInput: tf.KernelConfig | undefined;

/**
 * Idempotent: registers our kernels for the `wasm` backend. Importing this library already did;
 * `initBackend()` calls it again when it picks wasm (after `unregisterFastBackpropInput`, say).
 */
export function registerWasmTrainingKernels(): string[] {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm') === undefined) {
    tf.registerKernel({
      kernelName: 'Conv2DBackpropFilter',
      backendName: 'wasm',
      kernelFunc: conv2dBackpropFilterWasm as unknown as tf.KernelFunc,
    });
  }
  if (tf.getKernel('UnsortedSegmentSum', 'wasm') === undefined) {
    tf.registerKernel({
      kernelName: 'UnsortedSegmentSum',
      backendName: 'wasm',
      kernelFunc: unsortedSegmentSumWasm as unknown as tf.KernelFunc,
    });
  }
  if (stockBackpropInput === undefined) {
    const stock = tf.getKernel('Conv2DBackpropInput', 'wasm');
    if (stock === undefined) throw new Error("the wasm backend has no stock 'Conv2DBackpropInput' kernel: import '@tensorflow/tfjs-backend-wasm' first");
    stockBackpropInput = stock;
    const stockFn = stock.kernelFunc as unknown as Parameters<typeof makeConv2dBackpropInputWasm>[0];
    tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
    tf.registerKernel({
      kernelName: 'Conv2DBackpropInput',
      backendName: 'wasm',
      // The stock kernel binds its C++ entry point in setupFunc; keep that running on re-init.
      setupFunc: stock.setupFunc,
      kernelFunc: makeConv2dBackpropInputWasm(stockFn) as unknown as tf.KernelFunc,
    });
  }
  return [
    'Conv2DBackpropFilter (im2col + XNNPACK GEMM)',
    'Conv2DBackpropInput (sub-pixel XNNPACK convs)',
    'UnsortedSegmentSum (gather gradient)',
  ];
}

/** Restores the stock Conv2DBackpropInput (benchmarks and tests compare against it). */
export function unregisterFastBackpropInput(): void {
  if (stockBackpropInput === undefined) return;
  tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
  tf.registerKernel(stockBackpropInput);
  stockBackpropInput = undefined;
}

// Registered on import too, so code that calls tf.setBackend('wasm') itself (tests, tools) gets
// them as soon as it imports @workbench/backend.
registerWasmTrainingKernels();

onBackendSetup(async (name): Promise<Record<string, string | number>> => {
  if (name !== 'wasm') return {};
  const kernels = registerWasmTrainingKernels();
  const bin = wasmBinaryInUse();
  const details: Record<string, string | number> = {
    'wasm binary': bin.binary,
    'wasm threads': bin.threads,
    'wasm kernels added': kernels.join(', '),
  };
  if (bin.fallback !== undefined) details['wasm threads note'] = `WORKBENCH_WASM_THREADS ignored: ${bin.fallback}`;
  else if (bin.binary === 'simd') details['wasm threads note'] = 'set WORKBENCH_WASM_THREADS=<n> for the threaded-simd binary';
  return details;
});
