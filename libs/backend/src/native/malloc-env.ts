// glibc malloc settings for a process that runs the native convs.
//
// onnxruntime-node's binding returns a fresh JS copy of every output, even of one the caller
// passed preallocated (we use only that one, in the wasm heap). So each conv allocates its output's
// size once more; V8 frees those copies on a background thread, glibc hands the freed top of its
// heap back to the OS, and the next conv faults the pages in again. At 256 px / widths 64 that was
// ~100k minor page faults and ~0.8 s per step (5.2-5.5 → 4.5-4.6 s/step with these settings).
// A fixed, high mmap threshold and trim threshold keep that memory in the process for reuse.
// glibc reads them once at start-up, so they are set for child processes (sweep jobs, the bench's
// workbench side) and by bin/workbench.js's shebang; the backend details say whether they are in force.
export const NATIVE_MALLOC_ENV = {
  MALLOC_MMAP_THRESHOLD_: String(2 ** 30),
  MALLOC_TRIM_THRESHOLD_: String(2 ** 32),
} as const;

/** `env` with the malloc settings added (values already in `env` win). */
export function withNativeMallocEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...NATIVE_MALLOC_ENV, ...env };
}

/** What the backend details say: whether this process started with the settings (glibc only). */
export function nativeMallocNote(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (process.platform !== 'linux') return undefined;
  const missing = Object.keys(NATIVE_MALLOC_ENV).filter((k) => env[k] === undefined);
  if (missing.length === 0) return `tuned for the native convs (${Object.entries(NATIVE_MALLOC_ENV).map(([k, v]) => `${k}=${env[k] ?? v}`).join(' ')})`;
  const set = Object.entries(NATIVE_MALLOC_ENV).map(([k, v]) => `${k}=${v}`).join(' ');
  return `glibc defaults: each native conv's output copy re-faults freed pages (~14 % of a 256 px step); start the process with ${set} (npx workbench and sweep jobs do)`;
}
