// onnxruntime-node, called synchronously: tfjs kernels cannot await, and the binding's own
// `run` is synchronous (the package's InferenceSession only wraps it in a Promise). Inputs and
// preallocated outputs are Float32Array views, so ORT reads and writes the wasm heap in place;
// the threaded wasm binary's heap is a SharedArrayBuffer, which the binding refuses, so there the
// data goes through copies.
import { createRequire } from 'node:module';

interface OrtTensorCtor {
  new (type: 'float32', data: Float32Array, dims: readonly number[]): unknown;
}
interface NativeSession {
  loadModel(buffer: ArrayBufferLike, byteOffset: number, byteLength: number, options: object): void;
  run(feeds: Record<string, unknown>, fetches: Record<string, unknown>, options: object): Record<string, unknown>;
  dispose(): void;
}
interface OrtBinding {
  InferenceSession: new () => NativeSession;
}
interface OrtModule {
  Tensor: OrtTensorCtor;
}

export interface OrtRuntime {
  version: string;
  Tensor: OrtTensorCtor;
  binding: OrtBinding;
}

let loaded: OrtRuntime | null | undefined;
let loadError: string | undefined;

/** onnxruntime-node when it is installed and loads on this platform, else undefined (see `ortLoadError`). */
export function ortRuntime(): OrtRuntime | undefined {
  if (loaded !== undefined) return loaded ?? undefined;
  try {
    const require = createRequire(import.meta.url);
    const ort = require('onnxruntime-node') as OrtModule;
    const bindingModule = require('onnxruntime-node/dist/binding.js') as { binding: OrtBinding; initOrt: () => void };
    bindingModule.initOrt();
    const version = (require('onnxruntime-node/package.json') as { version: string }).version;
    loaded = { version, Tensor: ort.Tensor, binding: bindingModule.binding };
  } catch (e) {
    loaded = null;
    loadError = (e as Error).message.split('\n')[0];
  }
  return loaded ?? undefined;
}

/** Why onnxruntime-node is not available (undefined when it is, or before the first attempt). */
export function ortLoadError(): string | undefined {
  return loadError;
}

/** The data itself, or a copy of it outside a SharedArrayBuffer. */
function unshared(a: Float32Array): Float32Array {
  return a.buffer instanceof SharedArrayBuffer ? a.slice() : a;
}

/** One loaded model with fixed input and output shapes. */
export class OrtKernelSession {
  private readonly session: NativeSession;
  private readonly runOptions = {};

  constructor(
    private readonly ort: OrtRuntime,
    model: Uint8Array,
    threads: number,
  ) {
    this.session = new ort.binding.InferenceSession();
    this.session.loadModel(model.buffer, model.byteOffset, model.byteLength, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      // tfjs works between our calls: idle pool threads must sleep, not spin
      ...(threads > 1 && { extra: { session: { intra_op: { allow_spinning: '0' } } } }),
    });
  }

  /** Runs the model; `outputs` are written in place (views of the caller's memory). */
  run(inputs: Record<string, { data: Float32Array; dims: readonly number[] }>, outputs: Record<string, { data: Float32Array; dims: readonly number[] }>): void {
    const feeds: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(inputs)) feeds[k] = new this.ort.Tensor('float32', unshared(v.data), v.dims);
    const fetches: Record<string, unknown> = {};
    const copyBack: Array<[Float32Array, Float32Array]> = [];
    for (const [k, v] of Object.entries(outputs)) {
      const out = v.data.buffer instanceof SharedArrayBuffer ? new Float32Array(v.data.length) : v.data;
      if (out !== v.data) copyBack.push([v.data, out]);
      fetches[k] = new this.ort.Tensor('float32', out, v.dims);
    }
    this.session.run(feeds, fetches, this.runOptions);
    for (const [dst, src] of copyBack) dst.set(src);
  }

  dispose(): void {
    this.session.dispose();
  }
}
