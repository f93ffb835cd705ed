// Direct access to the wasm backend's heap for our own kernels.
//
// A wasm tensor is a block of the module's linear memory; `dataIdMap` maps a tensor's dataId to
// its byte offset. Our kernels write inputs for XNNPACK (im2col, flipped filters) straight into
// that memory instead of composing slow element-wise tfjs kernels.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export type WasmBackend = BackendWasm;

/** The module's whole float32 heap. Re-acquire after any allocation: growth replaces the buffer. */
export function heapF32(backend: WasmBackend): Float32Array {
  // Emscripten puts HEAPF32 on the module; tfjs's .d.ts only declares it for the threaded build.
  const m = backend.wasm as unknown as { HEAPF32: Float32Array; wasmMemory?: WebAssembly.Memory };
  // In the threaded build the heap can grow from a pool thread, and the main thread's views are
  // only refreshed lazily: compare against the memory's current buffer.
  const current = m.wasmMemory?.buffer;
  if (current !== undefined && m.HEAPF32.buffer !== current) return new Float32Array(current);
  return m.HEAPF32;
}

/** Index of a tensor's first float in `backend.wasm.HEAPF32`. */
export function heapIndex(backend: WasmBackend, t: tf.TensorInfo): number {
  return (backend.dataIdMap.get(t.dataId) as { memoryOffset: number }).memoryOffset >>> 2;
}

/** Allocates an uninitialised float32 tensor on the wasm heap. */
export function allocate(backend: WasmBackend, shape: number[]): tf.TensorInfo {
  return backend.makeOutput(shape, 'float32');
}

/** Releases intermediate tensors made inside a kernel. */
export function release(backend: WasmBackend, ...ts: tf.TensorInfo[]): void {
  for (const t of ts) backend.disposeData(t.dataId);
}

/** Runs another registered wasm kernel (the stock XNNPACK Conv2D, BatchMatMul) from inside ours. */
export function runWasmKernel(
  backend: WasmBackend,
  kernelName: string,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap,
): tf.TensorInfo {
  const kernel = tf.getKernel(kernelName, 'wasm');
  if (kernel === undefined) throw new Error(`the wasm backend has no '${kernelName}' kernel`);
  return kernel.kernelFunc({ inputs, backend, attrs }) as tf.TensorInfo;
}

/** What tfjs passes to a kernel function registered with `tf.registerKernel`. */
export type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

/** A kernel function as tfjs calls it (stock or ours): one output. */
export type KernelFunc = (args: KernelArgs) => tf.TensorInfo;

/** A kernel function with one output or several (SplitV, the fused instance norm). */
export type MultiOutputKernelFunc = (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[];
