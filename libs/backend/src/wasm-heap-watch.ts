// Watches the wasm backend's heap: how many bytes tensors hold (live, and the high-water mark since
// the last reset), how large the module's linear memory has grown, and a clear error instead of a
// silent corruption or `Aborted()` when the 4 GiB heap is exhausted.
//
// tfjs-backend-wasm allocates every tensor with `wasm._malloc` from JavaScript and frees it with
// `wasm._free`. Emscripten's malloc returns 0 when the heap cannot grow (tfjs would then write the
// tensor at address 0 over the module's own data); we wrap both to count bytes and to throw
// `WasmHeapExhaustedError` instead. Allocations made inside C++ (XNNPACK's packed weights and
// workspaces) do not pass through here: `heapBytes` (the linear memory's size) covers them.
import * as tf from '@tensorflow/tfjs';
import type { WasmBackend } from './wasm-heap.js';

/** wasm32 linear memory cannot exceed 4 GiB (the module's own maximum). */
export const WASM_HEAP_LIMIT_BYTES = 4 * 1024 ** 3;

/** The wasm backend could not allocate: the configuration does not fit its 4 GiB heap. */
export class WasmHeapExhaustedError extends Error {
  override name = 'WasmHeapExhaustedError';
  constructor(
    /** What could not be allocated (bytes), when known. */
    readonly requestedBytes: number | undefined,
    /** Size of the wasm linear memory when it failed. */
    readonly heapBytes: number,
    detail: string,
  ) {
    super(
      `the wasm backend's 4 GiB heap is exhausted (${detail}; heap at ${(heapBytes / 1024 ** 3).toFixed(2)} GiB): ` +
        'this configuration does not fit wasm32 memory; use a smaller train.batch_size, data.crop_size or model width (model.ngf/ndf/nef), backend=cpu (no 4 GiB limit, much slower), or a machine with a GPU (backend=node-gpu)',
    );
  }
}

export interface WasmHeapStats {
  /** Bytes held by tensors now (JS-side allocations). */
  liveBytes: number;
  /** Highest `liveBytes` since the last `resetPeak()`. */
  peakLiveBytes: number;
  /** Size of the wasm linear memory (never shrinks: the process-lifetime high-water mark). */
  heapBytes: number;
}

interface MallocModule {
  _malloc(n: number): number;
  _free(p: number): void;
  HEAPU8: Uint8Array;
  wasmMemory?: WebAssembly.Memory;
}

interface Watch {
  module: MallocModule;
  sizes: Map<number, number>;
  live: number;
  peak: number;
}

let watch: Watch | undefined;

function memoryBytes(m: MallocModule): number {
  return (m.wasmMemory?.buffer ?? m.HEAPU8.buffer).byteLength;
}

/**
 * Installs the counting, failing-loudly malloc on the current wasm backend (idempotent; a new
 * backend instance, e.g. after re-initialisation, gets a new watch).
 */
export function watchWasmHeap(backend: WasmBackend): void {
  const m = backend.wasm as unknown as MallocModule;
  if (watch?.module === m) return;
  const w: Watch = { module: m, sizes: new Map(), live: 0, peak: 0 };
  // Emscripten binds `_malloc`/`_free` lazily: their first call replaces the module property with
  // the raw export, which would drop a wrapper installed before it. Call both once first.
  m._free(m._malloc(16));
  const malloc = m._malloc.bind(m);
  const free = m._free.bind(m);
  m._malloc = (n: number): number => {
    const p = malloc(n) >>> 0;
    if (p === 0 && n > 0) throw new WasmHeapExhaustedError(n, memoryBytes(m), `could not allocate ${(n / 1024 ** 2).toFixed(1)} MiB for a tensor`);
    w.sizes.set(p, n);
    w.live += n;
    if (w.live > w.peak) w.peak = w.live;
    return p;
  };
  m._free = (p: number): void => {
    const n = w.sizes.get(p >>> 0);
    if (n !== undefined) {
      w.sizes.delete(p >>> 0);
      w.live -= n;
    }
    free(p);
  };
  watch = w;
}

/** Heap figures of the watched wasm backend, or undefined when wasm is not the active backend. */
export function wasmHeapStats(): WasmHeapStats | undefined {
  if (tf.getBackend() !== 'wasm') return undefined;
  const backend = tf.backend() as WasmBackend;
  watchWasmHeap(backend);
  const w = watch!;
  return { liveBytes: w.live, peakLiveBytes: w.peak, heapBytes: memoryBytes(w.module) };
}

/** Starts a new high-water interval at the current live bytes. */
export function resetWasmHeapPeak(): void {
  if (watch !== undefined) watch.peak = watch.live;
}

/**
 * Turns the ways an exhausted wasm heap surfaces into `WasmHeapExhaustedError`: our malloc guard
 * (already that class) and Emscripten's `abort()` (C++ `new` failing inside a kernel), which
 * throws `RuntimeError: Aborted(...)`. Anything else is returned unchanged.
 */
export function asWasmHeapError(err: unknown): unknown {
  if (err instanceof WasmHeapExhaustedError) return err;
  if (tf.getBackend() !== 'wasm' || !(err instanceof Error)) return err;
  const aborted = /^Aborted\(/.test(err.message) || (err.name === 'RuntimeError' && /out of memory/i.test(err.message));
  if (!aborted) return err;
  const heap = watch !== undefined ? memoryBytes(watch.module) : 0;
  return new WasmHeapExhaustedError(undefined, heap, `a kernel aborted: ${err.message.split('\n')[0]}`);
}
