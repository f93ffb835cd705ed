// How many jobs run at once on this machine when the user does not say (`--jobs`, launcher.jobs).
import { availableParallelism, totalmem } from 'node:os';

/** Memory one small (CPU-scale) training process needs, with headroom: tfjs-wasm + data. */
const BYTES_PER_JOB = 1.5 * 1024 ** 3;

/**
 * One job per core (each tfjs-wasm job is single-threaded), capped by memory. On the 2-core
 * development machine this is 2; see libs/sweep/README.md for the measurement behind it.
 */
export function defaultWorkers(cores = availableParallelism(), memory = totalmem()): number {
  return Math.max(1, Math.min(cores, Math.floor(memory / BYTES_PER_JOB)));
}
