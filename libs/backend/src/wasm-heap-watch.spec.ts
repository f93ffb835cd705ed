// The wasm heap watch: byte counts per tensor allocation, the high-water mark, and an exhausted
// 4 GiB heap surfacing as WasmHeapExhaustedError (not a write to address 0, not Aborted()).
// Filling the heap leaves this process's wasm memory at 4 GiB (it never shrinks), which is why
// these cases live in their own spec file (vitest runs each file in its own process).
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from './wasm-training-kernels.js';
import { allocate, type WasmBackend } from './wasm-heap.js';
import { asWasmHeapError, resetWasmHeapPeak, wasmHeapStats, WasmHeapExhaustedError, WASM_HEAP_LIMIT_BYTES } from './wasm-heap-watch.js';

beforeAll(async () => {
  registerWasmTrainingKernels();
  await tf.setBackend('wasm');
});

const MiB = 1024 ** 2;

describe('wasm heap watch', () => {
  it('counts the bytes tensors hold and their high-water mark', () => {
    const before = wasmHeapStats()!;
    resetWasmHeapPeak();
    const a = tf.zeros([1024, 1024]); // 4 MiB
    const b = tf.zeros([512, 1024]); //  2 MiB
    b.dispose();
    const mid = wasmHeapStats()!;
    expect(mid.liveBytes - before.liveBytes).toBe(4 * MiB);
    expect(mid.peakLiveBytes - before.liveBytes).toBe(6 * MiB);
    expect(mid.heapBytes).toBeGreaterThanOrEqual(mid.liveBytes);
    a.dispose();
    expect(wasmHeapStats()!.liveBytes).toBe(before.liveBytes);
  });

  it('throws WasmHeapExhaustedError when the 4 GiB are used up, and the backend stays usable', () => {
    const backend = tf.backend() as WasmBackend;
    const held: tf.Tensor[] = [];
    let caught: unknown;
    try {
      // 256 MiB blocks, uninitialised (fast): far more than fits
      for (let i = 0; i < 20; i++) held.push(tf.engine().makeTensorFromTensorInfo(allocate(backend, [64, 1024, 1024])));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(WasmHeapExhaustedError);
    const msg = (caught as Error).message;
    expect(msg).toMatch(/wasm backend's 4 GiB heap is exhausted/);
    expect(msg).toMatch(/could not allocate 256\.0 MiB/);
    expect(msg).toMatch(/smaller train\.batch_size.*backend=cpu.*GPU/);
    expect(held.length).toBeGreaterThanOrEqual(10);
    expect(wasmHeapStats()!.heapBytes).toBeGreaterThan(WASM_HEAP_LIMIT_BYTES - 512 * MiB);
    tf.dispose(held);
    // the failed allocation left the module intact: kernels still run
    expect(tf.tidy(() => tf.sum(tf.ones([1000])).dataSync()[0])).toBe(1000);
  });

  it("maps Emscripten's Aborted() to the same error and leaves other errors alone", () => {
    const aborted = new Error('Aborted(). Build with -sASSERTIONS for more info.');
    expect(asWasmHeapError(aborted)).toBeInstanceOf(WasmHeapExhaustedError);
    expect((asWasmHeapError(aborted) as Error).message).toMatch(/a kernel aborted: Aborted\(\)/);
    const other = new Error('shapes do not match');
    expect(asWasmHeapError(other)).toBe(other);
  });
});
