// The threaded-SIMD wasm binary under Node (opt-in: WORKBENCH_WASM_THREADS=<n>).
//
// tfjs 4.22 never uses it in Node, for three reasons we work around here:
//  1. flags_wasm.ts hard-codes WASM_HAS_MULTITHREAD_SUPPORT = false when IS_NODE;
//  2. its init() hands Emscripten the pthread worker script and the main script as Blob URLs,
//     which Node's worker_threads cannot execute;
//  3. the C++ side caps the pool at logical cores / 2 (1 on 2 cores), counting cores through
//     require('os').cpus() once, while the module initialises.
// So we register our own factory for the 'wasm' backend: it loads the threaded Emscripten module
// from the package's files, writes the worker script to a temp file, passes both as file paths and
// sets the thread count explicitly, and makes os.cpus() report 2·threads entries for the moment the
// module initialises; the stock BackendWasm class then wraps the module as usual.
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as tfwasm from '@tensorflow/tfjs-backend-wasm';

const require = createRequire(import.meta.url);

/** tfjs-backend-wasm's own factory for 'wasm', kept to fall back to the single-threaded binary. */
let stockFactory: { factory: () => tf.KernelBackend | Promise<tf.KernelBackend>; priority: number } | undefined;

/** Puts tfjs-backend-wasm's own (single-threaded SIMD) factory back after a failed threaded start. */
export function restoreStockWasm(): void {
  if (stockFactory === undefined) return;
  tf.removeBackend('wasm'); // also disposes a half-started threaded instance
  tf.registerBackend('wasm', stockFactory.factory, stockFactory.priority);
  stockFactory = undefined;
}

/** Priority tfjs-backend-wasm registers 'wasm' with. */
const WASM_PRIORITY = 2;

export type WasmBinary = 'simd' | 'threaded-simd';

/** The thread count asked for in WORKBENCH_WASM_THREADS, or undefined for the default binary. */
export function requestedWasmThreads(value = process.env['WORKBENCH_WASM_THREADS']): number | undefined {
  if (value === undefined || value === '' || value === '0') return undefined;
  const n = Number(value);
  // The Emscripten build pre-creates 8 pthread workers and XNNPACK's pool is capped at 8.
  if (!Number.isInteger(n) || n < 1 || n > 8) {
    throw new Error(`WORKBENCH_WASM_THREADS='${value}' is not a thread count: use an integer from 1 to 8, or unset it (or 0) for the single-threaded binary`);
  }
  return n;
}

interface EmscriptenModule {
  cwrap(name: string, ret: string | null, args: string[]): (...a: number[]) => number;
  PThread?: { runningWorkers: Array<{ unref?: () => void }>; unusedWorkers: Array<{ unref?: () => void }> };
  tfjs?: Record<string, (...a: number[]) => number>;
}
type Factory = (config: Record<string, unknown>) => Promise<EmscriptenModule>;

function pthreadWorkerFile(pkgDir: string): string {
  const { wasmWorkerContents } = require(join(pkgDir, 'wasm-out/tfjs-backend-wasm-threaded-simd.worker.js')) as {
    wasmWorkerContents: string;
  };
  // The script sits in a JS template literal, so its "\n" escapes arrived as raw newlines inside
  // string literals; tfjs re-escapes them before making its Blob, and so do we.
  const script = wasmWorkerContents.replace(/\n/g, '\\n');
  const hash = createHash('sha256').update(script).digest('hex').slice(0, 16);
  // .cjs: the worker script uses require(); the content hash makes concurrent writers agree.
  const file = join(os.tmpdir(), `workbench-tfjs-wasm-pthread-${hash}.cjs`);
  if (!existsSync(file)) {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, script);
    renameSync(tmp, file);
  }
  return file;
}

/**
 * Makes the next `tf.setBackend('wasm')` start the threaded-SIMD binary with `threads` pool
 * threads. Call before the wasm backend is first initialised; returns a reason if it cannot.
 */
export function useThreadedWasm(threads: number): string | undefined {
  if (typeof SharedArrayBuffer === 'undefined') return 'SharedArrayBuffer is unavailable in this Node';
  if (tf.engine().registry['wasm'] !== undefined) return 'the wasm backend was already initialised single-threaded';
  const pkgDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const mainScript = join(pkgDir, 'wasm-out/tfjs-backend-wasm-threaded-simd.js');
  const wasmBinary = join(pkgDir, 'wasm-out/tfjs-backend-wasm-threaded-simd.wasm');
  let workerScript: string;
  let factory: Factory;
  try {
    workerScript = pthreadWorkerFile(pkgDir);
    factory = require(mainScript) as Factory;
  } catch (err) {
    return `cannot prepare the threaded binary: ${(err as Error).message}`;
  }
  stockFactory = tf.engine().registryFactory['wasm'];
  tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    async () => {
      tfwasm.setThreadsCount(threads);
      const nodeOs = require('node:os') as typeof os; // the object Emscripten's require('os') returns
      const realCpus = nodeOs.cpus;
      const cpus = realCpus();
      nodeOs.cpus = () => Array.from({ length: 2 * threads }, (_, i) => cpus[i % cpus.length]!); // as before: undefined entries only if os.cpus() is empty
      let module: EmscriptenModule;
      try {
        module = await factory({
          locateFile: (path: string, prefix: string) =>
            path.endsWith('.worker.js') ? workerScript : path.endsWith('.wasm') ? wasmBinary : prefix + path,
          // Workers load the main script by path (a string), not from a Blob.
          mainScriptUrlOrBlob: mainScript,
        });
      } finally {
        nodeOs.cpus = realCpus;
      }
      module.tfjs = {
        init: module.cwrap('init', null, []),
        initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
        getThreadsCount: module.cwrap('get_threads_count', 'number', []),
        registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
        disposeData: module.cwrap('dispose_data', null, ['number']),
        dispose: module.cwrap('dispose', null, []),
      };
      const backend = new tfwasm.BackendWasm(module as unknown as ConstructorParameters<typeof tfwasm.BackendWasm>[0]);
      // The constructor started the XNNPACK pool; its idle workers must not keep Node alive.
      const pool = module.PThread;
      for (const w of [...(pool?.runningWorkers ?? []), ...(pool?.unusedWorkers ?? [])]) w.unref?.();
      return backend;
    },
    WASM_PRIORITY,
  );
  return undefined;
}

let fallbackReason: string | undefined;

/** Records why a requested threaded start fell back to the single-threaded binary. */
export function noteThreadsFallback(reason: string): void {
  fallbackReason = reason;
}

/** Which binary the initialised wasm backend runs, its pool threads, and any fallback reason. */
export function wasmBinaryInUse(): { binary: WasmBinary; threads: number; fallback?: string } {
  const backend = tf.engine().registry['wasm'] as unknown as { wasm: { PThread?: unknown } } | undefined;
  // Only the threaded Emscripten build exports its PThread pool on the module.
  const threaded = backend?.wasm.PThread !== undefined;
  return { binary: threaded ? 'threaded-simd' : 'simd', threads: threaded ? tfwasm.getThreadsCount() : 1, fallback: fallbackReason };
}
