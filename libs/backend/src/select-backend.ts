// Start-up choice of the TensorFlow.js backend, made in one place.
//
// Order of preference: node-gpu (libtensorflow with CUDA), node (libtensorflow on CPU), wasm
// (XNNPACK, SIMD), cpu (pure JS, slow). The native packages are optionalDependencies: where
// their install script could not download libtensorflow they are simply absent, and we say so.
import * as tf from '@tensorflow/tfjs';
import { BACKEND_CHOICES, BACKEND_NAMES, type BackendChoice, type BackendName } from './backend-names.js';
import { noteThreadsFallback, requestedWasmThreads, restoreStockWasm, useThreadedWasm } from './wasm-threads.js';

export { BACKEND_CHOICES, BACKEND_NAMES, type BackendChoice, type BackendName } from './backend-names.js';

export interface BackendAttempt {
  name: BackendName;
  ok: boolean;
  /** Why this backend was not used (absent, failed to start), or why it was. */
  reason: string;
}

export interface BackendInfo {
  /** The workbench name of the selected backend. */
  name: BackendName;
  /** TensorFlow.js's own name for it (`tensorflow`, `wasm`, `cpu`). */
  tfName: string;
  /** Every backend tried, best first, with the reason it was or was not used. */
  attempts: BackendAttempt[];
  /** Extra facts worth printing (SIMD, threads). */
  details: Record<string, string | number | boolean>;
}

export class BackendError extends Error {
  override name = 'BackendError';
}

/** Hooks run after a backend is set (e.g. registering missing wasm kernels). */
type SetupHook = (name: BackendName) => Promise<Record<string, string | number | boolean>>;
const setupHooks: SetupHook[] = [];

/** Lets other modules of this library add start-up work for a backend (kernels, thread pools). */
export function onBackendSetup(hook: SetupHook): void {
  setupHooks.push(hook);
}

let current: BackendInfo | undefined;

/** The backend chosen by the last `initBackend`, if any. */
export function currentBackend(): BackendInfo | undefined {
  return current;
}

function describeImportError(pkg: string, err: unknown): string {
  const code = (err as { code?: string }).code;
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
    return `${pkg} is not installed (it is an optional dependency whose install script downloads libtensorflow; without access to that download npm leaves it out)`;
  }
  const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
  return `${pkg} is installed but failed to load: ${msg}`;
}

async function tryNative(pkg: string): Promise<string | undefined> {
  try {
    await import(/* @vite-ignore */ pkg);
  } catch (err) {
    return describeImportError(pkg, err);
  }
  try {
    if (!(await tf.setBackend('tensorflow'))) return `${pkg} loaded but the 'tensorflow' backend did not initialise`;
    await tf.ready();
  } catch (err) {
    return `${pkg} loaded but the 'tensorflow' backend did not initialise: ${(err as Error).message}`;
  }
  return undefined;
}

async function tryWasm(): Promise<string | undefined> {
  // A malformed WORKBENCH_WASM_THREADS is the user's mistake: say so instead of falling back.
  let threads: number | undefined;
  try {
    threads = requestedWasmThreads();
  } catch (err) {
    throw new BackendError((err as Error).message);
  }
  try {
    await import('@tensorflow/tfjs-backend-wasm');
    // Opt-in threaded-SIMD binary (WORKBENCH_WASM_THREADS=<n>); any failure falls back to the
    // single-threaded SIMD binary, and the reason shows in the backend details.
    if (threads !== undefined && tf.engine().registry['wasm'] === undefined) {
      const why = useThreadedWasm(threads);
      if (why !== undefined) noteThreadsFallback(why);
      else if (!(await tf.setBackend('wasm'))) {
        noteThreadsFallback('the threaded-simd module did not initialise');
        restoreStockWasm();
      }
    }
    if (!(await tf.setBackend('wasm'))) return 'the wasm backend did not initialise';
    await tf.ready();
  } catch (err) {
    return `the wasm backend failed to start: ${(err as Error).message}`;
  }
  return undefined;
}

async function tryCpu(): Promise<string | undefined> {
  // The cpu backend ships inside @tensorflow/tfjs itself.
  if (!(await tf.setBackend('cpu'))) return 'the cpu backend did not initialise';
  await tf.ready();
  return undefined;
}

const starters: Record<BackendName, () => Promise<string | undefined>> = {
  'node-gpu': () => tryNative('@tensorflow/tfjs-node-gpu'),
  node: () => tryNative('@tensorflow/tfjs-node'),
  wasm: tryWasm,
  cpu: tryCpu,
};

const chosenReason: Record<BackendName, string> = {
  'node-gpu': 'libtensorflow with CUDA: the fastest backend',
  node: 'native libtensorflow on the CPU',
  wasm: 'XNNPACK kernels compiled to WebAssembly with SIMD; the fastest backend present',
  cpu: 'pure JavaScript kernels (slow: fit for tests and tiny models only)',
};

/** Parses a backend name from config or `WORKBENCH_BACKEND`, with a clear error. */
export function parseBackendChoice(value: string | undefined): BackendChoice {
  if (value === undefined || value === '' || value === 'auto') return 'auto';
  if ((BACKEND_NAMES as readonly string[]).includes(value)) return value as BackendName;
  throw new BackendError(
    `unknown backend '${value}': use one of ${BACKEND_CHOICES.join(', ')} (config key 'backend' or env WORKBENCH_BACKEND)`,
  );
}

/**
 * Selects and initialises a backend. `force` (or env `WORKBENCH_BACKEND`) picks one; forcing one
 * that cannot start is an error that says why. Otherwise the best available one wins.
 */
export async function initBackend(opts: { force?: BackendChoice } = {}): Promise<BackendInfo> {
  const choice = opts.force ?? parseBackendChoice(process.env['WORKBENCH_BACKEND']);
  const order: BackendName[] = choice === 'auto' ? [...BACKEND_NAMES] : [choice];
  const attempts: BackendAttempt[] = [];
  for (const name of order) {
    const failure = await starters[name]();
    if (failure !== undefined) {
      attempts.push({ name, ok: false, reason: failure });
      continue;
    }
    const details: Record<string, string | number | boolean> = {};
    for (const hook of setupHooks) Object.assign(details, await hook(name));
    attempts.push({ name, ok: true, reason: chosenReason[name] });
    current = { name, tfName: tf.getBackend(), attempts, details };
    return current;
  }
  const why = attempts.map((a) => `${a.name}: ${a.reason}`).join('; ');
  if (choice !== 'auto') {
    throw new BackendError(`backend '${choice}' was forced but cannot start (${why}); use backend=auto to pick the best one present`);
  }
  throw new BackendError(`no TensorFlow.js backend could start (${why})`);
}

/** A human-readable report: the selected backend and why the better ones were not used. */
export function describeBackend(info: BackendInfo): string {
  const lines = [`backend: ${info.name} (tfjs '${info.tfName}')`];
  for (const a of info.attempts) lines.push(`  ${a.ok ? 'selected' : 'skipped '} ${a.name.padEnd(8)} ${a.reason}`);
  for (const [k, v] of Object.entries(info.details)) lines.push(`  ${k}: ${v}`);
  return lines.join('\n');
}
